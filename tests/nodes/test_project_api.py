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
    app.add_routes(
        api.ProjectApi(store, resolve, lambda p, t, w, d: render_frame(p, t, width=w, project_dir=d)).table()
    )
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def _json(response, status=200):
    body = await response.json()
    assert response.status == status, body
    return body


async def test_edit_session_through_the_api(client, store):
    created = await _json(
        await client.post(
            f"{API}/projects", json={"name": "Spot", "width": 320, "height": 180, "frame_rate": "25"}
        ),
        201,
    )
    pid = created["id"]
    imported = await _json(
        await client.post(
            f"{API}/projects/{pid}/actions/import_media",
            json={"params": {"paths": ["red.mp4"]}, "base_revision": 0},
        )
    )
    media_id = imported["created"]["media_ids"][0]
    clip = await _json(
        await client.post(
            f"{API}/projects/{pid}/actions/add_clip",
            json={"params": {"media_id": media_id, "duration": "00:00:02:00"}, "base_revision": 1},
        )
    )
    assert clip["revision"] == 2 and {c["entity"] for c in clip["changes"]} == {
        "track",
        "track_order",
        "element",
    }
    green = await _json(
        await client.post(
            f"{API}/projects/{pid}/actions/import_media",
            json={"params": {"paths": ["green.mp4"]}, "folder": "output"},
        )
    )
    assert green["revision"] == 3 and green["can_undo"] and not green["can_redo"]
    view = await _json(await client.get(f"{API}/projects/{pid}"))
    assert view["revision"] == 3 and view["can_undo"] and "history" not in view
    assert len(view["media"]) == 2 and view["tracks"][0]["elements"][0]["duration"] == "2"

    stale = await client.post(
        f"{API}/projects/{pid}/actions/add_marker", json={"params": {"time": 1}, "base_revision": 1}
    )
    assert stale.status == 409 and "now at revision 3" in (await stale.json())["error"]

    response = await client.post(f"{API}/projects/{pid}/undo", json={"base_revision": 3})
    assert response.headers["Server-Timing"].startswith("commit;dur=")  # the server's share of the latency
    undone = await _json(response)
    assert undone["revision"] == 4 and undone["label"].startswith("Undo")
    assert undone["can_undo"] and undone["can_redo"]  # the panel shows the answer without a refetch
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
    assert (
        10 * np.log10(255**2 / np.mean((picture - engine) ** 2)) > 30
    )  # the engine's frame, JPEG-compressed


async def test_raw_commands_rename_duplicate_delete(client, store):
    pid = (await _json(await client.post(f"{API}/projects", json={}), 201))["id"]
    result = await _json(
        await client.post(
            f"{API}/projects/{pid}/commands",
            json={
                "commands": [
                    {"op": "add_track", "kind": "video", "track_id": "V1"},
                    {"op": "add_marker", "time": "1.5"},
                ],
                "title": "Set up",
            },
        )
    )
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


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("post", "/projects/prj_missing/actions/add_marker", {"params": {"time": 1}}, 404, "unknown project"),
        ("post", "/projects/{pid}/actions/explode", {}, 404, "unknown action"),
        (
            "post",
            "/projects/{pid}/actions/add_marker",
            {"params": {"time": "soon"}},
            400,
            "cannot read 'soon'",
        ),
        (
            "post",
            "/projects/{pid}/actions/add_marker",
            {"params": {"time": 1}, "base_revision": "x"},
            400,
            "base_revision must be a whole number",
        ),
        ("post", "/projects/{pid}/actions/add_clip", {"params": {"media_id": "nope"}}, 404, "unknown media"),
        (
            "post",
            "/projects/{pid}/actions/import_media",
            {"params": {"paths": ["../secret.txt"]}},
            403,
            "'..'",
        ),
        (
            "post",
            "/projects/{pid}/actions/import_media",
            {"params": {"paths": ["/etc/passwd"]}},
            403,
            "passwd",
        ),
        (
            "post",
            "/projects/{pid}/actions/import_media",
            {"params": {"paths": ["red.mp4"]}, "folder": "models"},
            400,
            "folder must be one of",
        ),
        ("post", "/projects/{pid}/commands", {"commands": [{"op": "format_disk"}]}, 400, "format_disk"),
        ("post", "/projects/{pid}/redo", {}, 422, "nothing to redo"),
        ("get", "/projects/{pid}/frame?t=50", None, 400, "outside the timeline"),
        ("post", "/projects", "[1, 2]", 400, "JSON object"),
    ],
)
async def test_bad_requests_get_a_clear_4xx_and_leak_nothing(client, method, path, body, status, message):
    pid = (await _json(await client.post(f"{API}/projects", json={}), 201))["id"]
    await client.post(
        f"{API}/projects/{pid}/actions/add_text", json={"params": {"text": "x", "start": 0, "duration": 1}}
    )
    call = getattr(client, method)
    kwargs = {"data": body} if isinstance(body, str) else {"json": body} if body is not None else {}
    response = await call(API + path.format(pid=pid), **kwargs)
    text = await response.text()
    assert response.status == status, text
    assert message in text and "TOP-SECRET-CANARY" not in text


