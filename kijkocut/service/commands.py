"""Raw engine commands from their JSON form ({"op": "add_marker", "time": "2"}), for scripts and the HTTP API:
parsed here (front ends never import the engine's edit package), applied to a stored project as one undo step,
and every file path they would bring into the project checked by the front end's rule before anything is
saved, so a client cannot store a path to a file it may not read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kijkocut.edit import Editor
from kijkocut.edit.commands import Batch, Command, command_from_dict
from kijkocut.edit.editor import EditResult
from kijkocut.errors import KijkoCutError
from kijkocut.model import History, Project
from kijkocut.paths import ProjectPath, project_paths
from kijkocut.service.errors import ServiceError
from kijkocut.service.store import ProjectStore

MAX_COMMANDS = 1000
EXAMPLE = '{"op": "add_marker", "time": "2"}'

# Raises (a ServiceError saying why) for a path the front end does not allow.
PathCheck = Callable[[ProjectPath], None]


def parse_commands(items: Any) -> list[Command]:
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        raise ServiceError(f"commands must be a non-empty list of command objects such as {EXAMPLE}")
    if len(items) > MAX_COMMANDS:
        raise ServiceError(f"at most {MAX_COMMANDS} commands in one request, got {len(items)}")
    try:
        return [command_from_dict(item) for item in items]
    except KijkoCutError as exc:
        raise ServiceError(str(exc)) from None


def brought_in(project: Project, commands: Sequence[Command]) -> list[ProjectPath]:
    """The file paths the project would name after the commands that it does not name now (tried on a copy;
    an edit the engine refuses raises here, before anything is stored)."""
    trial = project.model_copy(update={"history": History()}).model_copy(deep=True)
    Editor(trial).apply(Batch(title="check", commands=list(commands)))
    known = {(path.kind, path.value) for path in project_paths(project)}
    return [path for path in project_paths(trial) if (path.kind, path.value) not in known]


def run_commands(store: ProjectStore, project_id: str, items: Any, *, check_path: PathCheck,
                 title: str | None = None, base_revision: int | None = None, origin: str = "") -> EditResult:
    """Apply raw commands to a stored project as one undo step, after `check_path` accepted every path they
    bring in."""
    commands = parse_commands(items)

    def build(project: Project) -> list[Command]:
        for path in brought_in(project, commands):
            check_path(path)
        return commands

    return store.apply(project_id, build, title=title, base_revision=base_revision, origin=origin)
