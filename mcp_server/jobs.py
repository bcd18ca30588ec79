"""Local background jobs (exports and range previews): start returns a handle at once, a worker thread does
the work, callers poll or wait with a bounded timeout, and cancel sets an event the renderer checks.

Renders are CPU-bound, so one runs at a time (a queue, not a pool): two exports on two cores would each run at
half speed and both finish late."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kijkocut.errors import KijkoCutError, RenderCancelled
from mcp_server.errors import NotFoundError
from mcp_server.schemas import JobKind, JobState, JobView, OutputFile

# Finished jobs kept for status queries; older ones are forgotten (their files stay in the workspace).
MAX_FINISHED = 200


@dataclass
class Job:
    id: str
    kind: JobKind
    project_id: str | None
    state: JobState = "queued"
    done_frames: int = 0
    total_frames: int = 0
    message: str = ""
    summary: str = ""  # what the finished work reports (an export's loudness and true peak)
    outputs: list[OutputFile] = field(default_factory=list)
    error: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    created: float = field(default_factory=time.monotonic)

    @property
    def progress(self) -> float:
        if self.state == "succeeded":
            return 1.0
        return min(1.0, self.done_frames / self.total_frames) if self.total_frames else 0.0

    def view(self) -> JobView:
        return JobView(job_id=self.id, kind=self.kind, state=self.state, done=self.finished.is_set(),
                       progress=round(self.progress, 4), message=self.message, project_id=self.project_id,
                       outputs=list(self.outputs), error=self.error)


# work(job) renders, updating job.done_frames/total_frames and checking job.cancel; returns the output files.
Work = Callable[[Job], list[OutputFile]]


class JobManager:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._order = itertools.count()
        self._guard = threading.Lock()
        self._render_slot = threading.Lock()

    def submit(self, kind: JobKind, project_id: str | None, work: Work) -> Job:
        job = Job(id=f"{kind[:3]}_{uuid.uuid4().hex[:10]}", kind=kind, project_id=project_id,
                  message="waiting for the renderer")
        with self._guard:
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._run, args=(job, work), name=f"kijkocut-{job.id}", daemon=True).start()
        return job

    def _run(self, job: Job, work: Work) -> None:
        with self._render_slot:
            if job.cancel.is_set():
                self._finish(job, "cancelled", "cancelled before it started")
                return
            job.state, job.message = "running", "rendering"
            try:
                job.outputs = work(job)
            except RenderCancelled:
                self._finish(job, "cancelled", "cancelled; no file was written")
            except (KijkoCutError, OSError, ValueError) as exc:
                self._finish(job, "failed", "failed", error=str(exc))
            except Exception as exc:  # a worker thread must always end the job, never leave it "running"
                self._finish(job, "failed", "failed", error=f"internal error: {type(exc).__name__}: {exc}")
            else:
                self._finish(job, "succeeded", f"done: {job.summary}" if job.summary else "done")

    @staticmethod
    def _finish(job: Job, state: JobState, message: str, error: str | None = None) -> None:
        job.state, job.message, job.error = state, message, error
        job.finished.set()

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished.is_set()]
        for job in sorted(finished, key=lambda j: j.created)[:max(0, len(finished) - MAX_FINISHED)]:
            del self._jobs[job.id]

    def get(self, job_id: str) -> Job:
        with self._guard:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"unknown job {job_id!r}; job_list shows the known jobs")
        return job

    def owns(self, job_id: str) -> bool:
        with self._guard:
            return job_id in self._jobs

    def list(self) -> list[Job]:
        with self._guard:
            return sorted(self._jobs.values(), key=lambda j: j.created)

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        job.cancel.set()
        return job


def output_file(path: Path, uri: str, mime_type: str, display: str) -> OutputFile:
    return OutputFile(uri=uri, path=display, mime_type=mime_type, size_bytes=path.stat().st_size)
