"""One project file anywhere on disk (`kijkocut edit my_film.json ...`), kept under the rules of a projects
folder: a process lock in a hidden lock file beside it, atomic saves, a revision per edit, stale edits refused.
The store's methods take the id of the project inside the file (`project_id()`), so caching and the save token
work as they do for a folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kijkocut.model import Project
from kijkocut.service import sealing
from kijkocut.service.errors import ServiceError
from kijkocut.service.store import ProjectStore


class ProjectFileStore(ProjectStore):
    # A file of the user's anywhere on disk is encrypted only when they encrypt it (`kijkocut vault encrypt`).
    follows_data_dir_policy = False

    def __init__(self, path: str | os.PathLike[str], **options) -> None:
        self.path = Path(os.path.realpath(path))
        if not self.path.parent.is_dir():  # the base class would create the folder
            raise ServiceError(f"the folder {self.path.parent} does not exist")
        if self.path.is_dir():
            raise ServiceError(f"{path} is a folder, not a project file")
        super().__init__(self.path.parent, **options)

    def directory(self, project_id: str) -> Path:
        return self.path.parent

    def file(self, project_id: str) -> Path:
        return self.path

    def lock_file(self, project_id: str) -> Path:
        return self.path.parent / f".{self.path.name}.lock"

    def project_id(self) -> str:
        """The id of the project in the file (read once more under the lock by the edit that follows)."""
        return sealing.read_project(self.path, self.vault()).id

    def list(self) -> list[Project]:
        return [self.get(self.project_id())]

    @contextmanager
    def _claimed(self, project_id: str) -> Iterator[None]:
        """A new project file is written only where none exists; an existing file is never replaced."""
        with self.locked(project_id):
            if self.path.exists():
                raise ServiceError(f"{self.path.name} already exists; choose another file name")
            yield

    def delete(self, project_id: str, *, origin: str = "") -> None:
        raise ServiceError(
            f"{self.path.name} is a project file of yours, not one of the projects folder; "
            "delete it as you would any file"
        )
