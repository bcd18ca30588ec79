"""Render jobs (exports and previews) in the one job store every kijkocut process shares with workflow runs
(`workflows_library.job_store`): the same states, progress, cancellation, results and error text in the CLI,
the nodes, the MCP server and the panel.

Renders are CPU-bound, so a process renders one at a time (a queue, not a pool): two exports on two cores
would each run at half speed and both finish late. A job is owned by the process rendering it; cancelling from
another process sets a flag the renderer reads at its next progress report. A render cannot resume after its
process died (the partial file is swept), so such a job is marked failed when the next queue starts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import Field

from kijkocut.errors import KijkoCutError, RenderCancelled
from kijkocut.service.errors import NotFoundError
from workflows_library.errors import InvalidTransitionError, JobNotFoundError
from workflows_library.job_store import JobRecord, JobStatus, JobStore, Owner

PROGRESS_EVERY = 0.5  # seconds between progress writes (and cancel checks) of a running render
STALE_AFTER = 60.0  # a render whose owner was silent this long is dead


class RenderJob(JobRecord):
    kind: Literal["render"] = "render"
    purpose: Literal["export", "preview"] = "export"
    project_id: str | None = None
    output: str | None = Field(None, description="the file being written")
    done_frames: int = 0
    total_frames: int = 0
    summary: str = Field("", description="what the finished render reports (loudness, true peak)")
    warnings: list[str] = Field(default_factory=list)
    cancel_requested: bool = False


class Progress:
    """What a render's work function reports: frames done, and whether to stop."""

    def __init__(self, queue: RenderQueue, job_id: str, cancel: threading.Event):
        self._queue, self._job_id, self.cancel = queue, job_id, cancel
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_EVERY and done < total:
            return
        self._last = now
        job = self._queue.store.update(
            self._job_id,
            done_frames=done,
            total_frames=total,
            progress=min(1.0, done / total) if total else 0.0,
        )
        self._queue.store.heartbeat(self._queue.owner)
        if job.cancel_requested:
            self.cancel.set()

    def cancelled(self) -> bool:
        return self.cancel.is_set()


# work(job, progress) renders and returns the finished job's fields: output, summary, warnings.
Work = Callable[[RenderJob, Progress], dict]


class RenderQueue:
    def __init__(self, path: Path):
        self.store: JobStore[RenderJob] = JobStore(path, RenderJob)
        self.owner = Owner.this_process()
        self._cancels: dict[str, threading.Event] = {}
        self._slot = threading.Lock()
        self._guard = threading.Lock()
        self._fail_orphans()

    def _fail_orphans(self) -> None:
        for job in self.store.orphans(STALE_AFTER):
            try:
                self.store.update(
                    job.id,
                    status=JobStatus.failed,
                    message="failed",
                    error="the program rendering it stopped before it finished; start it again",
                )
            except InvalidTransitionError:
                continue

    def submit(self, job: RenderJob, work: Work) -> RenderJob:
        job = self.store.create(
            job.model_copy(update={"message": "waiting for the renderer"}), owner=self.owner
        )
        with self._guard:
            self._cancels[job.id] = threading.Event()
        threading.Thread(
            target=self._run, args=(job.id, work), name=f"kijkocut-{job.id}", daemon=True
        ).start()
        return job

    def _run(self, job_id: str, work: Work) -> None:
        cancel = self._cancels[job_id]
        with self._slot:
            queued = self.store.get(job_id)
            if cancel.is_set() or queued.cancel_requested or queued.status.terminal:
                self._finish(job_id, JobStatus.cancelled, "cancelled before it started")
                return
            job = self.store.update(job_id, status=JobStatus.running, message="rendering")
            try:
                result = work(job, Progress(self, job_id, cancel))
            except RenderCancelled:
                self._finish(job_id, JobStatus.cancelled, "cancelled; no file was written")
            except (KijkoCutError, OSError, ValueError) as exc:
                self._finish(job_id, JobStatus.failed, "failed", error=str(exc))
            except Exception as exc:  # a worker must always end its job, never leave it "running"
                self._finish(
                    job_id, JobStatus.failed, "failed", error=f"internal error: {type(exc).__name__}: {exc}"
                )
            else:
                summary = result.get("summary", "")
                self._finish(
                    job_id,
                    JobStatus.completed,
                    f"done: {summary}" if summary else "done",
                    progress=1.0,
                    **result,
                )
        with self._guard:
            self._cancels.pop(job_id, None)

    def _finish(self, job_id: str, status: JobStatus, message: str, **fields) -> None:
        try:
            self.store.update(job_id, status=status, message=message, **fields)
        except InvalidTransitionError:  # cancelled from elsewhere meanwhile: that state stands
            pass

    def get(self, job_id: str) -> RenderJob:
        try:
            return self.store.get(job_id)
        except JobNotFoundError:
            raise NotFoundError(f"unknown job {job_id!r}; the job list shows the known jobs") from None

    def list(self, limit: int = 100) -> list[RenderJob]:
        return self.store.list(limit=limit)

    def cancel(self, job_id: str) -> RenderJob:
        """Stop a render: at once when this process renders it, at its next progress report when another does,
        and straight away when it never started or its process is gone."""
        job = self.get(job_id)
        if job.status.terminal:
            return job
        with self._guard:
            event = self._cancels.get(job_id)
        if event is not None:
            event.set()
        job = self.store.update(job_id, cancel_requested=True)
        if event is None and (job.status is JobStatus.queued or job.owner is None):
            self._finish(job_id, JobStatus.cancelled, "cancelled")
        return self.get(job_id)

    def wait(self, job_id: str, timeout: float) -> RenderJob:
        """The job once it finished, or as it is after `timeout` seconds (callers return a handle then)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job.status.terminal or time.monotonic() >= deadline:
                return job
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
