"""The MCP driver: the shared session played through the MCP server's tools, called by a real MCP client
session connected in-process (the protocol's messages, schemas and argument checks included). Each service
action is called as the tool the server derives from it, with the session's parameters unchanged: the tools
take the actions' own parameter names."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from anyio.from_thread import start_blocking_portal
from mcp import Client

from kijkocut.model import Project
from kijkocut.project_io import load_project
from kijkocut.service.actions import all_actions
from mcp_server.action_tools import action_tools
from mcp_server.config import ServerConfig
from mcp_server.server import build_server
from mcp_server.services import Services


def workspace_with(media_dir: Path, root: Path) -> Path:
    """A workspace where an assistant names the session's media files: links to them in `media_dir`, a folder
    the server is allowed to read (so the project stores the same real paths as the other front ends')."""
    root.mkdir(parents=True, exist_ok=True)
    for file in media_dir.iterdir():
        if file.is_file():
            (root / file.name).symlink_to(file)
    return root


class McpTools:
    """A client session on a server over `workspace` (a context manager: the session runs on its own event
    loop in a thread, and the driver's calls wait for each answer)."""

    def __init__(self, workspace: Path, data_dir: Path, media_dirs: list[Path]) -> None:
        # Port 9 on loopback is closed: no ComfyUI, and no outbound traffic.
        config = ServerConfig(
            workspace=workspace, media_dirs=media_dirs, data_dir=data_dir, comfyui_urls=["http://127.0.0.1:9"]
        )
        self.services = Services.from_config(config)
        self.tools = {tool.action: tool.name for tool in action_tools(all_actions())}
        self._stack = ExitStack()

    def __enter__(self) -> McpTools:
        self._portal = self._stack.enter_context(start_blocking_portal())
        self._client = self._stack.enter_context(
            self._portal.wrap_async_context_manager(Client(build_server(self.services)))
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = self._portal.call(self._client.call_tool, tool, arguments)
        assert not result.is_error, (tool, result.content[0].text)
        return result.structured_content

    def create(self, settings: dict[str, Any]) -> None:
        created = self._call(
            "project_create",
            {
                "name": "Session",
                "width": settings["width"],
                "height": settings["height"],
                "frame_rate": float(settings["frame_rate"]),
            },
        )
        self.project_id = created["id"]

    def act(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        outcome = self._call(self.tools[action], {"project_id": self.project_id, **params})
        if "imported" in outcome:
            return {"media_ids": [media["id"] for media in outcome["imported"]]}
        return {
            name: outcome[name]
            for name in ("element_id", "effect_id", "transition_id", "marker_id")
            if outcome.get(name)
        }

    def undo(self) -> None:
        self._call("project_undo", {"project_id": self.project_id})

    def redo(self) -> None:
        self._call("project_redo", {"project_id": self.project_id})

    def project(self) -> Project:
        return load_project(self.services.projects.file(self.project_id))
