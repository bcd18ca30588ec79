"""Durable job records in SQLite: what was asked, where it runs, how far it got, what came out."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from workflows_library.errors import JobNotFoundError, WorkflowLibraryError


class JobStatus(str, Enum):
    queued = "queued"
    running = "running"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.completed, JobStatus.failed, JobStatus.cancelled)


class JobOutput(BaseModel):
    node_id: str
    filename: str
    subfolder: str = ""
    kind: str = "other"
    local_path: str | None = None
    probe: dict[str, Any] | None = None


class Job(BaseModel):
    id: str
    workflow_id: str
    inputs: dict[str, Any] = {}
    workflow: dict[str, Any] = Field(default_factory=dict, description="the bound API graph to submit")
    status: JobStatus = JobStatus.queued
    preferred_server: str | None = None
    server_url: str | None = Field(None, description="set before submitting: where to look after a restart")
    prompt_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    client_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    progress: float = 0.0
    current_node: str | None = None
    outputs: list[JobOutput] = []
    error: str | None = None
    submissions: int = 0
    created_at: str = Field(default_factory=lambda: _now())
    updated_at: str = Field(default_factory=lambda: _now())


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
"""


class InvalidTransitionError(WorkflowLibraryError):
    pass


class JobStore:
    """One row per job; the pydantic model is the row body, status is a column for cheap filtering.

    Terminal states are final: an update that would move a completed, failed or cancelled job is refused,
    which is what keeps a late websocket event or a reconcile race from resurrecting a job.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def create(self, job: Job) -> Job:
        with self._lock:
            self._db.execute(
                "INSERT INTO jobs (id, status, created_at, body) VALUES (?, ?, ?, ?)",
                (job.id, job.status.value, job.created_at, job.model_dump_json()),
            )
        return job

    def get(self, job_id: str) -> Job:
        row = self._db.execute("SELECT body FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(job_id)
        return Job.model_validate_json(row[0])

    def list(self, statuses: list[JobStatus] | None = None, limit: int = 100) -> list[Job]:
        if statuses:
            marks = ",".join("?" * len(statuses))
            rows = self._db.execute(
                f"SELECT body FROM jobs WHERE status IN ({marks}) ORDER BY created_at DESC LIMIT ?",
                [s.value for s in statuses] + [limit],
            )
        else:
            rows = self._db.execute("SELECT body FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,))
        return [Job.model_validate_json(row[0]) for row in rows]

    def update(self, job_id: str, **changes: Any) -> Job:
        """Apply `changes` atomically; moving a job out of a terminal state raises."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT body FROM jobs WHERE id = ?", (job_id,)).fetchone()
                if row is None:
                    raise JobNotFoundError(job_id)
                job = Job.model_validate_json(row[0])
                if job.status.terminal:
                    raise InvalidTransitionError(f"job {job_id} is already {job.status.value}")
                new_status = JobStatus(changes.get("status", job.status))
                updated = job.model_copy(update={**changes, "status": new_status, "updated_at": _now()})
                updated = Job.model_validate(updated.model_dump())  # re-validate nested values
                self._db.execute(
                    "UPDATE jobs SET status = ?, body = ? WHERE id = ?",
                    (updated.status.value, updated.model_dump_json(), job_id),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return updated

    def unfinished(self) -> list[Job]:
        return self.list([JobStatus.queued, JobStatus.running], limit=10_000)


def new_job_id() -> str:
    return "job-" + uuid.uuid4().hex[:12]
