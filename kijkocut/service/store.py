"""Projects in a projects folder: create, list, open, rename, duplicate, delete; every edit under a lock, saved
atomically, numbered by revision and published on the change feed.

Locking has two levels. Threads of one process share a re-entrant lock per project; processes (an MCP server
and a ComfyUI server on one projects folder) take an advisory `flock` on the project's lock file for each
read-modify-write, and re-read the file when it changed on disk, so neither overwrites the other's edit. A
caller that states the revision its edit was made on gets a ConflictError when the project moved on meanwhile.
Waiting for a lock is bounded: one long request cannot hang every other client."""

from __future__ import annotations

import builtins
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kijkocut.edit import Editor
from kijkocut.edit.commands import Batch, Command, RenameProject
from kijkocut.edit.editor import EditResult
from kijkocut.errors import KijkoCutError
from kijkocut.model import History, Project, ProjectSettings, new_id
from kijkocut.project_io import atomic_write_bytes
from kijkocut.service import sealing
from kijkocut.service.errors import BusyError, ConflictError, NotFoundError, ServiceError
from kijkocut.service.feed import ChangeEvent, ChangeFeed
from kijkocut.vault.header import is_sealed_file

if TYPE_CHECKING:
    from kijkocut.vault.keys import Vault

try:
    import fcntl
except ImportError:  # Windows: threads are still serialised; processes rely on the revision check alone
    fcntl = None  # type: ignore[assignment]

PROJECT_FILE = "project.json"
LOCK_FILE = ".lock"
DEFAULT_LOCK_TIMEOUT = 30.0
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")

# What an edit is built from: commands, or a function of the current project that returns them.
Edit = Sequence[Command] | Callable[[Project], Sequence[Command]]
PROJECTS_DIR_VARIABLE = "KIJKOCUT_PROJECTS_DIR"


def default_projects_dir(env: Mapping[str, str] | None = None) -> Path:
    """The projects folder a front end uses unless told otherwise: $KIJKOCUT_PROJECTS_DIR, else the projects of
    the default workspace ($KIJKOCUT_WORKSPACE or <user data dir>/workspace, the MCP server's), so the CLI and
    an assistant see the same projects."""
    env = os.environ if env is None else env
    if env.get(PROJECTS_DIR_VARIABLE):
        return Path(env[PROJECTS_DIR_VARIABLE]).expanduser()
    if env.get("KIJKOCUT_WORKSPACE"):
        return Path(env["KIJKOCUT_WORKSPACE"]).expanduser() / "projects"
    from platformdirs import user_data_dir

    return Path(user_data_dir("kijkocut")) / "workspace" / "projects"


@dataclass
class _Cached:
    project: Project
    stamp: tuple[int, int, int]  # (inode, mtime_ns, size) of the file it came from: every save is a new inode


