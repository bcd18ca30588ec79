"""The ComfyUI legs of the front-end comparison, against a real ComfyUI server with this pack installed:

- the HTTP command API as ComfyUI serves it (`comfyui_http`: the same driver as the plain aiohttp server,
  pointed at ComfyUI, reading the project ComfyUI stored in its user folder);
- the nodes: the session becomes one workflow of Apply Action nodes (Undo / Redo for the history steps)
  ending in Save Timeline, queued once through /prompt. A graph is written before it runs, so where the
  session names an id an earlier step created, the workflow says "$sN": the Apply Action of step N
  remembered what it created under that name."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from kijkocut.model import Project, ProjectSettings
from kijkocut.project_io import load_project
from kijkocut.service.store import ProjectStore
from tests.comfyui_host import ComfyServer

from .drivers import Http


def share_media(server: ComfyServer, media_dir: Path) -> None:
    """The session's media files in ComfyUI's input folder, where both legs name them."""
    for file in media_dir.iterdir():
        if file.is_file():
            shutil.copy(file, server.input_dir / file.name)


def comfyui_http(server: ComfyServer) -> Http:
    projects = os.environ.get("KIJKOCUT_PROJECTS_DIR") or server.user_dir / "kijkocut" / "projects"
    return Http(server.url, ProjectStore(projects))


class ComfyNodes:
    """The session as a workflow of Apply Action nodes, run when the project is asked for."""

    def __init__(self, server: ComfyServer, name: str = "frontends") -> None:
        self.server, self.name = server, name
        self.prompt: dict[str, dict[str, Any]] = {}
        self.last = ""
        self.steps = 0

    def _add(self, class_type: str, inputs: dict[str, Any]) -> None:
        node = str(len(self.prompt) + 1)
        linked = {"timeline": [self.last, 0]} if self.last else {}
        self.prompt[node] = {"class_type": class_type, "inputs": {**linked, **inputs}}
        self.last = node

    def create(self, settings: dict[str, Any]) -> None:
        chosen = ProjectSettings.model_validate(settings)
        self._add(
            "KijkoCut.NewTimeline",
            {
                "canvas": "custom",
                "width": chosen.width,
                "height": chosen.height,
                "frame_rate": str(chosen.frame_rate),
                "sample_rate": chosen.sample_rate,
                "background": chosen.background,
                "name": self.name,
            },
        )

    def act(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        self.steps += 1
        ref = f"s{self.steps}"
        self._add(
            "KijkoCut.ApplyAction",
            {"action": action, "params_json": json.dumps(params), "folder": "input", "remember_as": ref},
        )
        if action == "import_media":  # one id per file the session names
            return {"media_ids": [f"${ref}.media_ids[{index}]" for index in range(len(params["paths"]))]}
        return {"element_id": f"${ref}.element_id"}

    def undo(self) -> None:
        self._add("KijkoCut.UndoRedo", {"step": "undo", "times": 1})

    def redo(self) -> None:
        self._add("KijkoCut.UndoRedo", {"step": "redo", "times": 1})

    def project(self) -> Project:
        self._add("KijkoCut.SaveTimeline", {"folder": "user", "filename": f"kijkocut/{self.name}.json"})
        self.server.run_prompt(self.prompt, timeout=300)
        return load_project(self.server.user_dir / "default" / "kijkocut" / f"{self.name}.json")
