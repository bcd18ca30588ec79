"""The MCP leg of the front-end equivalence: the shared session sent as MCP tool calls (each service action
as the tool derived from it, undo and redo as project_undo / project_redo) builds the same project, with the
same undo steps, as the service layer in memory."""

from __future__ import annotations

from .driver_mcp import McpTools, workspace_with
from .drivers import InMemory, play
from .normalize import comparable


def test_mcp_tools_build_the_same_project_as_the_service_layer(media_dir, tmp_path):
    reference = play(InMemory(media_dir))
    assert (
        len(reference.history.done) == 9 and not reference.history.undone
    )  # the undone speed change is gone
    with McpTools(workspace_with(media_dir, tmp_path / "workspace"), tmp_path / "data", [media_dir]) as mcp:
        built = play(mcp)
    assert comparable(built) == comparable(reference)
    assert (
        built.revision == 13
    )  # one revision per step: the creation is revision 0, then 13 edits/undos/redos
