"""The ComfyUI legs of the same-session comparison, against a real ComfyUI server (`main.py --cpu`, this pack
linked in; needs COMFYUI_PATH, skipped with the reason without it): the HTTP command API served by ComfyUI,
and a workflow of Apply Action nodes queued through /prompt, each build the project the service layer builds
in memory (ids and file locations aside), with the same undo steps. The change feed reaches the browser
through ComfyUI's websocket."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.comfyui_host import comfyui_server  # noqa: F401  (fixture)

from .driver_comfyui import ComfyNodes, comfyui_http, share_media
from .drivers import InMemory, play
from .normalize import comparable

pytestmark = [pytest.mark.host, pytest.mark.slow]


@pytest.fixture
def server(comfyui_server, media_dir):  # noqa: F811  (the fixture imported above)
    share_media(comfyui_server, media_dir)
    return comfyui_server


@pytest.fixture
def reference(server):
    """The service layer in memory on the very files ComfyUI reads (history entries hold the media paths)."""
    project = play(InMemory(server.input_dir))
    assert len(project.history.done) == 9 and not project.history.undone
    return comparable(project)


def test_the_http_api_served_by_comfyui_builds_the_same_project(server, reference):
    assert comparable(play(comfyui_http(server))) == reference


def test_a_workflow_of_apply_action_nodes_builds_the_same_project(server, reference):
    nodes = ComfyNodes(server)
    built = play(nodes)
    assert {node["class_type"] for node in nodes.prompt.values()} == {
        "KijkoCut.NewTimeline",
        "KijkoCut.ApplyAction",
        "KijkoCut.UndoRedo",
        "KijkoCut.SaveTimeline",
    }
    assert comparable(built) == reference


def test_project_changes_reach_the_browser_over_the_websocket(server):
    asyncio.run(_changes_pushed(server))


async def _changes_pushed(server) -> None:
    import aiohttp

    api = f"{server.url}/kijkocut/api"
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url.replace("http://", "ws://") + "/ws?clientId=kijkocut-feed") as ws,
    ):
        async with session.post(f"{api}/projects", json={"name": "Live"}) as response:
            project_id = (await response.json())["id"]
        async with session.post(
            f"{api}/projects/{project_id}/actions/add_marker",
            json={"params": {"time": "1"}, "base_revision": 0},
        ) as response:
            assert response.status == 200, await response.text()
        async with session.post(f"{api}/projects/{project_id}/undo", json={}) as response:
            assert response.status == 200, await response.text()
        seen = []
        while len(seen) < 3:
            message = await ws.receive(timeout=30)
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            event = json.loads(message.data)
            if event["type"] == "kijkocut.change" and event["data"]["project_id"] == project_id:
                seen.append(event["data"])
    assert [(e["kind"], e["revision"]) for e in seen] == [("created", 0), ("edit", 1), ("undo", 2)]
    assert seen[1]["label"] == "Add marker" and seen[1]["changes"][0]["entity"] == "marker"
