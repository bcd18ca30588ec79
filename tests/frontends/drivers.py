"""One driver per front end, each turning the shared session into calls of that front end only: the service
layer in memory (the reference), the HTTP command API, ... Every driver returns the project as stored."""

from __future__ import annotations

import re
from typing import Any, Protocol

from kijkocut.model import Project

from .sequence import SESSION, SETTINGS


class FrontEnd(Protocol):
    def create(self, settings: dict[str, Any]) -> None: ...
    def act(self, action: str, params: dict[str, Any]) -> dict[str, Any]: ...  # returns the created ids
    def undo(self) -> None: ...
    def redo(self) -> None: ...
    def project(self) -> Project: ...


def _bind(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        match = re.fullmatch(r"\$(\w+)(?:\[(\d+)\])?", value)
        assert match, value
        bound = names[match.group(1)]
        return bound[int(match.group(2))] if match.group(2) is not None else bound
    if isinstance(value, list):
        return [_bind(v, names) for v in value]
    return value


def play(front_end: FrontEnd) -> Project:
    front_end.create(dict(SETTINGS))
    names: dict[str, Any] = {}
    for action, params, remember in SESSION:
        if action in ("undo", "redo"):
            getattr(front_end, action)()
            continue
        created = front_end.act(action, {k: _bind(v, names) for k, v in params.items()})
        if remember:
            names[remember] = created.get("media_ids") or created.get("element_id")
    return front_end.project()


class InMemory:
    """The reference: the service layer's actions applied to a project in memory."""

    def __init__(self, media_dir) -> None:
        from kijkocut.service.actions import ActionContext

        self.ctx = ActionContext(
            resolve_path=lambda name: (
                media_dir / name if not name.startswith("/") else __import__("pathlib").Path(name)
            )
        )

    def create(self, settings: dict[str, Any]) -> None:
        from kijkocut.model import ProjectSettings

        self._project = Project(settings=ProjectSettings.model_validate(settings))

    def act(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        from kijkocut.service.actions import apply_action

        return apply_action(self._project, action, params, self.ctx).created

    def undo(self) -> None:
        from kijkocut.edit import Editor

        Editor(self._project).undo()

    def redo(self) -> None:
        from kijkocut.edit import Editor

        Editor(self._project).redo()

    def project(self) -> Project:
        return self._project


class Http:
    """The panel's HTTP command API (nodes/project_api.py) on a real aiohttp server, called over HTTP."""

    def __init__(self, base_url: str, store) -> None:
        import httpx

        self.http, self.store = httpx.Client(base_url=base_url, timeout=60), store

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(path, json=body)
        assert response.status_code < 300, response.text
        return response.json()

    def create(self, settings: dict[str, Any]) -> None:
        created = self._post("/kijkocut/api/projects", settings)
        self.id, self.revision = created["id"], created["revision"]

    def act(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        outcome = self._post(
            f"/kijkocut/api/projects/{self.id}/actions/{action}",
            {"params": params, "base_revision": self.revision},
        )
        self.revision = outcome["revision"]
        return outcome["created"]

    def undo(self) -> None:
        self.revision = self._post(
            f"/kijkocut/api/projects/{self.id}/undo", {"base_revision": self.revision}
        )["revision"]

    def redo(self) -> None:
        self.revision = self._post(
            f"/kijkocut/api/projects/{self.id}/redo", {"base_revision": self.revision}
        )["revision"]

    def project(self) -> Project:
        from kijkocut.project_io import load_project

        return load_project(self.store.file(self.id))
