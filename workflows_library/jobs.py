"""Workflow jobs: the generic job record (`job_store`) plus what a ComfyUI run needs: what was asked, where it
was sent under which prompt id, and what came out."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from workflows_library import job_store
from workflows_library.errors import InvalidTransitionError
from workflows_library.job_store import JobRecord, JobStatus, Owner, new_job_id

__all__ = [
    "InvalidTransitionError",
    "Job",
    "JobOutput",
    "JobStatus",
    "JobStore",
    "Owner",
    "new_job_id",
]


class JobOutput(BaseModel):
    node_id: str
    filename: str
    subfolder: str = ""
    kind: str = "other"
    local_path: str | None = None
    probe: dict[str, Any] | None = None


class Job(JobRecord):
    kind: str = "workflow"
    workflow_id: str
    inputs: dict[str, Any] = {}
    workflow: dict[str, Any] = Field(default_factory=dict, description="the bound API graph to submit")
    preferred_server: str | None = None
    server_url: str | None = Field(None, description="set before submitting: where to look after a restart")
    prompt_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    client_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    current_node: str | None = None
    outputs: list[JobOutput] = []
    submissions: int = 0
    output_dir: str | None = Field(None, description="where outputs are downloaded (the submitter's choice)")
    output_prefixes: dict[str, str] = Field(
        default_factory=dict,
        description="node id -> the filename_prefix unique to this job: finds its outputs after a restart",
    )
    queue_for_later: bool = Field(False, description="no server now: stay queued instead of failing")
    cancel_pending: bool = Field(False, description="cancelled, but the server has not been told yet")


class JobStore(job_store.JobStore[Job]):
    """The shared job store, seen through workflow jobs (other kinds in the same file are not listed)."""

    def __init__(self, path: Path, **options: Any) -> None:
        super().__init__(path, Job, **options)

    def pending_cancels(self) -> list[Job]:
        """Cancelled jobs whose server has not been told yet (read often: filtered in SQL, not in Python)."""
        return self._select(
            "status = ? AND json_extract(body, '$.cancel_pending') = 1", [JobStatus.cancelled.value]
        )
