"""Project files in the workspace: create, list, load (cached), edit under a lock, save atomically, delete.

Tools run in worker threads, so every read-modify-write of a project happens under that project's lock. A
request waits for the lock at most `lock_timeout` seconds, then answers that the project is busy: one client's
long edit never leaves the others hanging until their own timeouts. Loaded projects stay in memory and are
reloaded only when the file changed on disk (another front end saved it).
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
from kijkocut.project_io import atomic_write_bytes, load_project, project_file_bytes
from kijkocut.timebase import snap_to_frame, to_fraction
from mcp_server.errors import NotFoundError, ServiceError
from mcp_server.workspace import Workspace

PROJECT_FILE = "project.json"
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
# Well under a client's own timeout (about 60 s): a busy answer arrives while the client still listens.
DEFAULT_LOCK_TIMEOUT = 20.0


class ProjectBusyError(ServiceError):
    """Another request holds the project longer than this one may wait."""


@dataclass
class _Cached:
    project: Project
    stamp: tuple[int, int]  # (mtime_ns, size) of the file it came from


class ProjectStore:
    def __init__(self, workspace: Workspace, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.workspace = workspace
        self.lock_timeout = lock_timeout
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

    @contextmanager
    def _lock(self, project_id: str, wait: float | None = None) -> Iterator[None]:
        """The project's lock (re-entrant), waiting at most `wait` (default `lock_timeout`) seconds for another
        request."""
        with self._guard:
            lock = self._locks.setdefault(project_id, threading.RLock())
        if not lock.acquire(timeout=self.lock_timeout if wait is None else wait):
            raise ProjectBusyError(f"project {project_id} is busy with another request; try again in a moment")
        try:
            yield
        finally:
            lock.release()

    # --- reading ------------------------------------------------------------------------------------------

    def get(self, project_id: str, *, wait: float | None = None) -> Project:
        """The current project (shared, cached object: callers that mutate must hold `edit`)."""
        path = self.file(project_id)
        with self._lock(project_id, wait):
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
                    projects.append(self.get(directory.name, wait=0))
                except ProjectBusyError:  # listed as it stands in memory, without waiting for the edit
                    cached = self._cache.get(directory.name)
                    if cached is not None:
                        projects.append(cached.project)
                except ServiceError:
                    continue  # a broken file must not hide the others; opening it names the problem
        return projects

    # --- writing ------------------------------------------------------------------------------------------

    def _save(self, project: Project) -> None:
        path = self.file(project.id)
        # The same document as project_io.save_project, refused (the file kept as it was) when too big to load.
        atomic_write_bytes(path, project_file_bytes(project))
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
                    try:
                        self._save(editor.project)
                    except (KijkoCutError, OSError):
                        self._cache.pop(project_id, None)  # the edit is lost, the file on disk is whole
                        raise

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
