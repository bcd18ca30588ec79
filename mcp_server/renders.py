"""Pictures and files made from projects: single frames and media thumbnails as small JPEGs, and background
jobs for low-resolution range previews and full exports. The engine does the rendering; this module picks
sizes, file names and places in the workspace."""

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
from kijkocut.render.presets import PRESETS, ExportSettings, settings_for
from mcp_server.errors import NotFoundError, ServiceError
from mcp_server.jobs import Job, JobManager, output_file
from mcp_server.projects import ProjectStore, frame_time
from mcp_server.schemas import ImageInfo, OutputFile
from mcp_server.workspace import Workspace, safe_file_name

# Tool results travel inline (base64); clients cap them (around 1 MB), and big images waste the model's context.
MAX_IMAGE_BYTES = 256 * 1024
MAX_PREVIEW_SECONDS = 120
PREVIEW_WIDTH = 480
MIME_BY_CONTAINER = {"mp4": "video/mp4", "mov": "video/quicktime", "mkv": "video/x-matroska",
                     "webm": "video/webm", "gif": "image/gif"}


def resource_uri(workspace: Workspace, path: Path) -> str:
    return f"workspace://{workspace.display(path)}"


def encode_jpeg(rgb: np.ndarray, max_bytes: int = MAX_IMAGE_BYTES) -> tuple[bytes, int, int]:
    """JPEG bytes within `max_bytes`: lower the quality first, then halve the size."""
    image = Image.fromarray(rgb)
    while True:
        for quality in (85, 70, 55, 40):
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return buffer.getvalue(), image.width, image.height
        image = image.resize((max(16, image.width // 2), max(16, image.height // 2)), Image.Resampling.BILINEAR)


def _project_dir(store: ProjectStore, project_id: str) -> Path:
    return store.directory(project_id)


def frame(store: ProjectStore, project_id: str, time: float, width: int) -> tuple[bytes, ImageInfo]:
    project = store.snapshot(project_id)
    t = frame_time(project, time)
    duration = project.duration()
    if duration and t >= duration:
        raise ServiceError(f"time {time} s is at or past the end of the timeline ({float(duration):.3f} s)")
    rgb = render_frame(project, t, width=min(width, project.settings.width),
                       project_dir=_project_dir(store, project_id), path_policy=store.workspace.policy)
    data, w, h = encode_jpeg(rgb)
    return data, ImageInfo(width=w, height=h, mime_type="image/jpeg", size_bytes=len(data), time=float(t))


def thumbnail(store: ProjectStore, project_id: str, media_id: str, time: float,
              width: int) -> tuple[bytes, ImageInfo]:
    """A media file's picture at a media time, rendered through the engine on a one-clip scratch project so
    rotation, pixel aspect and stills are handled exactly as on the timeline."""
    project = store.snapshot(project_id)
    media = project.media.get(media_id)
    if media is None:
        raise NotFoundError(f"unknown media {media_id!r} in project {project_id}")
    info = media.info
    if info.kind == "audio" or info.width is None or info.height is None:
        raise ServiceError(f"{media_id} is audio only; it has no picture")
    rate = project.settings.frame_rate
    at = frame_time(project, time)
    length = Fraction(1) / rate
    if info.duration is not None and at + length > info.duration:
        raise ServiceError(f"time {time} s is past the end of {media_id} ({float(info.duration):.3f} s)")
    even = lambda v: max(16, min(8192, v - v % 2))  # noqa: E731
    scratch = Project(name="thumbnail", settings=ProjectSettings(width=even(info.width), height=even(info.height),
                                                                 frame_rate=rate),
                      media={media_id: media},
                      tracks=[Track(kind="video", elements=[ClipElement(media_id=media_id, start=0, duration=length,
                                                                        source_in=at)])])
    rgb = render_frame(scratch, 0, width=min(width, scratch.settings.width),
                       project_dir=_project_dir(store, project_id), path_policy=store.workspace.policy)
    data, w, h = encode_jpeg(rgb)
    return data, ImageInfo(width=w, height=h, mime_type="image/jpeg", size_bytes=len(data), time=float(at))


def _range(project: Project, start: float | None, end: float | None) -> tuple[Fraction, Fraction]:
    duration = project.duration()
    if duration == 0:
        raise ServiceError("the timeline is empty: add clips before rendering")
    begin = frame_time(project, start) if start is not None else Fraction(0)
    finish = frame_time(project, end) if end is not None else duration
    finish = min(finish, duration)
    if finish <= begin:
        raise ServiceError(f"nothing to render between {float(begin):.3f} s and {float(finish):.3f} s "
                           f"(timeline is {float(duration):.3f} s long)")
    return begin, finish


def _render_job(workspace: Workspace, project: Project, project_dir: Path, output: Path, settings, *,
                project_file: Path):
    def work(job: Job) -> list[OutputFile]:
        def progress(done: int, total: int) -> None:
            job.done_frames, job.total_frames = done, total
            job.message = f"frame {done} of {total}"

        # The output folders belong to the server, so they may be created; the project file and its media are
        # never written over, whatever file name the client picked.
        result = export_project(project, output, settings, project_dir=project_dir, progress=progress,
                                cancel=job.cancel, project_file=project_file, create_folders=True,
                                path_policy=workspace.policy)
        job.summary = result.summary()
        return [output_file(output, resource_uri(workspace, output), MIME_BY_CONTAINER[settings.container],
                            workspace.display(output))]

    return work


def start_preview(store: ProjectStore, workspace: Workspace, jobs: JobManager, project_id: str,
                  start: float | None, end: float | None, width: int = PREVIEW_WIDTH) -> Job:
    project = store.snapshot(project_id)
    begin, finish = _range(project, start, end)
    if finish - begin > MAX_PREVIEW_SECONDS:
        raise ServiceError(f"a preview covers at most {MAX_PREVIEW_SECONDS} s; choose a shorter range "
                           f"(asked for {float(finish - begin):.1f} s) or export instead")
    settings = settings_for("default", width=width, crf=32, speed="ultrafast", start=begin, end=finish,
                            audio_bitrate=64_000)
    folder = workspace.folder("previews") / project_id
    job = jobs.submit("preview", project_id, lambda job: _render_job(
        workspace, project, _project_dir(store, project_id), folder / f"{job.id}.mp4", settings,
        project_file=store.file(project_id))(job))
    return job


def start_export(store: ProjectStore, workspace: Workspace, jobs: JobManager, project_id: str, preset: str,
                 *, container: str | None = None, start: float | None = None, end: float | None = None,
                 file_name: str | None = None, **audio: float | str) -> Job:
    """`audio`: audio settings (loudness_lufs, limiter_ceiling_db, audio_codec) over the preset's."""
    if preset not in PRESETS:
        raise ServiceError(f"unknown export preset {preset!r}; choose one of {', '.join(sorted(PRESETS))}")
    project = store.snapshot(project_id)
    begin, finish = _range(project, start, end)
    fields = PRESETS[preset].model_dump()
    if container is not None and container != fields["container"]:
        # The preset's codecs may not fit the new container: take the container's usual ones.
        fields.update(container=container, video_codec=None, audio_codec=None)
    fields.update(start=begin if start is not None else None, end=finish if end is not None else None)
    fields.update(audio)
    try:
        settings = ExportSettings.model_validate(fields)
    except ValueError as exc:
        raise ServiceError(f"invalid export settings: {exc}") from None
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", project.name).strip("_") or "project"
    name = safe_file_name(file_name, f".{settings.container}") if file_name else f"{slug}_{preset}.{settings.container}"
    output = workspace.folder("renders") / project_id / name
    return jobs.submit("export", project_id, _render_job(workspace, project, _project_dir(store, project_id),
                                                          output, settings, project_file=store.file(project_id)))
