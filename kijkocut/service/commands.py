"""Raw engine commands from their JSON form ({"op": "add_marker", "time": "2"}), for scripts and the HTTP API:
parsed here (front ends never import the engine's edit package), applied to a stored project as one undo step,
and every file path they bring into the project checked by the front end's rule before anything is saved, so a
client cannot store a path to a file it may not read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kijkocut.edit.commands import Command, command_from_dict
from kijkocut.edit.editor import EditResult
from kijkocut.errors import KijkoCutError
from kijkocut.model import Project
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


def run_commands(
    store: ProjectStore,
    project_id: str,
    items: Any,
    *,
    check_path: PathCheck,
    title: str | None = None,
    base_revision: int | None = None,
    origin: str = "",
) -> EditResult:
    """Apply raw commands to a stored project as one undo step; every file path they bring in must pass
    `check_path`, or the edit is taken back whole and nothing is saved."""
    commands = parse_commands(items)
    known: set[tuple[str, str]] = set()

    def build(project: Project) -> list[Command]:
        known.update((path.kind, path.value) for path in project_paths(project))
        return commands

    def check(edited: Project) -> None:
        for path in project_paths(edited):
            if (path.kind, path.value) not in known:
                check_path(path)

    return store.apply(
        project_id, build, title=title, base_revision=base_revision, origin=origin, check=check
    )