# --- raw commands: paths vetted; exports and jobs ---------------------------------------------------------------


@pytest.fixture
async def served(pack, folders, store, tmp_path):
    """The API as a server with folders runs it: a path policy over the folders, a job queue, an output folder."""
    from kijkocut.paths import PathPolicy
    from kijkocut.service.jobs import RenderQueue

    api = pack("nodes.project_api")
    resolve = api.folder_resolver(lambda kind: str(folders[kind]) if kind in folders else None)
    app = web.Application()
    app.add_routes(
        api.ProjectApi(
            store,
            resolve,
            path_policy=PathPolicy.of(folders.values(), base=folders["input"]),
            jobs=RenderQueue(tmp_path / "jobs.sqlite3"),
            output_dir=folders["output"],
        ).table()
    )
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def _lut_commands(path: str) -> list[dict]:
    return [
        {"op": "add_track", "kind": "adjustment", "track_id": "A"},
        {
            "op": "add_element",
            "track_id": "A",
            "element": {"kind": "adjustment", "id": "layer", "start": "0", "duration": "1"},
        },
        {"op": "add_effect", "element_id": "layer", "kind": "lut", "params": {"path": path}},
    ]


@pytest.mark.parametrize("path", ["/etc/passwd", "../secret.txt", "{tmp}/secret.txt", "link.cube"])
async def test_raw_commands_cannot_store_a_path_outside_the_folders(
    served, client, store, folders, tmp_path, path
):
    (folders["input"] / "link.cube").symlink_to(tmp_path / "secret.txt")
    for api_client in (served, client):  # with the folders as its policy, and with no policy at all
        pid = (await _json(await api_client.post(f"{API}/projects", json={}), 201))["id"]
        response = await api_client.post(
            f"{API}/projects/{pid}/commands", json={"commands": _lut_commands(path.format(tmp=tmp_path))}
        )
        text = await response.text()
        assert response.status == 403, text
        assert (
            "TOP-SECRET-CANARY" not in text and store.get(pid).revision == 0 and store.get(pid).tracks == []
        )


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("add_text", {"text": "x", "start": 0, "duration": 1, "font": "/etc/passwd"}),
        ("set_property", {"element_id": "title", "property": "style", "value": '{"font": "../secret.txt"}'}),
        ("add_effect", {"element_id": "title", "kind": "lut", "params": {"path": "/proc/self/environ"}}),
    ],
)
async def test_actions_cannot_store_a_path_outside_the_folders(served, store, action, params):
    pid = (await _json(await served.post(f"{API}/projects", json={}), 201))["id"]
    await _json(
        await served.post(
            f"{API}/projects/{pid}/actions/add_text",
            json={"params": {"text": "x", "start": 0, "duration": 1, "element_id": "title"}},
        )
    )
    response = await served.post(f"{API}/projects/{pid}/actions/{action}", json={"params": params})
    text = await response.text()
    assert response.status == 403, text
    assert "TOP-SECRET-CANARY" not in text and store.get(pid).revision == 1


