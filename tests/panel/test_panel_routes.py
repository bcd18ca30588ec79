"""The routes the timeline panel adds to the HTTP API: the media bin's folder listing (confined, bounded) and
the frame preview's cache (a revision's frame is rendered once; an edit makes a new revision and a new frame)."""

from __future__ import annotations

import contextlib
import os
import shutil
from fractions import Fraction
from io import BytesIO

import numpy as np
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image

from kijkocut.render.frames import render_frame
from kijkocut.service.store import ProjectStore

API = "/kijkocut/api"


@pytest.fixture
def folders(tmp_path, engine_media):
    layout = {kind: tmp_path / kind for kind in ("input", "output", "temp")}
    for folder in layout.values():
        folder.mkdir()
    shutil.copy(engine_media.red, layout["input"] / "red.mp4")
    (layout["input"] / "shots").mkdir()
    shutil.copy(engine_media.green, layout["input"] / "shots" / "green.mp4")
    shutil.copy(engine_media.music, layout["output"] / "music.wav")
    (layout["input"] / "notes.txt").write_text("not media")
    (layout["input"] / ".hidden.mp4").write_bytes(b"")
    outside = tmp_path / "outside.mp4"
    shutil.copy(engine_media.small, outside)
    os.symlink(outside, layout["input"] / "escape.mp4")
    return layout


def _lookup(folders):
    return lambda kind: str(folders[kind]) if kind in folders else None


def _policy(folders):
    from kijkocut.paths import PathPolicy

    return PathPolicy.of([str(f) for f in folders.values()], base=str(folders["input"]))


@contextlib.asynccontextmanager
async def _client(pack, layout, store, *args, **options):
    """The panel's API over `store`, resolving names in the `layout` of folders, served to a test client."""
    api = pack("nodes.project_api")
    app = web.Application()
    app.add_routes(api.ProjectApi(store, api.folder_resolver(_lookup(layout)), *args, **options).table())
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.fixture
async def served(pack, folders, tmp_path):
    renders: list[float] = []

    def frame(project, t, width, project_dir):
        renders.append(float(t))
        return render_frame(project, t, width=width, project_dir=project_dir)

    store = ProjectStore(tmp_path / "projects")
    async with _client(pack, folders, store, frame, folders=_lookup(folders)) as client:
        yield client, renders


async def test_the_media_bin_lists_media_in_a_folder_and_nothing_else(served):
    client, _ = served
    response = await client.get(f"{API}/media", params={"folder": "input"})
    listing = await response.json()
    assert response.status == 200, listing
    assert sorted(f["name"] for f in listing["files"]) == ["red.mp4", "shots/green.mp4"]
    green = next(f for f in listing["files"] if f["filename"] == "green.mp4")
    assert green["subfolder"] == "shots" and green["size"] > 0 and not listing["truncated"]
    output = await (await client.get(f"{API}/media", params={"folder": "output"})).json()
    assert [f["name"] for f in output["files"]] == ["music.wav"]


async def test_the_media_bin_refuses_other_folders(served):
    client, _ = served
    response = await client.get(f"{API}/media", params={"folder": "../etc"})
    assert response.status == 400
    assert "folder must be one of input, output, temp" in (await response.json())["error"]


def test_the_listing_is_bounded(pack, tmp_path):
    list_media = pack("nodes.media_bin").list_media
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    for index in range(5):
        (tmp_path / f"clip{index}.mp4").write_bytes(b"x")
    (deep / "deep.mp4").write_bytes(b"x")
    capped = list_media(tmp_path, {".mp4"}, max_files=3)
    assert len(capped["files"]) == 3 and capped["truncated"]
    shallow = list_media(tmp_path, {".mp4"}, max_depth=2)
    assert "a/b/c/deep.mp4" not in {f["name"] for f in shallow["files"]}
    assert "a/b/c/deep.mp4" in {f["name"] for f in list_media(tmp_path, {".mp4"})["files"]}


async def _picture(response) -> np.ndarray:
    assert response.status == 200, await response.text()
    return np.asarray(Image.open(BytesIO(await response.read())).convert("RGB"))


async def test_a_frame_is_rendered_once_per_revision(served):
    client, renders = served
    created = await (
        await client.post(
            f"{API}/projects", json={"name": "p", "width": 320, "height": 180, "frame_rate": "30"}
        )
    ).json()
    pid = created["id"]
    added = await client.post(
        f"{API}/projects/{pid}/actions/add_clip", json={"params": {"path": "red.mp4", "duration": "f60"}}
    )
    assert added.status == 200, await added.text()
    created_ids = (await added.json())["created"]
    first = await _picture(
        await client.get(f"{API}/projects/{pid}/frame", params={"t": "31/30", "width": "64"})
    )
    again = await _picture(
        await client.get(f"{API}/projects/{pid}/frame", params={"t": "31/30", "width": "64"})
    )
    assert len(renders) == 1 and np.array_equal(first, again)
    assert first.mean() > 40  # the clip, not the black background
    moved = await client.post(
        f"{API}/projects/{pid}/actions/move_element",
        json={"params": {"element_id": created_ids["element_id"], "start": "f45"}},
    )
    assert moved.status == 200, await moved.text()
    after = await _picture(
        await client.get(f"{API}/projects/{pid}/frame", params={"t": "31/30", "width": "64"})
    )
    assert len(renders) == 2 and after.mean() < 20  # a new revision: rendered again, now before the clip


