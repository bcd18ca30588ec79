"""Jobs as the tools show them: renders (exports, previews) from the service layer's render queue and
workflow runs, both kept in the one job store and shown in its states. A job is looked up among the renders
first, then among the workflow runs; the list holds both, oldest first."""

from __future__ import annotations

from pathlib import Path

from kijkocut.service.jobs import RenderJob
from mcp_server.errors import NotFoundError, ServiceError
from mcp_server.schemas import JobView, OutputFile
from mcp_server.services import Services
from mcp_server.workspace import Workspace

MAX_LISTED = 100
MIME_BY_SUFFIX = {
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".gif": "image/gif",
    ".srt": "application/x-subrip",
    ".vtt": "text/vtt",
    ".otio": "application/json",
    ".xml": "application/xml",
    ".edl": "text/plain",
}


def output_file(workspace: Workspace, path: Path | str, mime_type: str | None = None) -> OutputFile | None:
    """A file the server wrote, linked as a `workspace://` resource; None when it is gone or lies outside the
    workspace (written there by another program sharing the job store)."""
    try:
        real = workspace.resolve(str(path), writable=True)
    except ServiceError:
        return None
    display = workspace.display(real)
    return OutputFile(
        uri=f"workspace://{display}",
        path=display,
        size_bytes=real.stat().st_size,
        mime_type=mime_type or MIME_BY_SUFFIX.get(real.suffix.lower(), "application/octet-stream"),
    )


def render_view(job: RenderJob, workspace: Workspace) -> JobView:
    message = job.message
    if job.status.value == "running" and job.total_frames:
        message = f"frame {job.done_frames} of {job.total_frames}"
    linked = output_file(workspace, job.output) if job.output and job.status.value == "completed" else None
    return JobView(
        job_id=job.id,
        kind=job.purpose,
        state=job.status.value,
        done=job.status.terminal,
        progress=round(job.progress, 4),
        message=message,
        project_id=job.project_id,
        outputs=[linked] if linked else [],
        error=job.error,
        created_at=job.created_at,
    )


def is_render(services: Services, job_id: str) -> bool:
    try:
        services.renders.get(job_id)
    except NotFoundError:
        return False
    return True


def job_view(services: Services, job_id: str) -> JobView:
    if is_render(services, job_id):
        return render_view(services.renders.get(job_id), services.workspace)
    return services.workflows.job_status(job_id)  # names an unknown job as such


def job_list(services: Services) -> list[JobView]:
    views = [render_view(job, services.workspace) for job in services.renders.list(limit=MAX_LISTED)]
    views += services.workflows.list_jobs()
    return sorted(views, key=lambda view: view.created_at)[-MAX_LISTED:]
