"""Pictures and files made from projects: single frames and media thumbnails as small JPEGs, and render jobs
for low-resolution range previews and full exports in the service layer's render queue. The engine renders,
the service layer decides export settings and ranges; this module picks sizes, file names and places in the
workspace."""

from __future__ import annotations

import io
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from kijkocut.model import ClipElement, Project, ProjectSettings, Track
from kijkocut.render.export import export_project
from kijkocut.render.frames import render_frame
from kijkocut.render.presets import ExportSettings
from kijkocut.service.export import ExportOptions, export_settings
from kijkocut.service.jobs import Progress, RenderJob, Work
from kijkocut.service.times import parse_time
from mcp_server.errors import NotFoundError, ServiceError
from mcp_server.schemas import ImageInfo
from mcp_server.services import Services
from mcp_server.workspace import safe_file_name

# Tool results travel inline (base64); clients cap them (around 1 MB), and big images waste the model's context.
MAX_IMAGE_BYTES = 256 * 1024
MAX_PREVIEW_SECONDS = 120
PREVIEW_WIDTH = 480
PREVIEW_AUDIO_BITRATE = 64_000


def encode_jpeg(rgb: np.ndarray, max_bytes: int = MAX_IMAGE_BYTES) -> tuple[bytes, int, int]:
    """JPEG bytes within `max_bytes`: lower the quality first, then halve the size."""
    image = Image.fromarray(rgb)
    while True:
        for quality in (85, 70, 55, 40):
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return buffer.getvalue(), image.width, image.height
        image = image.resize(
            (max(16, image.width // 2), max(16, image.height // 2)), Image.Resampling.BILINEAR
        )


def frame(services: Services, project_id: str, time: str, width: int) -> tuple[bytes, ImageInfo]:
    project = services.projects.snapshot(project_id)
    at = parse_time(time, project.settings.frame_rate, what="time")
    duration = project.duration()
    if duration and at >= duration:
        raise ServiceError(
            f"time {float(at):.3f} s is at or past the end of the timeline ({float(duration):.3f} s)"
        )
    rgb = render_frame(
        project,
        at,
        width=min(width, project.settings.width),
        project_dir=services.projects.directory(project_id),
        path_policy=services.workspace.policy,
    )
    data, w, h = encode_jpeg(rgb)
    return data, ImageInfo(width=w, height=h, mime_type="image/jpeg", size_bytes=len(data), time=float(at))


def thumbnail(
    services: Services, project_id: str, media_id: str, time: str, width: int
) -> tuple[bytes, ImageInfo]:
    """A media file's picture at a media time, rendered through the engine on a one-clip scratch project so
    rotation, pixel aspect and stills are handled exactly as on the timeline."""
    project = services.projects.snapshot(project_id)
    media = project.media.get(media_id)
    if media is None:
        raise NotFoundError(f"unknown media {media_id!r} in project {project_id}")
    info = media.info
    if info.kind == "audio" or info.width is None or info.height is None:
        raise ServiceError(f"{media_id} is audio only; it has no picture")
    rate = project.settings.frame_rate
    at = parse_time(time, rate, what="time")
    length = Fraction(1) / rate
    if info.duration is not None and at + length > info.duration:
        raise ServiceError(
            f"time {float(at):.3f} s is past the end of {media_id} ({float(info.duration):.3f} s)"
        )
    even = lambda v: max(16, min(8192, v - v % 2))  # noqa: E731
    scratch = Project(
        name="thumbnail",
        settings=ProjectSettings(width=even(info.width), height=even(info.height), frame_rate=rate),
        media={media_id: media},
        tracks=[
            Track(
                kind="video",
                elements=[ClipElement(media_id=media_id, start=0, duration=length, source_in=at)],
            )
        ],
    )
    rgb = render_frame(
        scratch,
        0,
        width=min(width, scratch.settings.width),
        project_dir=services.projects.directory(project_id),
        path_policy=services.workspace.policy,
    )
    data, w, h = encode_jpeg(rgb)
    return data, ImageInfo(width=w, height=h, mime_type="image/jpeg", size_bytes=len(data), time=float(at))


def _work(services: Services, project: Project, output: Path, settings: ExportSettings) -> Work:
    project_dir, project_file = services.projects.directory(project.id), services.projects.file(project.id)

    def work(job: RenderJob, progress: Progress) -> dict:
        # The output folders belong to the server, so they may be created; the project file and its media are
        # never written over, whatever file name the client picked.
        result = export_project(
            project,
            output,
            settings,
            project_dir=project_dir,
            progress=progress,
            cancel=progress.cancel,
            project_file=project_file,
            create_folders=True,
            path_policy=services.workspace.policy,
        )
        return {"output": str(output), "summary": result.summary(), "warnings": result.warnings}

    return work


def start_preview(
    services: Services, project_id: str, start: str | None, end: str | None, width: int = PREVIEW_WIDTH
) -> RenderJob:
    project = services.projects.snapshot(project_id)
    options = ExportOptions(preset="default", width=width, crf=32, speed="ultrafast", start=start, end=end)
    settings = export_settings(project, options).model_copy(update={"audio_bitrate": PREVIEW_AUDIO_BITRATE})
    length = (settings.end or project.duration()) - (settings.start or 0)
    if length > MAX_PREVIEW_SECONDS:
        raise ServiceError(
            f"a preview covers at most {MAX_PREVIEW_SECONDS} s; choose a shorter range "
            f"(asked for {float(length):.1f} s) or export instead"
        )
    job = RenderJob(purpose="preview", project_id=project_id)
    output = services.workspace.folder("previews") / project_id / f"{job.id}.mp4"
    return services.renders.submit(
        job.model_copy(update={"output": str(output)}), _work(services, project, output, settings)
    )


def start_export(
    services: Services, project_id: str, options: ExportOptions, file_name: str | None
) -> RenderJob:
    project = services.projects.snapshot(project_id)
    settings = export_settings(project, options)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", project.name).strip("_") or "project"
    suffix = f".{settings.container}"
    name = safe_file_name(file_name, suffix) if file_name else f"{slug}_{options.preset}{suffix}"
    output = services.workspace.folder("renders") / project_id / name
    return services.renders.submit(
        RenderJob(purpose="export", project_id=project_id, output=str(output)),
        _work(services, project, output, settings),
    )
