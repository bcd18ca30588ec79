"""Files in and out of projects for the tools: subtitle files (SRT/WebVTT) as caption tracks, and
OpenTimelineIO timelines (.otio, and FCP XML / EDL where OTIO adapters are installed). The engine reads and
writes the formats; this module confines paths to the workspace and names the output files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from kijkocut.captions.tracks import caption_commands, export_captions, read_cues
from kijkocut.edit.commands import Command
from kijkocut.errors import PathNotAllowedError as EnginePathNotAllowedError
from kijkocut.model import Project, ProjectSettings, new_id
from kijkocut.paths import confined_project
from kijkocut.timebase import to_fraction
from mcp_server.editing import run_edit
from mcp_server.errors import PathNotAllowedError, ServiceError
from mcp_server.jobs import output_file
from mcp_server.projects import ProjectStore
from mcp_server.renders import resource_uri
from mcp_server.schemas import EditOutcome, OutputFile, ProjectSummary
from mcp_server.views import project_summary
from mcp_server.workspace import Workspace, safe_file_name

MIME_BY_SUFFIX = {".srt": "application/x-subrip", ".vtt": "text/vtt", ".otio": "application/json",
                  ".xml": "application/xml", ".edl": "text/plain"}


def _output_path(workspace: Workspace, project: Project, file_name: str | None, suffix: str) -> Path:
    """renders/<project>/<file_name or the project's name><suffix>."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", project.name).strip("_") or "project"
    folder = workspace.folder("renders") / project.id
    folder.mkdir(parents=True, exist_ok=True)
    return folder / safe_file_name(file_name or slug, suffix)


def _written(workspace: Workspace, path: Path) -> OutputFile:
    return output_file(path, resource_uri(workspace, path), MIME_BY_SUFFIX.get(path.suffix.lower(),
                                                                               "application/octet-stream"),
                       workspace.display(path))


def import_captions(store: ProjectStore, workspace: Workspace, project_id: str, path: str, *, offset: float = 0.0,
                    track_name: str = "Captions", overlap: Literal["trim", "stack"] = "trim") -> EditOutcome:
    """Reading the file and building the captions happen before the project's lock is taken, so other
    requests on the project wait only for the edit itself."""
    cues = read_cues(workspace.resolve(path))
    if not cues:
        raise ServiceError(f"{path} has no captions")
    with store.read(project_id) as project:
        settings = project.settings

    def build(settings: ProjectSettings) -> list[Command]:
        return caption_commands(settings, cues, track_name=track_name, offset=to_fraction(offset), overlap=overlap)

    prepared = build(settings)
    # Rebuilt under the lock only if the canvas changed meanwhile (the caption style follows its size).
    return run_edit(store, project_id, lambda p: prepared if p.settings == settings else build(p.settings),
                    title=f"Import {len(cues)} captions")


def export_caption_track(store: ProjectStore, workspace: Workspace, project_id: str, track_id: str,
                         fmt: Literal["srt", "vtt"], file_name: str | None = None) -> OutputFile:
    project = store.snapshot(project_id)
    if not any(t.id == track_id for t in project.tracks):
        known = ", ".join(f"{t.id} ({t.kind})" for t in project.tracks) or "none"
        raise ServiceError(f"unknown track {track_id!r}; tracks: {known}")
    return _written(workspace, export_captions(project, track_id, _output_path(workspace, project, file_name,
                                                                               f".{fmt}"), fmt))


def export_timeline(store: ProjectStore, workspace: Workspace, project_id: str,
                    fmt: Literal["otio", "xml", "edl"] = "otio", file_name: str | None = None) -> OutputFile:
    from kijkocut.interchange.otio import export_otio

    project = store.snapshot(project_id)
    path = _output_path(workspace, project, file_name, f".{fmt}")
    return _written(workspace, export_otio(project, path, project_dir=store.directory(project_id)))


def import_timeline(store: ProjectStore, workspace: Workspace, path: str, *,
                    missing_media: Literal["error", "offline"] = "error") -> ProjectSummary:
    from kijkocut.interchange.otio import import_otio

    source = workspace.resolve(path)
    # Every file it names (media, and a round trip's LUTs and fonts) must be readable by this server too: the
    # same confinement as media_import, applied before any media file is probed. Stored as real paths.
    try:
        project = import_otio(source, missing_media=missing_media, path_policy=workspace.policy)
        project = confined_project(project, workspace.policy, source.parent)
    except EnginePathNotAllowedError as exc:
        raise PathNotAllowedError(f"{path}: {exc}; move the files into the workspace or ask the user to allow "
                                  f"their folder") from None
    project.id = new_id("prj")  # never overwrite the project the file was exported from
    return project_summary(store.adopt(project))
