"""The panel routes over real folders and real media: useful answers inside the folders, 4xx and none of
the file's bytes for every way out (no ComfyUI needed: the routes take a folder lookup)."""

from __future__ import annotations

import json
import os
import shutil
from io import BytesIO

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image


@pytest.fixture
def folders(tmp_path, engine_media):
    layout = {kind: tmp_path / kind for kind in ("input", "output", "temp")}
    for folder in layout.values():
        folder.mkdir()
    shutil.copy(engine_media.red, layout["input"] / "red.mp4")
    shutil.copy(engine_media.music, layout["output"] / "music.wav")
    (layout["input"] / "sub").mkdir()
    shutil.copy(engine_media.logo, layout["input"] / "sub" / "logo.png")
    secret = tmp_path / "secret.mp4"
    shutil.copy(engine_media.green, secret)
    os.symlink(secret, layout["input"] / "link.mp4")
    (layout["input"] / "notes.txt").write_text("private notes")
    return layout


@pytest.fixture
async def client(pack, folders):
    routes = pack("nodes.routes")
    app = web.Application()
    app.add_routes(routes.MediaRoutes(lambda kind: str(folders[kind]) if kind in folders else None).table())
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_media_info_of_an_input_file(client):
    response = await client.get("/kijkocut/media/info", params={"filename": "red.mp4", "type": "input"})
    assert response.status == 200
    info = await response.json()
    assert (
        info["kind"] == "video"
        and info["video"]["width"] == 160
        and float(info["duration"]) == pytest.approx(4)
    )


async def test_thumbnail_is_a_png_of_the_asked_width(client):
    response = await client.get(
        "/kijkocut/media/thumbnail", params={"filename": "logo.png", "subfolder": "sub", "width": "32"}
    )
    assert response.status == 200 and response.content_type == "image/png"
    image = Image.open(BytesIO(await response.read()))
    assert image.size == (32, 24)


async def test_waveform_peaks_from_the_output_folder(client):
    response = await client.get(
        "/kijkocut/media/waveform", params={"filename": "music.wav", "type": "output", "buckets": "50"}
    )
    assert response.status == 200
    peaks = (await response.json())["peaks"]
    assert len(peaks) == 50 and all(lo <= hi for lo, hi in peaks) and max(hi for _, hi in peaks) > 0.05


@pytest.mark.parametrize(
    "params",
    [
        {"filename": "../secret.mp4"},
        {"filename": "%2e%2e/secret.mp4"},  # encoded once more on the wire: the server sees %2e%2e literally
        {"filename": "red.mp4", "subfolder": ".."},
        {"filename": "/etc/passwd"},
        {"filename": os.path.abspath(__file__)},
        {"filename": "link.mp4"},
        {"filename": "notes.txt"},
        {"filename": "red.mp4", "type": "models"},
        {"filename": ""},
    ],
)
async def test_escapes_get_4xx_and_no_file_bytes(client, params):
    for route in ("info", "thumbnail", "waveform"):
        response = await client.get(f"/kijkocut/media/{route}", params=params)
        body = await response.read()
        assert 400 <= response.status < 500, (route, params, response.status)
        assert response.content_type == "application/json"
        assert b"private notes" not in body and b"ftyp" not in body and b"root:" not in body


async def test_raw_encoded_traversal_in_the_url_is_refused(client):
    # %2e%2e decoded by the server's query parser to '..'
    for query in (
        "filename=%2e%2e%2fsecret.mp4",
        "filename=%2E%2E/secret.mp4",
        "filename=red.mp4&subfolder=%2e%2e",
        "filename=%2fetc%2fpasswd",
    ):
        response = await client.get(f"/kijkocut/media/info?{query}")
        assert response.status == 400, query
        assert "error" in await response.json()


async def test_timeline_frame_renders_a_project_of_input_media(client, folders):
    project = _project_with(str(folders["input"] / "red.mp4"))
    response = await client.post("/kijkocut/timeline/frame", json={"project": project, "t": 1.0, "width": 64})
    assert response.status == 200, await response.text()
    image = Image.open(BytesIO(await response.read()))
    assert image.size == (64, 36)


@pytest.mark.parametrize("path", ["SECRET", "../secret.mp4", "/etc/passwd.mp4"])
async def test_timeline_frame_refuses_media_outside_the_folders(client, folders, path):
    target = str(folders["input"].parent / "secret.mp4") if path == "SECRET" else path
    response = await client.post("/kijkocut/timeline/frame", json={"project": _project_with(target), "t": 0})
    assert response.status == 400, await response.text()


async def test_timeline_frame_rejects_malformed_bodies(client):
    response = await client.post("/kijkocut/timeline/frame", data=b"not json")
    assert response.status == 400
    response = await client.post(
        "/kijkocut/timeline/frame", json={"project": {"version": 1, "tracks": "nope"}}
    )
    assert response.status == 422 and "tracks" in (await response.json())["error"]
    response = await client.post("/kijkocut/timeline/frame", json={"project": {"tracks": "nope"}})
    assert response.status == 422


def _project_with(media_path: str) -> dict:
    from kijkocut.edit import Editor
    from kijkocut.edit.commands import AddElement, AddMedia, AddTrack
    from kijkocut.media.info import MediaInfo, VideoStreamInfo
    from kijkocut.model import ClipElement, MediaRef, Project, ProjectSettings
    from kijkocut.project_io import project_to_dict

    info = MediaInfo(
        kind="video",
        container="mp4",
        size_bytes=1,
        duration="4",
        video=VideoStreamInfo(
            codec="h264", width=160, height=90, display_width=160, display_height=90, frame_rate="30"
        ),
    )
    project = Project(settings=ProjectSettings(width=320, height=180))
    editor = Editor(project)
    editor.apply(AddMedia(media=MediaRef(id="m", path=media_path, info=info)))
    editor.apply(AddTrack(kind="video", track_id="V1"))
    editor.apply(AddElement(track_id="V1", element=ClipElement(id="c", media_id="m", start=0, duration=2)))
    return json.loads(json.dumps(project_to_dict(project)))
