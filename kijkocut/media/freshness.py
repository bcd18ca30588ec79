"""Whether the media files a timeline uses are still the ones that were imported.

A file swapped or rewritten after import would otherwise render silently wrong (a 6 s clip replaced by a 2 s
one holds its last frame for the rest of the clip). Size and modification time are compared first; the
content hash only when they differ, so an unchanged project costs one `stat` per file and a copied folder
(new times, same bytes) stays quiet. A changed file is probed again: the export refuses it when the timeline
can no longer be satisfied, and otherwise renders the file as it is now, with a warning."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from stat import S_ISREG

from kijkocut.errors import MediaChangedError, MediaError, MediaMissingError
from kijkocut.media.info import MediaInfo
from kijkocut.media.probe import content_hash, probe_media
from kijkocut.model import ClipElement, MediaRef, Project
from kijkocut.project_io import resolve_media_path
from kijkocut.validate import project_problems


@dataclass
class MediaCheck:
    """The project to render (media descriptions refreshed where files changed harmlessly) and what to tell."""

    project: Project
    warnings: list[str] = field(default_factory=list)


def media_label(media: MediaRef) -> str:
    return f"media {media.id} ({media.name or Path(media.path).name})"


def used_media_ids(project: Project) -> list[str]:
    """Media the timeline's clips use, in pool order (unused pool entries never block an export)."""
    used = {e.media_id for t in project.tracks for e in t.elements if isinstance(e, ClipElement)}
    return [media_id for media_id in project.media if media_id in used]


def is_unchanged(media: MediaRef, path: Path, stat: os.stat_result) -> bool:
    """Whether the file still matches what was recorded at import. Entries with no record of the file (no hash,
    no time: described by hand, or offline) cannot be compared and count as unchanged."""
    if not media.content_hash and media.mtime_ns is None:
        return True
    if not S_ISREG(stat.st_mode):
        return False  # never hash a FIFO or a device: the probe names what it is instead
    if stat.st_size == media.info.size_bytes and stat.st_mtime_ns == media.mtime_ns:
        return True
    if not media.content_hash:
        return False
    return content_hash(path) == media.content_hash


def describe_changes(before: MediaInfo, after: MediaInfo) -> list[str]:
    """What a person would notice between two probes of one file, e.g. 'duration 6.000 s -> 2.000 s'."""
    changes = []
    if before.kind != after.kind:
        changes.append(f"now {after.kind}, was {before.kind}")
    if before.duration != after.duration and before.duration is not None and after.duration is not None:
        changes.append(f"duration {float(before.duration):.3f} s -> {float(after.duration):.3f} s")
    if (before.width, before.height) != (after.width, after.height) and after.width is not None:
        changes.append(f"picture {before.width}x{before.height} -> {after.width}x{after.height}")
    if before.video is not None and after.video is None:
        changes.append("no longer has a picture")
    if before.audio is not None and after.audio is None:
        changes.append("no longer has sound")
    if before.audio is None and after.audio is not None:
        changes.append("now has sound")
    if not changes:
        changes.append(
            f"content differs (size {before.size_bytes} -> {after.size_bytes} bytes)"
            if before.size_bytes != after.size_bytes
            else "content differs"
        )
    return changes


def media_reach(project: Project, media_id: str) -> Fraction:
    """The latest media time the timeline shows of `media_id`, transition handles included."""
    reach = Fraction(0)
    for track in project.tracks:
        by_id = {e.id: e for e in track.elements}
        for element in track.elements:
            if isinstance(element, ClipElement) and element.media_id == media_id:
                reach = max(reach, element.source_out)
        for transition in track.transitions:
            left, right = by_id.get(transition.from_id), by_id.get(transition.to_id)
            if left is None or right is None or transition.holds:  # holding needs no media past the edges
                continue
            begin, finish = transition.span(left.end)
            for element in (left, right):
                if isinstance(element, ClipElement) and element.media_id == media_id:
                    shown = (min(begin, element.start), max(finish, element.end))
                    reach = max(reach, *(element.media_time(t) for t in shown))
    return reach


def check_media(project: Project, project_dir: str | os.PathLike | None = None) -> MediaCheck:
    """Check every file the timeline uses. Raises `MediaMissingError` listing every missing file,
    `MediaError` for a changed file that no longer reads, `MediaChangedError` naming each change that breaks
    the timeline; returns the project to render and a warning per harmless change."""
    missing: list[str] = []
    found: dict[str, tuple[Path, os.stat_result]] = {}
    for media_id in used_media_ids(project):
        path = resolve_media_path(project.media[media_id].path, project_dir)
        try:
            found[media_id] = path, path.stat()
        except (FileNotFoundError, NotADirectoryError):
            missing.append(f"{media_id} ({path})")
        except OSError as exc:
            raise MediaError(str(path), f"cannot be read ({exc.strerror})") from None
    if missing:
        raise MediaMissingError(missing)
    refreshed: dict[str, MediaRef] = {}
    changes: dict[str, list[str]] = {}
    for media_id, (path, stat) in found.items():
        media = project.media[media_id]
        if is_unchanged(media, path, stat):
            continue
        try:
            info = probe_media(path)
        except MediaError as exc:
            raise MediaError(exc.path, f"changed since import and no longer reads: {exc.problem}") from None
        refreshed[media_id] = media.model_copy(update={"info": info})
        changes[media_id] = describe_changes(media.info, info)
    if not refreshed:
        return MediaCheck(project)
    known_problems = set(project_problems(project))
    errors, warnings = [], []
    for media_id, what in changes.items():
        line = f"{media_label(project.media[media_id])} changed since import: {', '.join(what)}"
        # Judged one file at a time, so each problem is blamed on the file that causes it.
        alone = project.model_copy(update={"media": {**project.media, media_id: refreshed[media_id]}})
        broken = [p for p in project_problems(alone) if p not in known_problems]
        if broken:
            errors.append(f"{line}; {_broken_reason(project, media_id, refreshed[media_id].info, broken)}")
        else:
            warnings.append(f"{line}; rendering the file as it is now")
    if errors:
        raise MediaChangedError(errors)
    return MediaCheck(project.model_copy(update={"media": {**project.media, **refreshed}}), warnings)


def _broken_reason(project: Project, media_id: str, info: MediaInfo, problems: list[str]) -> str:
    reach = media_reach(project, media_id)
    if info.duration is not None and reach > info.duration:
        return f"the timeline uses up to {float(reach):.3f} s"
    return problems[0]
