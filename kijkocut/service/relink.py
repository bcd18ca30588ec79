"""Relinking: media that moved (another disk, a renamed folder, a synced copy) found again in a folder the user
names, by file name and content hash, so a project whose files moved opens and renders again. A file is taken
only when its content is the media's (the same cheap hash the import recorded); a file with the right name and
other content is reported, never linked silently. One relink is one undo step."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from kijkocut.edit.commands import Command, RelinkMedia
from kijkocut.errors import KijkoCutError
from kijkocut.media.probe import MEDIA_EXTENSIONS, content_hash
from kijkocut.model import MediaRef, Project
from kijkocut.project_io import resolve_media_path
from kijkocut.service import lookup
from kijkocut.service.actions import ActionContext, Params, Plan, action
from kijkocut.service.errors import ServiceError

MAX_SCANNED = 20_000  # files looked at in one relink: a home folder is not a media library
MAX_DEPTH = 8


@dataclass
class FolderIndex:
    """Media files below a folder, by lower-case name and by size (a renamed copy keeps its size)."""

    by_name: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    by_size: dict[int, list[Path]] = field(default_factory=lambda: defaultdict(list))
    truncated: bool = False


def index_folder(folder: Path) -> FolderIndex:
    index, seen = FolderIndex(), 0
    root_depth = len(folder.parts)
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = (
            sorted(d for d in subdirs if not d.startswith("."))
            if len(Path(directory).parts) - root_depth < MAX_DEPTH
            else []
        )
        for name in sorted(files):
            path = Path(directory) / name
            if name.startswith(".") or path.suffix.lower() not in MEDIA_EXTENSIONS or path.is_symlink():
                continue
            seen += 1
            if seen > MAX_SCANNED:
                index.truncated = True
                return index
            try:
                size = path.stat().st_size
            except OSError:
                continue
            index.by_name[name.lower()].append(path)
            index.by_size[size].append(path)
    return index


class RelinkMediaParams(Params):
    folder: str = Field(min_length=1, max_length=1000, description="a folder to search, subfolders included")
    media_ids: list[str] | None = Field(
        None,
        max_length=1000,
        description="which media to relink (media ids "
        "from the project's pool); omit for every file that is missing",
    )


def scan(p: RelinkMediaParams, ctx: ActionContext) -> FolderIndex:
    folder = ctx.path(p.folder)
    if not folder.is_dir():
        raise ServiceError(f"{p.folder!r} is not a folder")
    return index_folder(folder)


def _missing(project: Project, ctx: ActionContext) -> list[str]:
    return [
        media_id
        for media_id, media in project.media.items()
        if not resolve_media_path(media.path, ctx.project_dir).exists()
    ]


def _same_content(media: MediaRef, candidates: list[Path], ctx: ActionContext) -> Path | None:
    for candidate in candidates:
        try:
            confined = ctx.path(str(candidate))
            if media.content_hash and content_hash(confined) == media.content_hash:
                return confined
        except (OSError, KijkoCutError):
            continue
    return None


@action(
    "relink_media",
    "Relink media",
    RelinkMediaParams,
    prepare=scan,
    changes="where the project's media files are",
)
def relink_media(project: Project, p: RelinkMediaParams, ctx: ActionContext) -> Plan:
    """Find media that moved in a folder (by name, then by content for renamed copies) and point the project
    at the files found; files whose name matches but whose content differs are reported, not linked."""
    index: FolderIndex = ctx.prepared
    wanted = p.media_ids if p.media_ids is not None else _missing(project, ctx)
    commands: list[Command] = []
    relinked: dict[str, str] = {}
    not_found: dict[str, str] = {}
    for media_id in wanted:
        media = lookup.media(project, media_id)
        named = index.by_name.get(Path(media.path).name.lower(), [])
        found = _same_content(media, named, ctx) or _same_content(
            media, [c for c in index.by_size.get(media.info.size_bytes, []) if c not in named], ctx
        )
        if found is None:
            not_found[media_id] = (
                "a file with its name has other content" if named else "no file with its name or content"
            )
            continue
        stat = found.stat()
        commands.append(
            RelinkMedia(media=media.model_copy(update={"path": str(found), "mtime_ns": stat.st_mtime_ns}))
        )
        relinked[media_id] = str(found)
    if index.truncated:
        not_found = {k: f"{v} (searched the first {MAX_SCANNED} files only)" for k, v in not_found.items()}
    return Plan(
        commands,
        created={"relinked": relinked, "not_found": not_found},
        title=None if len(commands) <= 1 else f"Relink {len(commands)} media files",
    )
