"""Media import: a file, or every media file directly inside a folder (the front end decides which folders a
name may reach: the workspace, ComfyUI's input and output folders...). Files are probed before the project is
locked, referenced where they are (never copied), and not added twice: the same path with the same content is
the media already in the pool. One import is one undo step, however many files it adds."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from kijkocut.edit.commands import AddElement, AddMedia, Command
from kijkocut.errors import KijkoCutError, MediaError, PathNotAllowedError
from kijkocut.media.probe import MEDIA_EXTENSIONS, import_media
from kijkocut.model import ClipElement, MediaRef, Project, new_id
from kijkocut.service import lookup
from kijkocut.service.actions import ActionContext, Params, Plan, action
from kijkocut.service.errors import ServiceError

MAX_IMPORT = 200


@dataclass
class Probed:
    media: list[MediaRef] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path as named, why)


def media_files(folder: Path) -> list[Path]:
    files = [
        p
        for p in sorted(folder.iterdir(), key=lambda p: p.name.lower())
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in MEDIA_EXTENSIONS
    ]
    if len(files) > MAX_IMPORT:
        raise ServiceError(
            f"{folder.name} holds {len(files)} media files; import at most {MAX_IMPORT} at a time "
            f"(name the files, or a smaller folder)"
        )
    return files


class ImportMediaParams(Params):
    path: str | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description=("a media file, or a folder (every media file directly inside is imported)"),
    )
    paths: list[str] = Field(
        default_factory=list,
        max_length=MAX_IMPORT,
        description=("several media files or folders, imported in one step"),
    )
    add_to_timeline: bool = Field(
        False, description="also append the media as clips, one after another (same undo step)"
    )
    track_id: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        None,
        description="with add_to_timeline: the track for the clips; omit for the first video track (audio "
        "track for sound files), created if needed",
    )

    @model_validator(mode="after")
    def _something_named(self) -> ImportMediaParams:
        if not self.named:
            raise ValueError("give path (a media file or a folder) or paths")
        return self

    @property
    def named(self) -> list[str]:
        return [self.path, *self.paths] if self.path else list(self.paths)


def probe_paths(p: ImportMediaParams, ctx: ActionContext) -> Probed:
    probed = Probed()
    for named in p.named:
        target = ctx.path(named)
        for file in media_files(target) if target.is_dir() else [target]:
            shown = named if file == target else f"{named.rstrip('/')}/{file.name}"
            try:
                real = ctx.path(str(file))  # a symlink inside an allowed folder may still point out
                probed.media.append(import_media(real))
            except PathNotAllowedError:
                probed.skipped.append((shown, "links outside the allowed folders"))
            except MediaError as exc:
                probed.skipped.append((shown, exc.problem))
            except KijkoCutError as exc:
                probed.skipped.append((shown, str(exc)))
    if not probed.media and not probed.skipped:
        raise ServiceError(f"no media files there ({', '.join(sorted(MEDIA_EXTENSIONS))})")
    return probed


@action(
    "import_media",
    "Import media",
    ImportMediaParams,
    prepare=probe_paths,
    changes="adds media to the project's pool",
)
def import_media_action(project: Project, p: ImportMediaParams, ctx: ActionContext) -> Plan:
    """Probe files (or every media file in a folder) and add them to the project's media pool. Unreadable
    files are skipped with the reason; media already in the pool (same path and content) is not added twice."""
    probed: Probed = ctx.prepared
    commands: list[Command] = []
    ids: list[str] = []
    pool = dict(project.media)
    for ref in probed.media:
        existing = lookup.pooled(pool, ref)
        if existing is None:
            pool[ref.id] = ref
            commands.append(AddMedia(media=ref))
            existing = ref
        ids.append(existing.id)
    created: dict = {"media_ids": ids, "skipped": probed.skipped}
    if p.add_to_timeline and ids:
        clips = appended_clips(project, [pool[i] for i in ids], p.track_id)
        created["element_ids"] = [c.element.id for c in clips if isinstance(c, AddElement)]
        return Plan([*commands, *clips], created=created, title=f"Import and place {len(ids)} media files")
    return Plan(
        commands, created=created, title=None if len(commands) <= 1 else f"Import {len(commands)} media files"
    )


def appended_clips(project: Project, media: list[MediaRef], track_id: str | None) -> list[Command]:
    """Whole-media clips appended one after another (each on its kind's track), with the tracks they need."""
    tracks: list[Command] = []
    clips: list[Command] = []
    targets: dict[
        str, str
    ] = {}  # element kind -> track, so a track created for the first clip takes the next
    ends: dict[str, Fraction] = {}
    for ref in media:
        kind = lookup.media_element_kind(ref)
        if kind not in targets:
            targets[kind] = lookup.target_track(project, kind, track_id, tracks)
        target = targets[kind]
        at = ends.get(target, lookup.track_end(project, target))
        length = lookup.clip_length(project, ref, Fraction(0))
        clips.append(
            AddElement(
                track_id=target,
                element=ClipElement(
                    media_id=ref.id, start=at, duration=length, name=ref.name, id=new_id("clip")
                ),
            )
        )
        ends[target] = at + length
    return [*tracks, *clips]