async def test_raw_commands_may_name_a_file_inside_the_folders(served, store, folders):
    (folders["input"] / "grade.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    pid = (await _json(await served.post(f"{API}/projects", json={}), 201))["id"]
    await _json(
        await served.post(
            f"{API}/projects/{pid}/commands",
            json={"commands": _lut_commands(str(folders["input"] / "grade.cube"))},
        )
    )
    assert store.get(pid).element("layer").effects[0].params["path"].endswith("grade.cube")


async def _clip_project(client, name="red.mp4", copies=1) -> str:
    pid = (await _json(await client.post(f"{API}/projects", json={"width": 160, "height": 90}), 201))["id"]
    for _ in range(copies):
        await _json(
            await client.post(f"{API}/projects/{pid}/actions/add_clip", json={"params": {"path": name}})
        )
    return pid


async def _finished(client, job_id: str, timeout: float = 120) -> dict:
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        job = await _json(await client.get(f"{API}/jobs/{job_id}"))
        if job["status"] in ("completed", "failed", "cancelled") or time.monotonic() > deadline:
            return job
        await asyncio.sleep(0.1)


async def test_an_export_job_writes_into_the_output_folder(served, folders):
    import av

    pid = await _clip_project(served)
    started = await _json(
        await served.post(
            f"{API}/projects/{pid}/exports",
            json={"filename": "cuts/spot.mkv", "options": {"speed": "ultrafast", "end": "00:00:02:00"}},
        ),
        202,
    )
    assert started["kind"] == "render" and started["project_id"] == pid
    job = await _finished(served, started["id"])
    assert job["status"] == "completed", job
    assert job["output"] == str(folders["output"] / "cuts" / "spot.mkv") and job["summary"].startswith(
        "60 frames"
    )
    with av.open(job["output"]) as container:
        assert "matroska" in container.format.name and container.streams.video[0].codec_context.width == 160
    listed = await _json(await served.get(f"{API}/jobs"))
    assert started["id"] in [j["id"] for j in listed["jobs"]]
    again = await served.post(f"{API}/projects/{pid}/exports", json={"filename": "cuts/spot.mkv"})
    assert again.status == 409 and "already exists" in (await again.json())["error"]


async def test_a_running_export_is_cancelled_and_leaves_no_file(served, folders):
    pid = await _clip_project(served, copies=30)  # two minutes of video: still rendering when cancelled
    started = await _json(
        await served.post(
            f"{API}/projects/{pid}/exports",
            json={"filename": "long", "options": {"container": "mp4", "speed": "ultrafast"}},
        ),
        202,
    )
    import asyncio

    for _ in range(600):
        job = await _json(await served.get(f"{API}/jobs/{started['id']}"))
        if job["done_frames"] > 0:
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "running", job
    await _json(await served.post(f"{API}/jobs/{started['id']}/cancel"))
    job = await _finished(served, started["id"])
    assert job["status"] == "cancelled" and not (folders["output"] / "long.mp4").exists()
    assert not [p for p in folders["output"].iterdir() if p.name.startswith(".long")]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"filename": "../out.mp4"}, 403, "'..'"),
        ({"filename": "/tmp/out.mp4"}, 403, "absolute"),
        ({"filename": "out.txt"}, 400, "KijkoCut writes"),
        ({"filename": "out.mp4", "options": {"container": "mov"}}, 400, "asks for a mp4 file"),
        ({"filename": "out.webm", "options": {"video_codec": "h264"}}, 400, "webm"),
        ({"filename": "out.mp4", "options": {"end": "99"}}, 400, "outside the timeline"),
        ({"filename": "out.mp4", "options": {"speed": "warp"}}, 400, "options.speed"),
        ({"filename": "out.mp4", "base_revision": 0}, 409, "now at revision 1"),
    ],
)
async def test_bad_export_requests_get_a_clear_4xx_and_start_nothing(served, body, status, message):
    pid = await _clip_project(served)
    response = await served.post(f"{API}/projects/{pid}/exports", json=body)
    text = await response.text()
    assert response.status == status, text
    assert message in text and (await _json(await served.get(f"{API}/jobs")))["jobs"] == []


async def test_jobs_without_a_queue_or_unknown_are_4xx(served, client):
    assert (await client.get(f"{API}/jobs/job-x")).status == 400  # this server has no exports
    missing = await served.get(f"{API}/jobs/job-0123456789ab")
    assert missing.status == 404 and "unknown job" in (await missing.json())["error"]