class ProjectStore:
    # Whether "encrypt every project" of the data directory applies to this store's projects.
    follows_data_dir_policy = True

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        feed: ChangeFeed | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        vault: Vault | None = None,
    ):
        self.root = Path(os.path.realpath(root))
        self._vault = vault  # the keys of encrypted projects; the default data directory's unless given
        self.unopened: dict[
            str, str
        ] = {}  # projects the last `list` could not open (locked, broken), and why
        self._seal_ids: set[str] = set()  # projects to encrypt on their next save (duplicates of sealed ones)
        self.root.mkdir(parents=True, exist_ok=True)
        self.feed = feed or ChangeFeed()
        self.lock_timeout = lock_timeout
        self._cache: dict[str, _Cached] = {}
        self._external: dict[str, ChangeEvent] = {}  # announced since the last poll, by project
        self._tokens: dict[str, str | None] = {}  # save token of each cached project, when known
        self._held: dict[str, int] = {}  # project id -> lock file descriptor, while this process holds it
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    # --- paths and locks ----------------------------------------------------------------------------------

    def directory(self, project_id: str) -> Path:
        if not isinstance(project_id, str) or not _ID.match(project_id):
            raise NotFoundError(f"unknown project {project_id!r} (project ids look like 'prj_0123456789')")
        return self.root / project_id

    def file(self, project_id: str) -> Path:
        return self.directory(project_id) / PROJECT_FILE

    def lock_file(self, project_id: str) -> Path:
        return self.directory(project_id) / LOCK_FILE

    def _thread_lock(self, project_id: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(project_id, threading.RLock())

    @contextmanager
    def _thread_held(self, project_id: str) -> Iterator[None]:
        """The project to this thread (re-entrant), waiting at most `lock_timeout` seconds for another."""
        lock = self._thread_lock(project_id)
        if not lock.acquire(timeout=self.lock_timeout):
            raise BusyError(f"project {project_id} is busy with another request; try again in a moment")
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def locked(self, project_id: str) -> Iterator[None]:
        """The project to this thread and this process alone, waiting at most `lock_timeout` seconds."""
        deadline = time.monotonic() + self.lock_timeout
        with self._thread_held(project_id), self._process_lock(project_id, deadline):
            yield

    @contextmanager
    def _process_lock(self, project_id: str, deadline: float) -> Iterator[None]:
        directory = self.directory(project_id)
        if fcntl is None or not directory.is_dir() or project_id in self._held:
            yield  # no process locks here, nothing stored yet, or this thread holds it already (re-entry)
            return
        fd = os.open(self.lock_file(project_id), os.O_RDWR | os.O_CREAT, 0o666)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise BusyError(
                            f"project {project_id} is being edited by another program; try again in a moment"
                        ) from None
                    time.sleep(0.02)
            # The lock file holds the token of the last save. A different one means another process saved
            # since we cached the project: (inode, mtime, size) alone can repeat when the filesystem reuses an
            # inode within its timestamp granularity.
            if os.pread(fd, 64, 0).decode("ascii", "replace") != self._tokens.get(project_id):
                self._cache.pop(project_id, None)
            self._held[project_id] = fd
            try:
                yield
            finally:
                del self._held[project_id]
        finally:
            os.close(fd)  # closing releases the flock

    # --- reading ------------------------------------------------------------------------------------------

    def get(self, project_id: str) -> Project:
        """The current project: a shared, cached object, re-read when the file changed on disk. Callers that
        mutate it must hold `locked`; readers that keep it past the lock take `snapshot`."""
        path = self.file(project_id)
        with self._thread_held(project_id):
            try:
                stat = path.stat()
            except FileNotFoundError:
                self._cache.pop(project_id, None)
                raise NotFoundError(
                    f"unknown project {project_id!r}; the project list shows the existing ones"
                ) from None
            stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            cached = self._cache.get(project_id)
            if cached is None or cached.stamp != stamp:
                try:
                    project = sealing.read_project(path, self.vault())
                except KijkoCutError as exc:
                    raise ServiceError(f"project {project_id} cannot be opened: {exc}") from None
                previous, cached = cached, _Cached(project, stamp)
                self._cache[project_id] = cached
                self._tokens[project_id] = self._token_on_disk(project_id)
                # Our own saves update the cache as they write: a new revision found here is another
                # process's, announced by whichever read meets it first (not only the watcher's poll).
                if previous is not None and previous.project.revision != project.revision:
                    self._external[project_id] = self._announce_external(project_id, project.revision)
            return cached.project

    def _announce_external(self, project_id: str, revision: int) -> ChangeEvent:
        event = ChangeEvent(
            project_id=project_id, revision=revision, kind="external", label="Changed by another program"
        )
        self.feed.publish(event)
        return event

    def _token_on_disk(self, project_id: str) -> str | None:
        fd = self._held.get(project_id)
        return os.pread(fd, 64, 0).decode("ascii", "replace") if fd is not None else None

    def snapshot(self, project_id: str) -> Project:
        """A private deep copy, for renders and views that outlive the lock. The history's entries are frozen,
        so the copy shares them (its lists are its own): copying them made a frame preview of a 500-element
        project take 33 ms instead of 11."""
        with self._thread_held(project_id):
            project = self.get(project_id)
            copy = project.model_copy(update={"history": History()}).model_copy(deep=True)
            copy.history = History(done=list(project.history.done), undone=list(project.history.undone))
            return copy

    def list(self) -> list[Project]:
        """The stored projects. One being edited is listed as it stands, without waiting for the edit."""
        projects = []
        for directory in sorted(self.root.iterdir()):
            if _ID.match(directory.name) and (directory / PROJECT_FILE).is_file():
                lock = self._thread_lock(directory.name)
                if not lock.acquire(blocking=False):
                    cached = self._cache.get(directory.name)
                    if cached is not None:
                        projects.append(cached.project)
                    continue
                try:
                    projects.append(self.get(directory.name))
                    self.unopened.pop(directory.name, None)
                except ServiceError as exc:
                    # A broken or locked file must not hide the others; opening it names the problem.
                    self.unopened[directory.name] = str(exc)
                    continue
                finally:
                    lock.release()
        return projects

    # --- whole projects -----------------------------------------------------------------------------------

    def vault(self) -> Vault | None:
        """The keys encrypted projects are opened with (None without the crypto extra)."""
        if self._vault is None:
            self._vault = sealing.default_vault()
        return self._vault

    def use_vault(self, vault: Vault) -> None:
        """Open encrypted projects with these (unlocked) keys."""
        self._vault = vault
        self._cache.clear()

    def is_encrypted(self, project_id: str) -> bool:
        return is_sealed_file(self.file(project_id))

    def set_encrypted(self, project_id: str, encrypted: bool, *, origin: str = "") -> None:
        """Rewrite a project's file encrypted with its own data key, or in plain JSON again (one atomic save:
        a process killed meanwhile leaves the old file or the new one)."""
        with self.locked(project_id):
            project = self.get(project_id)
            if encrypted:
                self._seal_ids.add(project_id)
            else:
                self._seal_ids.discard(project_id)
            self._save(project, sealed=encrypted)

    def _save(self, project: Project, *, sealed: bool | None = None) -> None:
        path = self.file(project.id)
        if sealed is None:
            policy = self.vault() if self.follows_data_dir_policy else None
            sealed = project.id in self._seal_ids or sealing.wants_sealing(path, policy)
        try:  # refuses a file too big to load again: the old file stays
            atomic_write_bytes(path, sealing.project_bytes(project, sealed, self.vault()))
        except BaseException:
            self._cache.pop(project.id, None)  # the edit applied in memory only: re-read the file next time
            raise
        stat = path.stat()
        self._cache[project.id] = _Cached(project, (stat.st_ino, stat.st_mtime_ns, stat.st_size))
        fd = self._held.get(project.id)
        if fd is not None:
            token = uuid.uuid4().hex
            os.pwrite(fd, token.encode("ascii"), 0)
            os.ftruncate(fd, len(token))
            self._tokens[project.id] = token

    def create(
        self, name: str = "Untitled", settings: ProjectSettings | None = None, *, origin: str = ""
    ) -> Project:
        return self.adopt(Project(name=name, settings=settings or ProjectSettings()), origin=origin)

    def adopt(self, project: Project, *, origin: str = "") -> Project:
        """Store a project built elsewhere (an imported timeline, a duplicate) under its id, which must be new."""
        with self._claimed(project.id):
            self._save(project)
        self.feed.publish(
            ChangeEvent(
                project_id=project.id,
                revision=project.revision,
                kind="created",
                label=f"Create {project.name}",
                origin=origin,
            )
        )
        return project

    @contextmanager
    def _claimed(self, project_id: str) -> Iterator[None]:
        """Held while a new project is first saved: its place is taken (or the id is refused) and locked."""
        try:
            self.directory(project_id).mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            raise ServiceError(f"project {project_id} already exists") from None
        with self.locked(project_id):
            yield

    def duplicate(self, project_id: str, name: str | None = None, *, origin: str = "") -> Project:
        copy = self.snapshot(project_id)
        copy = copy.model_copy(update={"id": new_id("prj"), "name": name or f"{copy.name} copy"})
        if self.is_encrypted(project_id):  # a copy of an encrypted project is never written in plain
            self._seal_ids.add(copy.id)
        return self.adopt(copy, origin=origin)

    def rename(
        self, project_id: str, name: str, *, base_revision: int | None = None, origin: str = ""
    ) -> EditResult:
        return self.apply(project_id, [RenameProject(name=name)], base_revision=base_revision, origin=origin)

    def delete(self, project_id: str, *, origin: str = "") -> None:
        directory = self.directory(project_id)
        with self.locked(project_id):
            if not (directory / PROJECT_FILE).exists():
                raise NotFoundError(f"unknown project {project_id!r}")
            revision = self.get(project_id).revision
            shutil.rmtree(directory)
            self._cache.pop(project_id, None)
        self.feed.publish(
            ChangeEvent(
                project_id=project_id,
                revision=revision,
                kind="deleted",
                label="Delete project",
                origin=origin,
            )
        )

    # --- edits --------------------------------------------------------------------------------------------

    def _check_base(self, project: Project, base_revision: int | None) -> None:
        if base_revision is not None and base_revision != project.revision:
            raise ConflictError(project.id, base_revision, project.revision)

    def apply(
        self,
        project_id: str,
        edit: Edit,
        *,
        title: str | None = None,
        base_revision: int | None = None,
        origin: str = "",
        check: Callable[[Project], None] | None = None,
    ) -> EditResult:
        """Apply an edit as ONE undo step (several commands become a Batch), save it and publish it. A
        failing command, or a `check` of the edited project that raises, leaves the project and its file
        untouched."""
        with self.locked(project_id):
            project = self.get(project_id)
            self._check_base(project, base_revision)
            commands = list(edit(project) if callable(edit) else edit)
            if not commands:  # already as asked: nothing to save or publish
                return EditResult(title or "No change", project.revision, [])
            command = (
                commands[0]
                if len(commands) == 1 and title is None
                else Batch(title=title or " + ".join(c.label() for c in commands), commands=commands)
            )
            result = apply_checked(Editor(project), command, check)
            if result.changes:
                self._save(project)
            steps = _history_steps(project)
        if result.changes:
            self._publish(project_id, "edit", result, origin, steps)
        return result

    def undo(self, project_id: str, *, base_revision: int | None = None, origin: str = "") -> EditResult:
        return self._history_step(project_id, "undo", base_revision, origin)

    def redo(self, project_id: str, *, base_revision: int | None = None, origin: str = "") -> EditResult:
        return self._history_step(project_id, "redo", base_revision, origin)

    def _history_step(self, project_id: str, kind: str, base_revision: int | None, origin: str) -> EditResult:
        with self.locked(project_id):
            project = self.get(project_id)
            self._check_base(project, base_revision)
            editor = Editor(project)
            result = editor.undo() if kind == "undo" else editor.redo()
            self._save(project)
            steps = _history_steps(project)
        self._publish(project_id, kind, result, origin, steps)
        return result

    def replace(self, project: Project, *, base_revision: int | None = None, origin: str = "") -> Project:
        """Save a whole project over the stored one (a project edited elsewhere, e.g. in a ComfyUI graph),
        refusing when the stored one moved past `base_revision`."""
        with self.locked(project.id):
            self._check_base(self.get(project.id), base_revision)
            self._save(project)
        self.feed.publish(
            ChangeEvent(
                project_id=project.id,
                revision=project.revision,
                kind="replaced",
                label="Replace project",
                origin=origin,
            )
        )
        return project

    # --- other processes ------------------------------------------------------------------------------------

    def poll_external_changes(self) -> builtins.list[ChangeEvent]:  # `list` here is the method above
        """Publish an "external" event for every project this process has open that another process saved
        since (an MCP server editing what the panel in ComfyUI shows). Cheap: one stat per open project."""
        for project_id, cached in list(self._cache.items()):
            try:
                stat = self.file(project_id).stat()
            except FileNotFoundError:
                continue
            if (stat.st_ino, stat.st_mtime_ns, stat.st_size) == cached.stamp:
                continue
            try:
                self.get(project_id)  # announces a new revision
            except ServiceError:
                continue  # a broken save elsewhere: opening it names the problem
        events, self._external = list(self._external.values()), {}
        return events

    def watch(self, interval: float = 1.0) -> Callable[[], None]:
        """Poll for other processes' saves in a daemon thread; returns the function that stops it."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(interval):
                self.poll_external_changes()

        threading.Thread(target=loop, name="kijkocut-project-watch", daemon=True).start()
        return stop.set

    def _publish(
        self, project_id: str, kind: str, result: EditResult, origin: str, steps: tuple[bool, bool]
    ) -> None:
        self.feed.publish(
            ChangeEvent(
                project_id=project_id,
                revision=result.revision,
                kind=kind,  # type: ignore[arg-type]
                label=result.label,
                origin=origin,
                changes=result.changes,
                can_undo=steps[0],
                can_redo=steps[1],
            )
        )


def _history_steps(project: Project) -> tuple[bool, bool]:
    """Whether the project's history can step back, and forward."""
    return bool(project.history.done), bool(project.history.undone)


def apply_checked(
    editor: Editor, command: Command, check: Callable[[Project], None] | None = None
) -> EditResult:
    """Apply a command, then `check` the project it made. When the check raises, the edit is taken back whole
    (the redo steps and the revision as they were) and the check's error goes to the caller."""
    project = editor.project
    undone, revision = list(project.history.undone), project.revision
    result = editor.apply(command)
    if check is None or not result.changes:
        return result
    try:
        check(project)
    except BaseException:
        editor.undo()
        project.history.undone[:] = undone
        project.revision = revision
        raise
    return result
