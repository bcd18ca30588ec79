"""The playback mix route (GET /kijkocut/api/projects/{id}/audio): the engine's mix of a range as WAV, cut at
the project's end, cached per revision (an edit is heard at once), refused for ranges outside the timeline and
for media outside the server's folders."""

from __future__ import annotations

import io
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kijkocut.model import ProjectSettings
from kijkocut.paths import PathPolicy
from kijkocut.render.audio_mix import render_audio
from kijkocut.service.actions import ActionContext, run_action
from kijkocut.service.store import ProjectStore

API = "/kijkocut/api"


@pytest.fixture
def folders(tmp_path, engine_media):
    layout = {kind: tmp_path / kind for kind in ("input", "output", "temp")}
    for folder in layout.values():
        folder.mkdir()
    shutil.copy(engine_media.music, layout["input"] / "music.wav")
    shutil.copy(engine_media.music, tmp_path / "elsewhere.wav")
    return layout


@pytest.fixture
async def served(pack, folders, tmp_path):
    api = pack("nodes.project_api")
    lookup = lambda kind: str(folders[kind]) if kind in folders else None  # noqa: E731
    store = ProjectStore(tmp_path / "projects")
    server = api.ProjectApi(
        store,
        api.folder_resolver(lookup),
        None,
        path_policy=PathPolicy.of([str(f) for f in folders.values()], base=str(folders["input"])),
        folders=lookup,
    )
    app = web.Application()
    app.add_routes(server.table())
    async with TestClient(TestServer(app)) as client:
        yield client, store, server


def _with_music(store: ProjectStore, path: Path, seconds: str = "3") -> str:
    project = store.create("mix", ProjectSettings(width=320, height=180, frame_rate="25"))
    ctx = ActionContext(resolve_path=Path)  # as another front end (the CLI) may have stored it
    media = run_action(store, project.id, "import_media", {"paths": [str(path)]}, ctx=ctx)
    run_action(
        store,
        project.id,
        "add_clip",
        {"media_id": media.created["media_ids"][0], "duration": seconds},
        ctx=ctx,
    )
    return project.id


def _samples(body: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(body)) as read:
        rate, channels = read.getframerate(), read.getnchannels()
        pcm = np.frombuffer(read.readframes(read.getnframes()), "<i2").reshape(-1, channels).T
    return pcm.astype(np.float32) / 32767, rate


async def test_the_mix_of_a_range_is_the_engines_and_cached_per_revision(served, folders):
    client, store, server = served
    pid = _with_music(store, folders["input"] / "music.wav")
    response = await client.get(f"{API}/projects/{pid}/audio", params={"start": "1", "seconds": "1.5"})
    assert response.status == 200, await response.text()
    assert response.content_type == "audio/wav" and response.headers["X-Kijkocut-Revision"] == "2"
    heard, rate = _samples(await response.read())
    expected = render_audio(store.snapshot(pid), start=1, end=2.5, project_dir=store.directory(pid))
    assert rate == 48000 and heard.shape == expected.shape == (2, 72000)
    assert np.abs(heard - expected).max() < 2 / 32767 and np.abs(expected).max() > 0.1  # sound, not silence
    again = await client.get(f"{API}/projects/{pid}/audio", params={"start": "1", "seconds": "1.5"})
    assert await again.read() == await response.read() and len(server._audio) == 1

    # An edit is a new revision: the next request mixes again, at the new gain.
    run_action(
        store, pid, "set_property", {"element_id": _clip_id(store, pid), "property": "gain_db", "value": "-6"}
    )
    quieter, _ = _samples(
        await (
            await client.get(f"{API}/projects/{pid}/audio", params={"start": "1", "seconds": "1.5"})
        ).read()
    )
    assert np.abs(quieter).max() == pytest.approx(np.abs(heard).max() * 10 ** (-6 / 20), rel=0.02)


def _clip_id(store, pid):
    return store.get(pid).tracks[0].elements[0].id


async def test_the_range_is_cut_at_the_end_and_bad_ranges_are_refused(served, folders):
    client, store, _ = served
    pid = _with_music(store, folders["input"] / "music.wav", seconds="2")
    tail, _ = _samples(
        await (await client.get(f"{API}/projects/{pid}/audio", params={"start": "1.5"})).read()
    )
    assert tail.shape[1] == 24000  # 0.5 s left of a 2 s project, not the 5 s asked
    for params, words in (
        ({"start": "2"}, "outside the timeline"),
        ({"start": "-1"}, "outside the timeline"),
        ({"start": "0", "seconds": "31"}, "at most 30"),
        ({"start": "0", "seconds": "0"}, "above 0"),
        ({"start": "soon"}, "numbers of seconds"),
    ):
        response = await client.get(f"{API}/projects/{pid}/audio", params=params)
        assert response.status == 400 and words in (await response.json())["error"], params


async def test_media_outside_the_servers_folders_is_not_opened(served, folders, tmp_path):
    client, store, _ = served
    pid = _with_music(store, tmp_path / "elsewhere.wav")
    response = await client.get(f"{API}/projects/{pid}/audio", params={"start": "0"})
    assert response.status == 403
    assert "elsewhere.wav" in (await response.json())["error"]
