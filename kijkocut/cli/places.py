"""Where the command line finds things: the projects folder, the project a PROJECT argument names (a project
file by its path, or a project of the folder by id or name), and files as the shell names them (relative to
the working directory), confined to the folders `kijkocut render` may read so that what an edit brings in
renders later."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from kijkocut.errors import PathNotAllowedError
from kijkocut.paths import MEDIA_DIRS_VARIABLE, user_policy
from kijkocut.service.errors import NotFoundError, ServiceError
from kijkocut.service.project_file import ProjectFileStore
from kijkocut.service.store import PROJECTS_DIR_VARIABLE, ProjectStore, default_projects_dir

PROJECTS_HELP = (
    f"the projects folder (default: ${PROJECTS_DIR_VARIABLE}, else the default workspace's projects)"
)
PROJECT_HELP = "a project file (.json), or the id or name of a project in the projects folder"


def projects_dir(option: str | None) -> Path:
    return Path(option).expanduser() if option else default_projects_dir()


def names_a_file(spec: str) -> bool:
    """Whether PROJECT is a path rather than a project of the folder: it ends in .json, has a folder part, or
    is an existing file."""
    separators = [os.sep, *([os.altsep] if os.altsep else [])]
    return spec.lower().endswith(".json") or any(s in spec for s in separators) or Path(spec).is_file()


def folder_store(option: str | None, *, create: bool = False) -> ProjectStore:
    folder = projects_dir(option)
    if not create and not folder.is_dir():
        raise NotFoundError(
            f"there is no projects folder at {folder} yet; `kijkocut project create NAME` makes "
            f"one (or set {PROJECTS_DIR_VARIABLE}, or give --projects DIR)"
        )
    return ProjectStore(folder)


def open_project(spec: str, projects_option: str | None) -> tuple[ProjectStore, str]:
    """The store holding the project PROJECT names, and the project's id in it."""
    if names_a_file(spec):
        file_store = ProjectFileStore(Path(spec).expanduser())
        return file_store, file_store.project_id()
    store = folder_store(projects_option)
    try:
        if store.file(spec).is_file():
            return store, spec
    except NotFoundError:  # not shaped like an id: perhaps a name
        pass
    named = [project.id for project in store.list() if project.name == spec]
    if len(named) == 1:
        return store, named[0]
    if named:
        raise ServiceError(
            f"{len(named)} projects are named {spec!r} ({', '.join(named)}); name one by its id"
        )
    locked = [reason for reason in store.unopened.values() if "locked" in reason]
    hint = (
        f"; {len(locked)} encrypted projects are locked: run `kijkocut vault unlock` to see them"
        if locked
        else ""
    )
    raise NotFoundError(
        f"no project {spec!r} in {store.root}; `kijkocut project list` shows them (a project "
        f"file is named by its path, ending in .json){hint}"
    )


def file_resolver(project_dir: Path) -> Callable[[str], Path]:
    """Paths an edit names, as the shell does: relative to the working directory, '~' the home folder; inside
    the project's folder, the home folder or KIJKOCUT_MEDIA_DIRS, as `kijkocut render` requires."""
    policy, cwd = user_policy(project_dir), os.getcwd()

    def resolve(name: str) -> Path:
        try:
            return policy.confine(name, base=cwd)
        except PathNotAllowedError as exc:
            raise ServiceError(f"{exc}; set {MEDIA_DIRS_VARIABLE} to allow more folders") from None

    return resolve