async def test_a_folder_of_the_input_folder_imports_and_relinks(client, folders, store):
    (folders["input"] / "shoot").mkdir()
    shutil.copy(folders["input"] / "red.mp4", folders["input"] / "shoot" / "red.mp4")
    pid = (await _json(await client.post(f"{API}/projects", json={}), 201))["id"]
    imported = await _json(
        await client.post(f"{API}/projects/{pid}/actions/import_media", json={"params": {"paths": ["shoot"]}})
    )
    media_id = imported["created"]["media_ids"][0]
    (folders["input"] / "moved").mkdir()
    shutil.move(folders["input"] / "shoot" / "red.mp4", folders["input"] / "moved" / "red.mp4")
    relinked = await _json(
        await client.post(f"{API}/projects/{pid}/actions/relink_media", json={"params": {"folder": "moved"}})
    )
    assert relinked["created"]["relinked"] == {
        media_id: str((folders["input"] / "moved" / "red.mp4").resolve())
    }
    missing = await client.post(
        f"{API}/projects/{pid}/actions/import_media", json={"params": {"paths": ["nope"]}}
    )
    assert missing.status == 404 and "no file or folder 'nope'" in (await missing.json())["error"]


async def test_the_edit_channel_answers_as_the_routes_do(client, store):
    """The panel's edits over one WebSocket: the routes' answers and refusals, by message id, one socket not
    holding up another client's requests."""
    pid = (await _json(await client.post(f"{API}/projects", json={"name": "Channel"}), 201))["id"]
    async with client.ws_connect(f"{API}/edits") as socket:

        async def ask(message: dict) -> dict:
            await socket.send_json(message)
            return await socket.receive_json(timeout=30)

        added = await ask(
            {
                "id": 1,
                "op": "action",
                "project_id": pid,
                "name": "add_marker",
                "body": {"params": {"time": 1}},
            }
        )
        assert added["id"] == 1 and added["status"] == 200
        assert added["answer"]["revision"] == 1 and added["answer"]["changes"][0]["entity"] == "marker"
        assert added["answer"]["can_undo"] and added["server_ms"] > 0
        stale = await ask(
            {
                "id": 2,
                "op": "action",
                "project_id": pid,
                "name": "add_marker",
                "body": {"params": {"time": 2}, "base_revision": 0},
            }
        )
        assert stale["status"] == 409 and "now at revision 1" in stale["answer"]["error"]
        # Another client is served while this socket is open.
        assert (await _json(await client.get(f"{API}/projects/{pid}")))["revision"] == 1
        batch = await ask(
            {
                "id": 3,
                "op": "actions",
                "project_id": pid,
                "body": {"actions": [{"name": "add_marker", "params": {"time": t}} for t in (2, 3)]},
            }
        )
        assert batch["status"] == 200 and batch["answer"]["revision"] == 2
        undone = await ask({"id": 4, "op": "undo", "project_id": pid, "body": {"base_revision": 2}})
        assert undone["answer"]["can_redo"] and len(store.get(pid).markers) == 1
        redone = await ask({"id": 5, "op": "redo", "project_id": pid, "body": {}})
        assert redone["answer"]["revision"] == 4 and len(store.get(pid).markers) == 3
        for message, status, words in (
            ("not json", 400, "JSON object"),
            ({"id": 6, "op": "delete", "project_id": pid, "body": {}}, 400, "op must be"),
            ({"id": 7, "op": "action", "project_id": pid, "body": {}}, 400, "names its action"),
            ({"id": 8, "op": "undo", "project_id": "prj_nope", "body": {}}, 404, "unknown project"),
            ({"id": 9, "op": "action", "project_id": pid, "name": "no_such", "body": {}}, 404, "no_such"),
        ):
            if isinstance(message, str):
                await socket.send_str(message)
                answer = await socket.receive_json(timeout=30)
            else:
                answer = await ask(message)
            assert answer["status"] == status and words in answer["answer"]["error"], answer
        assert (await ask({"id": 10, "op": "undo", "project_id": pid, "body": {}}))["status"] == 200
