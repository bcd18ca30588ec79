"""One projects folder for the MCP server and a ComfyUI server (KIJKOCUT_PROJECTS_DIR): each sees and edits
the other's projects through the service layer's store, and an edit made on a revision the other moved past
is refused instead of overwriting it."""

from __future__ import annotations

import pytest
from mcp import Client

from kijkocut.model import ProjectSettings
from kijkocut.service.actions import run_action
from kijkocut.service.errors import ConflictError
from kijkocut.service.store import ProjectStore
from mcp_server.config import load_config
from mcp_server.server import build_server
from mcp_server.services import Services
from tests.mcp_server.conftest import data


def test_the_projects_folder_comes_from_the_environment(tmp_path):
    (tmp_path / "mcp.json").write_text("{}")
    env = {"KIJKOCUT_WORKSPACE": str(tmp_path / "ws"), "KIJKOCUT_PROJECTS_DIR": str(tmp_path / "shared")}
    config = load_config(env, tmp_path / "mcp.json")
    assert config.projects_folder == (tmp_path / "shared").resolve()
    assert (
        load_config({"KIJKOCUT_WORKSPACE": str(tmp_path / "ws")}, tmp_path / "mcp.json").projects_folder
        == (tmp_path / "ws" / "projects").resolve()
    )


async def test_a_comfyui_server_and_the_mcp_server_share_projects(config, tmp_path, workspace_dir):
    shared = tmp_path / "shared"
    services = Services.from_config(config.model_copy(update={"projects_dir": shared}))
    comfyui = ProjectStore(shared)  # what the pack's HTTP API opens in the same folder
    theirs = comfyui.create(
        "From the panel", ProjectSettings(width=320, height=180, frame_rate=15), origin="http"
    )
    async with Client(build_server(services)) as client:
        listed = data(await client.call_tool("project_list", {}))
        assert [p["id"] for p in listed["projects"]] == [theirs.id]
        media = data(await client.call_tool("media_import", {"project_id": theirs.id, "path": "input/a.mp4"}))
        clip = data(
            await client.call_tool(
                "clip_add", {"project_id": theirs.id, "media_id": media["imported"][0]["id"]}
            )
        )
        assert clip["revision"] == 2
        assert comfyui.get(theirs.id).revision == 2  # the panel's store reads the MCP server's saves
        with pytest.raises(ConflictError, match="now at revision 2"):
            run_action(comfyui, theirs.id, "add_marker", {"time": "1"}, base_revision=1, origin="http")
        run_action(comfyui, theirs.id, "add_marker", {"time": "1"}, base_revision=2, origin="http")
        view = data(await client.call_tool("project_describe", {"project_id": theirs.id}))
        assert view["revision"] == 3 and len(view["tracks"][0]["elements"]) == 1
    assert (shared / theirs.id / "project.json").is_file()
    assert not (workspace_dir / "projects" / theirs.id).exists()
