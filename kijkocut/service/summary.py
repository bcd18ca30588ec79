"""A project in one small record, as every front end lists it (the CLI's `project list`, the panel's project
picker over HTTP): what a person needs to pick a project, without its timeline."""

from __future__ import annotations

from typing import Any

from kijkocut.model import Project


def project_summary(project: Project) -> dict[str, Any]:
    settings = project.settings
    return {
        "id": project.id,
        "name": project.name,
        "revision": project.revision,
        "duration": float(project.duration()),
        "width": settings.width,
        "height": settings.height,
        "frame_rate": str(settings.frame_rate),
        "tracks": len(project.tracks),
        "elements": sum(len(t.elements) for t in project.tracks),
        "media": len(project.media),
    }