async def test_previews_use_a_proxy_once_it_is_ready(pack, folders, tmp_path):
    import asyncio

    from kijkocut import samples
    from kijkocut.service.preview import ProxyCache

    samples.write_video(folders["input"] / "wide.mp4", seconds=2, width=1280, height=720, rate=25, gop=250)
    shown: list[str] = []

    def frame(project, t, width, project_dir):
        shown.append(next(iter(project.media.values())).path)
        return render_frame(project, t, width=width, project_dir=project_dir)

    proxies = ProxyCache(tmp_path / "proxies")
    store = ProjectStore(tmp_path / "projects")
    async with _client(pack, folders, store, frame, proxies=proxies) as client:
        pid = (await (await client.post(f"{API}/projects", json={"frame_rate": "25"})).json())["id"]
        added = await client.post(
            f"{API}/projects/{pid}/actions/add_clip", json={"params": {"path": "wide.mp4"}}
        )
        assert added.status == 200, await added.text()
        before = await _picture(
            await client.get(f"{API}/projects/{pid}/frame", params={"t": "1", "width": "640"})
        )
        assert shown[-1].endswith("wide.mp4")  # the first request queued the proxy and used the original
        for _ in range(600):
            status = (await (await client.get(f"{API}/projects/{pid}/proxies")).json())["proxies"]
            if set(status.values()) != {"pending"}:
                break
            await asyncio.sleep(0.1)
        assert set(status.values()) == {"ready"}
        after = await _picture(
            await client.get(f"{API}/projects/{pid}/frame", params={"t": "26/25", "width": "640"})
        )
        assert shown[-1].startswith(str(tmp_path / "proxies"))
        reference = render_frame(store.snapshot(pid), Fraction(26, 25), width=640)
        assert np.abs(after.astype(int) - reference.astype(int)).mean() < 8 and before.shape == after.shape
    proxies.close()


async def test_waveforms_of_a_projects_media(pack, folders, tmp_path):
    store = ProjectStore(tmp_path / "projects")
    async with _client(pack, folders, store, path_policy=_policy(folders)) as client:
        pid = (await (await client.post(f"{API}/projects", json={})).json())["id"]
        imported = await client.post(
            f"{API}/projects/{pid}/actions/import_media",
            json={"params": {"paths": ["red.mp4", "shots/green.mp4"]}},
        )
        red, green = (await imported.json())["created"]["media_ids"]
        answer = await client.get(f"{API}/projects/{pid}/media/{red}/waveform", params={"buckets": "50"})
        body = await answer.json()
        assert answer.status == 200, body
        assert len(body["peaks"]) == 50 and max(hi for _, hi in body["peaks"]) > 0.1  # the 440 Hz tone
        silent = await client.get(f"{API}/projects/{pid}/media/{green}/waveform")
        assert silent.status == 422 and "no audio" in (await silent.json())["error"]
        missing = await client.get(f"{API}/projects/{pid}/media/nope/waveform")
        assert missing.status == 404
        too_many = await client.get(f"{API}/projects/{pid}/media/{red}/waveform", params={"buckets": "0"})
        assert too_many.status == 400
    async with _client(pack, folders, store) as client:
        refused = await client.get(f"{API}/projects/{pid}/media/{red}/waveform")
        assert refused.status == 403


async def test_filmstrip_thumbnails_of_a_projects_media(pack, folders, tmp_path, engine_media):
    shutil.copy(engine_media.music, folders["input"] / "music.wav")
    store = ProjectStore(tmp_path / "projects")
    async with _client(pack, folders, store, path_policy=_policy(folders)) as client:
        pid = (await (await client.post(f"{API}/projects", json={})).json())["id"]
        imported = await client.post(
            f"{API}/projects/{pid}/actions/import_media", json={"params": {"paths": ["red.mp4", "music.wav"]}}
        )
        red, music = (await imported.json())["created"]["media_ids"]
        picture = await _picture(
            await client.get(
                f"{API}/projects/{pid}/media/{red}/thumbnail", params={"t": "1.5", "width": "80"}
            )
        )
        assert picture.shape == (45, 80, 3) and picture.mean() > 20
        past_the_end = await client.get(f"{API}/projects/{pid}/media/{red}/thumbnail", params={"t": "99"})
        assert past_the_end.status == 200  # the last picture
        sound = await client.get(f"{API}/projects/{pid}/media/{music}/thumbnail")
        assert sound.status == 400 and "no picture" in (await sound.json())["error"]
        wide = await client.get(f"{API}/projects/{pid}/media/{red}/thumbnail", params={"width": "5000"})
        assert wide.status == 400


def test_the_listing_names_each_files_kind_for_the_bins_waveforms(pack, tmp_path):
    list_media = pack("nodes.media_bin").list_media
    for name in ("song.MP3", "voice.wav", "shot.mp4", "logo.png"):
        (tmp_path / name).write_bytes(b"x")
    listing = list_media(tmp_path, {".mp3", ".wav", ".mp4", ".png"})
    kinds = {f["name"]: f["kind"] for f in listing["files"]}
    assert kinds == {"song.MP3": "audio", "voice.wav": "audio", "shot.mp4": "video", "logo.png": "image"}
