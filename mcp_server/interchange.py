"""Files out of projects, and timelines into new ones, for the tools: a text track's captions as SRT or WebVTT,
and OpenTimelineIO timelines (.otio, and FCP XML / EDL where OTIO adapters are installed). The engine reads
and writes the formats; this module confines paths to the workspace and names the output files. Importing a
subtitle file onto a timeline is the service layer's `import_captions` action (see `action_tools`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from kijkocut.captions.tracks import export_captions
from kijkocut.errors import PathNotAllowedError as EnginePathNotAllowedError
from kijkocut.model import Project, new_id
from kijkocut.paths import confined_project
from kijkocut.service import lookup
from mcp_server.errors import PathNotAllowedError, ServiceError
from mcp_server.jobs import output_file
from mcp_server.schemas import OutputFile, ProjectSummary, TimelineExport
from mcp_server.services import ORIGIN, Services
from mcp_server.views import project_summary
from mcp_server.workspace import Workspace, safe_file_name


def _output_path(workspace: Workspace, project: Project, file_name: str | None, suffix: str) -> Path:
    """renders/<project>/<file_name or the project's name><suffix>."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", project.name).strip("_") or "project"
    folder = workspace.folder("renders") / project.id
    folder.mkdir(parents=True, exist_ok=True)
    return folder / safe_file_name(file_name or slug, suffix)


def _written(workspace: Workspace, path: Path) -> OutputFile:
    written = output_file(workspace, path)
    if written is None:  # the server writes inside its workspace only
        raise ServiceError(f"{path.name} was not written in the workspace")
    return written


def export_caption_track(
    services: Services,
    project_id: str,
    track_id: str,
    fmt: Literal["srt", "vtt"],
    file_name: str | None = None,
) -> OutputFile:
    project = services.projects.snapshot(project_id)
    lookup.find_track(project, track_id)
    path = _output_path(services.workspace, project, file_name, f".{fmt}")
    return _written(services.workspace, export_captions(project, track_id, path, fmt))


def export_timeline(
    services: Services,
    project_id: str,
    fmt: Literal["otio", "xml", "edl"] = "otio",
    file_name: str | None = None,
) -> TimelineExport:
    """The file, and one warning per element and property the format could not carry."""
    from kijkocut.interchange.otio import export_timeline as write_timeline

    project = services.projects.snapshot(project_id)
    path = _output_path(services.workspace, project, file_name, f".{fmt}")
    report = write_timeline(project, path, project_dir=services.projects.directory(project_id))
    return TimelineExport(
        file=_written(services.workspace, report.path),
        format=report.format,
        warning_count=len(report.warnings),
        warnings=[str(w) for w in report.warnings],
    )


def import_timeline(
    services: Services,
    path: str,
    *,
    missing_media: Literal["error", "offline"] = "error",
    rate: str | None = None,
) -> ProjectSummary:
    """`rate`: the frame rate of a format that stores none (EDL), e.g. '25' or '30000/1001'."""
    from kijkocut.interchange.otio import import_otio
    from kijkocut.timebase import to_rate

    workspace = services.workspace
    source = workspace.resolve(path)
    # Every file it names (media, and a round trip's LUTs and fonts) must be readable by this server too: the
    # same confinement as media_import, applied before any media file is probed. Stored as real paths.
    try:
        options = {"rate": float(to_rate(rate))} if rate else {}  # the adapter's option
        project = import_otio(source, missing_media=missing_media, path_policy=workspace.policy, **options)
        project = confined_project(project, workspace.policy, source.parent)
    except EnginePathNotAllowedError as exc:
        raise PathNotAllowedError(
            f"{path}: {exc}; move the files into the workspace or ask the user to allow their folder"
        ) from None
    project.id = new_id("prj")  # never overwrite the project the file was exported from
    return project_summary(services.projects.adopt(project, origin=ORIGIN))
