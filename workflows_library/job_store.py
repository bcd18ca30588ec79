"""The durable store of background jobs that every kijkocut process shares (CLI runs, the MCP server).

One SQLite file in WAL mode (readers never wait for the writer) with a busy timeout (concurrent writers
wait their turn instead of failing). The store knows nothing about what a job does: a `JobRecord` holds
the generic part (kind, status, progress, message, result, error, timestamps) and its owner, the process
driving it, which proves it is alive with a heartbeat. A kind subclasses `JobRecord` with its own fields and
opens the store with that model; it then sees only its own kind's rows.

Ownership is what lets several processes share jobs safely: a process drives a job only after `claim`
succeeds, and a claim succeeds only when the job has no owner, is already ours, or its owner is gone (its
pid is dead on this host, or its heartbeat went stale). Final states (completed, failed, cancelled) are
final: no update moves a job out of one, which is what keeps a late event or a reconcile race from
resurrecting a job.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from kijkocut.vault.rows import RowSealer
from workflows_library.errors import (
    InvalidTransitionError,
    JobNotFoundError,
    JobStoreError,
    NotOwnerError,
)

DEFAULT_BUSY_TIMEOUT = 30.0  # seconds a write waits for another process's transaction


class JobStatus(str, Enum):
    queued = "queued"
    running = "running"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.completed, JobStatus.failed, JobStatus.cancelled)


UNFINISHED = [JobStatus.queued, JobStatus.running]


class Owner(BaseModel):
    """The process driving a job. The token tells two drivers in one process apart (a restarted runner)."""

    model_config = ConfigDict(frozen=True)

    pid: int
    host: str
    token: str

    @classmethod
    def this_process(cls) -> Owner:
        return cls(pid=os.getpid(), host=socket.gethostname(), token=uuid.uuid4().hex[:12])

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_job_id() -> str:
    return "job-" + uuid.uuid4().hex[:12]


class JobRecord(BaseModel):
    id: str = Field(default_factory=new_job_id)
    kind: str = Field("", description="what the job does; a subclass fixes it (e.g. 'workflow')")
    status: JobStatus = JobStatus.queued
    progress: float = Field(0.0, ge=0.0, le=1.0)
    message: str = Field("", description="what it is doing or waiting for, for people")
    result: dict[str, Any] | None = Field(None, description="what a completed job produced")
    error: str | None = None
    created_at: str = Field(default_factory=now_iso)
    updated_at: str = Field(default_factory=now_iso)
    started_at: str | None = Field(None, description="when it first started running")
    finished_at: str | None = None
    owner: Owner | None = Field(None, description="the process driving it; None: anyone may adopt it")
    heartbeat_at: float | None = Field(None, description="the owner's last sign of life (Unix time)")


R = TypeVar("R", bound=JobRecord)

# Owner and heartbeat live in columns only (a heartbeat touches every owned row in one statement).
_COLUMN_ONLY = {"owner", "heartbeat_at"}
_COLUMNS = {
    "kind": "TEXT NOT NULL DEFAULT 'workflow'",  # rows written before kinds existed were all workflows
    "updated_at": "TEXT",
    "owner_pid": "INTEGER",
    "owner_host": "TEXT",
    "owner_token": "TEXT",
    "heartbeat_at": "REAL",
}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
"""
_SELECT = "SELECT body, owner_pid, owner_host, owner_token, heartbeat_at FROM jobs"


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this machine (a zombie counts as dead)."""
    if os.name == "nt":  # os.kill(pid, 0) would terminate it there; the heartbeat decides instead
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def owner_alive(record: JobRecord, *, now: float, stale_after: float, host: str | None = None) -> bool:
    """A live owner has a fresh heartbeat and, on this host, a running process."""
    if record.owner is None or record.heartbeat_at is None or now - record.heartbeat_at > stale_after:
        return False
    if record.owner.host == (host or socket.gethostname()):
        return pid_alive(record.owner.pid)
    return True


class JobStore(Generic[R]):
    """Jobs of one kind (`model`), or of every kind seen as plain `JobRecord`s."""

    def __init__(
        self,
        path: Path,
        model: type[R] = JobRecord,  # type: ignore[assignment]
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.model = model
        self._kind = None if model is JobRecord else str(model.model_fields["kind"].default)
        self._clock = clock
        self._lock = threading.Lock()
        # Payloads encrypted when the data directory encrypts everything (kijkocut.vault.rows).
        self._rows = RowSealer(path.parent)
        self._seal_rows = self._rows.enabled()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, timeout=busy_timeout, check_same_thread=False, isolation_level=None
            )
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise JobStoreError(f"cannot open the job store {path}: {exc}") from None

    def _migrate(self) -> None:
        """Add the columns a store written by an older version lacks."""
        with self._write():
            present = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
            for name, declaration in _COLUMNS.items():
                if name not in present:
                    self._db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {declaration}")
            self._db.execute("CREATE INDEX IF NOT EXISTS jobs_kind ON jobs(kind, status)")

    def close(self) -> None:
        self._db.close()

    # -- plumbing --------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front, so read-modify-write is atomic
        across processes."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise JobStoreError(f"the job store {self.path} is busy: {exc}") from None
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _kind_filter(self) -> tuple[str, list[Any]]:
        return ("kind = ?", [self._kind]) if self._kind is not None else ("1 = 1", [])

    def _decode(self, row: tuple[Any, ...]) -> R:
        body, pid, host, token, heartbeat = row
        record = self.model.model_validate_json(self._rows.open(body, f"{self.path} (a job's row)"))
        owner = Owner(pid=pid, host=host, token=token or "") if pid is not None and host else None
        return record.model_copy(update={"owner": owner, "heartbeat_at": heartbeat})

    def _select(self, where: str, params: list[Any], tail: str = "") -> list[R]:
        kind_sql, kind_params = self._kind_filter()
        with self._lock:
            try:
                rows = self._db.execute(
                    f"{_SELECT} WHERE {kind_sql} AND {where} {tail}", kind_params + params
                ).fetchall()
            except sqlite3.Error as exc:
                raise JobStoreError(f"cannot read the job store {self.path}: {exc}") from None
        return [self._decode(row) for row in rows]

    def _get_for_update(self, job_id: str) -> R:
        kind_sql, kind_params = self._kind_filter()
        row = self._db.execute(f"{_SELECT} WHERE {kind_sql} AND id = ?", [*kind_params, job_id]).fetchone()
        if row is None:
            raise JobNotFoundError(job_id)
        return self._decode(row)

    def _body(self, record: R) -> str:
        body = record.model_dump_json(exclude=_COLUMN_ONLY)
        return self._rows.seal(body) if self._seal_rows else body

    def _save(self, record: R, *, insert: bool = False) -> None:
        owner = record.owner
        values = (
            record.kind,
            record.status.value,
            record.created_at,
            record.updated_at,
            owner.pid if owner else None,
            owner.host if owner else None,
            owner.token if owner else None,
            record.heartbeat_at,
            self._body(record),
            record.id,
        )
        if insert:
            self._db.execute(
                "INSERT INTO jobs (kind, status, created_at, updated_at, owner_pid, owner_host, owner_token,"
                " heartbeat_at, body, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        else:
            self._db.execute(
                "UPDATE jobs SET kind = ?, status = ?, created_at = ?, updated_at = ?, owner_pid = ?,"
                " owner_host = ?, owner_token = ?, heartbeat_at = ?, body = ? WHERE id = ?",
                values,
            )

    # -- reading ---------------------------------------------------------------------------------------
    def get(self, job_id: str) -> R:
        found = self._select("id = ?", [job_id])
        if not found:
            raise JobNotFoundError(job_id)
        return found[0]

    def list(self, statuses: list[JobStatus] | None = None, limit: int = 100) -> list[R]:
        """Newest first."""
        where, params = "1 = 1", []
        if statuses:
            where = f"status IN ({','.join('?' * len(statuses))})"
            params = [status.value for status in statuses]
        return self._select(where, params + [limit], "ORDER BY created_at DESC LIMIT ?")

    # `list` below is the method above: the builtin is spelt out.
    def unfinished(self) -> builtins.list[R]:
        return self.list(UNFINISHED, limit=10_000)

    def orphans(self, stale_after: float) -> builtins.list[R]:
        """Unfinished jobs whose owner is gone (or that never had one): what `claim` would hand out."""
        now = self._clock()
        return [job for job in self.unfinished() if not owner_alive(job, now=now, stale_after=stale_after)]

    # -- writing ---------------------------------------------------------------------------------------
    def create(self, record: R, owner: Owner | None = None) -> R:
        if self._kind is not None and record.kind != self._kind:
            raise ValueError(f"this store holds {self._kind!r} jobs, not {record.kind!r}")
        record = record.model_copy(
            update={"owner": owner, "heartbeat_at": self._clock() if owner else None, "updated_at": now_iso()}
        )
        with self._write():
            try:
                self._save(record, insert=True)
            except sqlite3.IntegrityError:
                raise ValueError(f"a job with id {record.id!r} already exists") from None
        return record

    def update(
        self, job_id: str, *, owner: Owner | None = None, finished_ok: bool = False, **changes: Any
    ) -> R:
        """Apply `changes` atomically and return the new record.

        With `owner`, the update is refused (NotOwnerError) unless that process still owns the job. A final
        job refuses every update (InvalidTransitionError) unless `finished_ok` allows bookkeeping that
        keeps its status (e.g. noting that a late interrupt was delivered).
        """
        with self._write():
            record = self._get_for_update(job_id)
            if owner is not None and record.owner != owner:
                holder = record.owner.describe() if record.owner else "nobody"
                raise NotOwnerError(f"job {job_id} is now driven by {holder}")
            status = JobStatus(changes.get("status", record.status))
            if record.status.terminal and not (finished_ok and status is record.status):
                raise InvalidTransitionError(f"job {job_id} is already {record.status.value}")
            stamps: dict[str, Any] = {"status": status, "updated_at": now_iso()}
            if status is JobStatus.running and record.started_at is None:
                stamps["started_at"] = stamps["updated_at"]
            if status.terminal and record.finished_at is None:
                stamps["finished_at"] = stamps["updated_at"]
            updated = record.model_copy(update={**changes, **stamps})
            updated = self.model.model_validate(updated.model_dump())  # validate the changed values
            self._save(updated)
        return updated

    def claim(self, job_id: str, owner: Owner, *, stale_after: float) -> R | None:
        """Make `owner` the job's driver; None when it is final or another live process drives it."""
        with self._write():
            record = self._get_for_update(job_id)
            if record.status.terminal:
                return None
            if record.owner not in (None, owner) and owner_alive(
                record, now=self._clock(), stale_after=stale_after
            ):
                return None
            claimed = record.model_copy(update={"owner": owner, "heartbeat_at": self._clock()})
            self._save(claimed)
        return claimed

    def heartbeat(self, owner: Owner) -> None:
        """Tell other processes that `owner` is alive and still driving its unfinished jobs."""
        with self._write():
            self._db.execute(
                "UPDATE jobs SET heartbeat_at = ? WHERE owner_pid = ? AND owner_host = ? AND owner_token = ?"
                " AND status IN (?, ?)",
                (self._clock(), owner.pid, owner.host, owner.token, *[s.value for s in UNFINISHED]),
            )

    def release(self, owner: Owner, job_id: str | None = None) -> None:
        """Give up driving (all of `owner`'s jobs, or one): any process may adopt them at once."""
        where = "owner_pid = ? AND owner_host = ? AND owner_token = ?"
        params: list[Any] = [owner.pid, owner.host, owner.token]
        if job_id is not None:
            where, params = where + " AND id = ?", params + [job_id]
        with self._write():
            self._db.execute(
                "UPDATE jobs SET owner_pid = NULL, owner_host = NULL, owner_token = NULL, heartbeat_at = NULL"
                f" WHERE {where}",
                params,
            )
