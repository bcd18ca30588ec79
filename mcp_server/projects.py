"""Project files in the workspace: create, list, load (cached), edit under a lock, save atomically, delete.

Tools run in worker threads, so every read-modify-write of a project happens under that project's lock. Loaded
projects stay in memory and are reloaded only when the file changed on disk (another front end saved it).
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from kijkocut.edit import Editor
from kijkocut.errors import KijkoCutError
from kijkocut.model import Project, ProjectSettings
from kijkocut.project_io import atomic_write_bytes, load_project
from kijkocut.timebase import snap_to_frame, to_fraction
from mcp_server.errors import NotFoundError, ServiceError
from mcp_server.workspace import Workspace

PROJECT_FILE = "project.json"
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


@dataclass
class _Cached:
    project: Project
    stamp: tuple[int, int]  # (mtime_ns, size) of the file it came from


class ProjectStore:
    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self._cache: dict[str, _Cached] = {}
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    # --- paths and locks ----------------------------------------------------------------------------------

    def directory(self, project_id: str) -> Path:
        if not _ID.match(project_id):
            raise NotFoundError(f"unknown project {project_id!r} (project ids look like 'prj_0123456789')")
        return self.workspace.folder("projects") / project_id

    def file(self, project_id: str) -> Path:
        return self.directory(project_id) / PROJECT_FILE

    def _lock(self, project_id: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(project_id, threading.RLock())

    # --- reading ------------------------------------------------------------------------------------------

    def get(self, project_id: str) -> Project:
        """The current project (shared, cached object: callers that mutate must hold `edit`)."""
        path = self.file(project_id)
        with self._lock(project_id):
            try:
                stat = path.stat()
            except FileNotFoundError:
                self._cache.pop(project_id, None)
                raise NotFoundError(f"unknown project {project_id!r}; project_list shows the existing ones") from None
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = self._cache.get(project_id)
            if cached is None or cached.stamp != stamp:
                try:
                    project = load_project(path)
                except KijkoCutError as exc:
                    raise ServiceError(f"project {project_id} cannot be opened: {exc}") from None
                cached = self._cache[project_id] = _Cached(project, stamp)
            return cached.project

    @contextmanager
    def read(self, project_id: str) -> Iterator[Project]:
        """The project under its lock, so a view is never built from a half-applied edit."""
        with self._lock(project_id):
            yield self.get(project_id)

    def list(self) -> list[Project]:
        projects = []
        for directory in sorted(self.workspace.folder("projects").iterdir()):
            if (directory / PROJECT_FILE).is_file() and _ID.match(directory.name):
                try:
                    projects.append(self.get(directory.name))
                except ServiceError:
                    continue  # a broken file must not hide the others; opening it names the problem
        return projects

    # --- writing ------------------------------------------------------------------------------------------

    def _save(self, project: Project) -> None:
        path = self.file(project.id)
        # Same document as project_io.save_project, but pydantic's Rust serializer: json.dumps with indent falls
        # back to the pure-Python encoder, which dominated the cost of every edit on a long history.
        atomic_write_bytes(path, project.model_dump_json(by_alias=True, indent=2).encode("utf-8"))
        stat = path.stat()
        self._cache[project.id] = _Cached(project, (stat.st_mtime_ns, stat.st_size))

    def create(self, name: str, width: int, height: int, frame_rate: float | str) -> Project:
        try:
            settings = ProjectSettings(width=width, height=height, frame_rate=frame_rate)
        except ValueError as exc:
            raise ServiceError(f"invalid project settings: {exc}") from None
        project = Project(name=name, settings=settings)
        self.directory(project.id).mkdir(parents=True, exist_ok=False)
        with self._lock(project.id):
            self._save(project)
        return project

    def adopt(self, project: Project) -> Project:
        """Store a project built elsewhere (an imported timeline) under its id, which must be new."""
        if self.file(project.id).exists():
            raise ServiceError(f"project {project.id} already exists")
        self.directory(project.id).mkdir(parents=True, exist_ok=False)
        with self._lock(project.id):
            self._save(project)
        return project

    @contextmanager
    def edit(self, project_id: str) -> Iterator[Editor]:
        """Hold the project's lock, hand out an Editor, save when the block completes without error. The
        engine leaves the project untouched when a command fails, so nothing needs rolling back."""
        with self._lock(project_id):
            editor = Editor(self.get(project_id))
            revision = editor.project.revision
            try:
                yield editor
            finally:
                # Save even when a later command in the block failed: earlier ones did apply.
                if editor.project.revision != revision:
                    self._save(editor.project)

    def snapshot(self, project_id: str) -> Project:
        """A private deep copy, for renders that run while editing goes on."""
        with self._lock(project_id):
            return self.get(project_id).model_copy(deep=True)

    def delete(self, project_id: str) -> None:
        directory = self.directory(project_id)
        with self._lock(project_id):
            if not (directory / PROJECT_FILE).exists():
                raise NotFoundError(f"unknown project {project_id!r}")
            shutil.rmtree(directory)
            self._cache.pop(project_id, None)


def frame_time(project: Project, seconds: float | Fraction | str) -> Fraction:
    """A client time in seconds, snapped to the project's frame grid: cuts land on frames, and a float read
    back from a view maps to the exact fraction it came from."""
    try:
        value = to_fraction(seconds)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    return snap_to_frame(value, project.settings.frame_rate)
