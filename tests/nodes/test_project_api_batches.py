"""POST /kijkocut/api/projects/{id}/actions: several actions of one gesture as ONE undo step, answered like a
single action (changes, can_undo/can_redo, Server-Timing), all or nothing, bad requests a clear 400."""

from __future__ import annotations

import shutil

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kijkocut.service.store import ProjectStore

API = "/kijkocut/api"


@pytest.fixture
async def client(pack, tmp_path, engine_media):
    api = pack("nodes.project_api")
    layout = {kind: tmp_path / kind for kind in ("input", "output", "temp")}
    for folder in layout.values():
        folder.mkdir()
    shutil.copy(engine_media.red, layout["input"] / "red.mp4")
    resolve = api.folder_resolver(lambda kind: str(layout[kind]) if kind in layout else None)
    app = web.Application()
    app.add_routes(api.ProjectApi(ProjectStore(tmp_path / "projects"), resolve).table())
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def _json(response, status=200):
    body = await response.json()
    assert response.status == status, body
    return body


async def _three_clips(client) -> tuple[str, list[str], int]:
    pid = (await _json(await client.post(f"{API}/projects", json={"name": "Cuts"}), 201))["id"]
    answer = await _json(
        await client.post(
            f"{API}/projects/{pid}/actions",
            json={
                "actions": [
                    {"name": "import_media", "params": {"paths": ["red.mp4"]}},
                    {"name": "add_clip", "params": {"path": "red.mp4", "duration": 1}},
                    {"name": "add_clip", "params": {"path": "red.mp4", "duration": 1}},
                    {"name": "add_clip", "params": {"path": "red.mp4", "duration": 1}},
                ],
                "base_revision": 0,
            },
        )
    )
    assert answer["revision"] == 1 and len(answer["created"]) == 4
    return pid, [c["element_id"] for c in answer["created"][1:]], answer["revision"]


def _clips(view) -> list[tuple[str, str]]:
    return [(e["id"], e["start"]) for t in view["tracks"] for e in t["elements"]]


async def test_several_deletes_are_one_undo_step(client):
    pid, (first, second, third), revision = await _three_clips(client)
    before = _clips(await _json(await client.get(f"{API}/projects/{pid}")))
    response = await client.post(
        f"{API}/projects/{pid}/actions",
        json={
            "actions": [
                {"name": "delete_element", "params": {"element_id": first}},
                {"name": "delete_element", "params": {"element_id": third}},
            ],
            "base_revision": revision,
            "title": "Delete 2 clips",
        },
    )
    answer = await _json(response)
    assert response.headers["Server-Timing"].startswith("commit;dur=")
    assert answer["revision"] == revision + 1 and answer["label"] == "Delete 2 clips"
    assert answer["can_undo"] and not answer["can_redo"] and answer["created"] == [{}, {}]
    removed = {c["id"] for c in answer["changes"] if c["entity"] == "element" and c["after"] is None}
    assert removed == {first, third}
    view = await _json(await client.get(f"{API}/projects/{pid}"))
    assert [clip_id for clip_id, _ in _clips(view)] == [second]

    undone = await _json(
        await client.post(f"{API}/projects/{pid}/undo", json={"base_revision": revision + 1})
    )
    assert undone["revision"] == revision + 2 and undone["can_redo"]
    assert _clips(await _json(await client.get(f"{API}/projects/{pid}"))) == before


async def test_a_failing_action_saves_nothing(client):
    pid, (first, _, _), revision = await _three_clips(client)
    before = await _json(await client.get(f"{API}/projects/{pid}"))
    answer = await _json(
        await client.post(
            f"{API}/projects/{pid}/actions",
            json={
                "actions": [
                    {"name": "delete_element", "params": {"element_id": first}},
                    {"name": "delete_element", "params": {"element_id": "clip_missing"}},
                ],
                "base_revision": revision,
            },
        ),
        404,
    )
    assert "action 2 of 2 (delete_element)" in answer["error"] and "clip_missing" in answer["error"]
    after = await _json(await client.get(f"{API}/projects/{pid}"))
    assert after["revision"] == revision and _clips(after) == _clips(before)


async def test_an_old_revision_is_a_conflict(client):
    pid, (first, _, _), revision = await _three_clips(client)
    answer = await _json(
        await client.post(
            f"{API}/projects/{pid}/actions",
            json={
                "actions": [{"name": "delete_element", "params": {"element_id": first}}],
                "base_revision": revision - 1,
            },
        ),
        409,
    )
    assert "reload it" in answer["error"]


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "actions must be a list"),
        ({"actions": []}, "actions must be a list"),
        ({"actions": "delete_element"}, "actions must be a list"),
        ({"actions": [["delete_element", {}]]}, "actions[0] must be"),
        ({"actions": [{"name": "add_marker", "params": {"time": 1}, "x": 1}]}, "actions[0] must be"),
        ({"actions": [{"name": "add_marker", "params": [1]}]}, "actions[0] must be"),
        ({"actions": [{"name": "add_marker", "params": {"time": 1}}], "title": 3}, "title must be"),
        ({"actions": [{"name": "add_marker", "params": {}}] * 1001}, "at most 1000 actions"),
        ({"actions": [{"name": "add_marker", "params": {"tim": 1}}]}, "action 1 of 1: add_marker"),
    ],
)
async def test_bad_requests_are_a_clear_400(client, body, message):
    pid = (await _json(await client.post(f"{API}/projects", json={"name": "Bad"}), 201))["id"]
    answer = await _json(await client.post(f"{API}/projects/{pid}/actions", json=body), 400)
    assert message in answer["error"]
    assert (await _json(await client.get(f"{API}/projects/{pid}")))["revision"] == 0
