"""The panel's HTTP command API over the service layer, on a plain aiohttp server with real folders and media:
projects, actions against a base revision, undo/redo, the change feed, imports confined to ComfyUI's folders,
frames, and a clear 4xx for every bad request."""

from __future__ import annotations

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
    shutil.copy(engine_media.green, layout["output"] / "green.mp4")
    (tmp_path / "secret.txt").write_text("TOP-SECRET-CANARY")
    return layout


@pytest.fixture
def store(tmp_path):
    return ProjectStore(tmp_path / "projects")


@pytest.fixture
async def client(pack, folders, store):
    api = pack("nodes.project_api")
    resolve = api.folder_resolver(lambda kind: str(folders[kind]) if kind in folders else None)
    app = web.Application()
    app.add_routes(api.ProjectApi(store, resolve, lambda p, t, w, d: render_frame(p, t, width=w, project_dir=d)).table())
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def _json(response, status=200):
    body = await response.json()
    assert response.status == status, body
    return body


async def test_edit_session_through_the_api(client, store):
    created = await _json(await client.post(f"{API}/projects", json={"name": "Spot", "width": 320, "height": 180,
                                                                     "frame_rate": "25"}), 201)
    pid = created["id"]
    imported = await _json(await client.post(f"{API}/projects/{pid}/actions/import_media",
                                             json={"params": {"paths": ["red.mp4"]}, "base_revision": 0}))
    media_id = imported["created"]["media_ids"][0]
    clip = await _json(await client.post(f"{API}/projects/{pid}/actions/add_clip",
                                         json={"params": {"media_id": media_id, "duration": "00:00:02:00"},
                                               "base_revision": 1}))
    assert clip["revision"] == 2 and {c["entity"] for c in clip["changes"]} == {"track", "track_order", "element"}
    green = await _json(await client.post(f"{API}/projects/{pid}/actions/import_media",
                                          json={"params": {"paths": ["green.mp4"]}, "folder": "output"}))
    assert green["revision"] == 3
    view = await _json(await client.get(f"{API}/projects/{pid}"))
    assert view["revision"] == 3 and view["can_undo"] and "history" not in view
    assert len(view["media"]) == 2 and view["tracks"][0]["elements"][0]["duration"] == "2"

    stale = await client.post(f"{API}/projects/{pid}/actions/add_marker", json={"params": {"time": 1},
                                                                               "base_revision": 1})
    assert stale.status == 409 and "now at revision 3" in (await stale.json())["error"]

    undone = await _json(await client.post(f"{API}/projects/{pid}/undo", json={"base_revision": 3}))
    assert undone["revision"] == 4 and undone["label"].startswith("Undo")
    feed = await _json(await client.get(f"{API}/projects/{pid}/changes", params={"since": "2"}))
    assert [e["kind"] for e in feed["events"]] == ["edit", "undo"] and not feed["reload"]
    assert all(e["origin"] == "http" for e in feed["events"])
    await _json(await client.post(f"{API}/projects/{pid}/redo"))
    assert len(store.get(pid).media) == 2

    frame = await client.get(f"{API}/projects/{pid}/frame", params={"t": "1", "width": "160"})
    assert frame.status == 200 and frame.headers["X-Kijkocut-Revision"] == "5"
    picture = np.asarray(Image.open(BytesIO(await frame.read())).convert("RGB"), dtype=np.float64)
    engine = render_frame(store.get(pid), Fraction(1), width=160).astype(np.float64)
    assert picture.shape == engine.shape == (90, 160, 3)
    assert 10 * np.log10(255**2 / np.mean((picture - engine) ** 2)) > 30  # the engine's frame, JPEG-compressed


async def test_raw_commands_rename_duplicate_delete(client, store):
    pid = (await _json(await client.post(f"{API}/projects", json={}), 201))["id"]
    result = await _json(await client.post(f"{API}/projects/{pid}/commands", json={
        "commands": [{"op": "add_track", "kind": "video", "track_id": "V1"},
                     {"op": "add_marker", "time": "1.5"}], "title": "Set up"}))
    assert result["label"] == "Set up" and len(store.get(pid).history.done) == 1
    await _json(await client.patch(f"{API}/projects/{pid}", json={"name": "Renamed"}))
    copy = await _json(await client.post(f"{API}/projects/{pid}/duplicate", json={}), 201)
    listed = await _json(await client.get(f"{API}/projects"))
    assert sorted(p["name"] for p in listed["projects"]) == ["Renamed", "Renamed copy"]
    await _json(await client.delete(f"{API}/projects/{copy['id']}"))
    assert [p.id for p in store.list()] == [pid]


async def test_actions_are_listed_from_their_declarations(client):
    actions = {a["name"]: a for a in (await _json(await client.get(f"{API}/actions")))["actions"]}
    assert "add_clip" in actions and actions["add_clip"]["params"]["properties"]["media_id"]["description"]


@pytest.mark.parametrize(("method", "path", "body", "status", "message"), [
    ("post", "/projects/prj_missing/actions/add_marker", {"params": {"time": 1}}, 404, "unknown project"),
    ("post", "/projects/{pid}/actions/explode", {}, 404, "unknown action"),
    ("post", "/projects/{pid}/actions/add_marker", {"params": {"time": "soon"}}, 400, "cannot read 'soon'"),
    ("post", "/projects/{pid}/actions/add_marker", {"params": {"time": 1}, "base_revision": "x"}, 400,
     "base_revision must be a whole number"),
    ("post", "/projects/{pid}/actions/add_clip", {"params": {"media_id": "nope"}}, 404, "unknown media"),
    ("post", "/projects/{pid}/actions/import_media", {"params": {"paths": ["../secret.txt"]}}, 403, "'..'"),
    ("post", "/projects/{pid}/actions/import_media", {"params": {"paths": ["/etc/passwd"]}}, 403, "passwd"),
    ("post", "/projects/{pid}/actions/import_media", {"params": {"paths": ["red.mp4"]}, "folder": "models"}, 400,
     "folder must be one of"),
    ("post", "/projects/{pid}/commands", {"commands": [{"op": "format_disk"}]}, 400, "format_disk"),
    ("post", "/projects/{pid}/redo", {}, 422, "nothing to redo"),
    ("get", "/projects/{pid}/frame?t=50", None, 400, "outside the timeline"),
    ("post", "/projects", "[1, 2]", 400, "JSON object"),
])
async def test_bad_requests_get_a_clear_4xx_and_leak_nothing(client, method, path, body, status, message):
    pid = (await _json(await client.post(f"{API}/projects", json={}), 201))["id"]
    await client.post(f"{API}/projects/{pid}/actions/add_text", json={"params": {"text": "x", "start": 0,
                                                                                 "duration": 1}})
    call = getattr(client, method)
    kwargs = {"data": body} if isinstance(body, str) else {"json": body} if body is not None else {}
    response = await call(API + path.format(pid=pid), **kwargs)
    text = await response.text()
    assert response.status == status, text
    assert message in text and "TOP-SECRET-CANARY" not in text
