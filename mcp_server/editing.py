"""Timeline edits for the tools: each function turns flat, model-friendly arguments into engine commands,
applies them through the project's `Editor` and returns the changed elements with the new revision."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any, Literal

from kijkocut.edit.commands import (
    AddElement,
    AddTrack,
    AddTransition,
    Command,
    MoveElement,
    RemoveElement,
    RippleDelete,
    SetProperties,
    Split,
    Trim,
)
from kijkocut.edit.editor import EditResult
from kijkocut.model import ClipElement, Project, TextElement, TextStyle, Track, TrackKind, new_id
from mcp_server.errors import NotFoundError, ServiceError
from mcp_server.projects import ProjectStore, frame_time
from mcp_server.schemas import EditOutcome
from mcp_server.views import edit_outcome

PlaceMode = Literal["overwrite", "insert", "strict"]
STILL_DEFAULT_SECONDS = Fraction(5)


def _track_for(project: Project, track_id: str | None, kinds: tuple[TrackKind, ...]) -> Track | None:
    if track_id is not None:
        try:
            return project.track(track_id)
        except KeyError:
            known = ", ".join(f"{t.id} ({t.kind})" for t in project.tracks) or "none yet"
            raise NotFoundError(f"unknown track {track_id!r}; tracks: {known}") from None
    return next((t for t in project.tracks if t.kind in kinds), None)


def _ensure_track(project: Project, track_id: str | None, kinds: tuple[TrackKind, ...],
                  pending: list[Command]) -> str:
    """The named track, else the first of a fitting kind, else a new one (queued in `pending`)."""
    track = _track_for(project, track_id, kinds)
    if track is not None:
        return track.id
    new_track = AddTrack(kind=kinds[0], track_id=new_id("trk"))
    pending.append(new_track)
    return new_track.track_id or ""


def _run(store: ProjectStore, project_id: str, build) -> EditOutcome:
    """Build the commands from the locked project, apply them in order, fold the results."""
    with store.edit(project_id) as editor:
        commands: list[Command] = build(editor.project)
        results: list[EditResult] = [editor.apply(command) for command in commands]
        return edit_outcome(editor.project, results)


def add_track(store: ProjectStore, project_id: str, kind: TrackKind, name: str = "") -> EditOutcome:
    return _run(store, project_id, lambda p: [AddTrack(kind=kind, name=name, track_id=new_id("trk"))])


def add_clip(store: ProjectStore, project_id: str, media_id: str, *, track_id: str | None = None,
             start: float | None = None, source_in: float = 0.0, duration: float | None = None,
             mode: PlaceMode = "overwrite") -> EditOutcome:
    def build(project: Project) -> list[Command]:
        media = project.media.get(media_id)
        if media is None:
            known = ", ".join(project.media) or "none; import media first"
            raise NotFoundError(f"unknown media {media_id!r} in project {project_id} (media: {known})")
        kinds: tuple[TrackKind, ...] = ("audio",) if media.info.kind == "audio" else ("video", "overlay")
        commands: list[Command] = []
        target = _ensure_track(project, track_id, kinds, commands)
        existing = _track_for(project, target, kinds) if not commands else None
        source = frame_time(project, source_in)
        if duration is not None:
            length = frame_time(project, duration)
        elif media.info.duration is None:
            length = STILL_DEFAULT_SECONDS
        else:
            # Round down: a rounded-up last frame would run past the end of the media.
            rate = project.settings.frame_rate
            length = Fraction(math.floor((media.info.duration - source) * rate)) / rate
            if length <= 0:
                raise ServiceError(f"source_in {source_in} s is past the end of {media_id} "
                                   f"({float(media.info.duration):.3f} s)")
        if start is None:  # append after the last element of the track
            at = max((e.end for e in existing.elements), default=Fraction(0)) if existing else Fraction(0)
        else:
            at = frame_time(project, start)
        element = ClipElement(media_id=media_id, start=at, duration=length, source_in=source,
                              name=media.name, id=new_id("clip"))
        return [*commands, AddElement(track_id=target, element=element, mode=mode)]

    return _run(store, project_id, build)


def add_text(store: ProjectStore, project_id: str, text: str, *, start: float, duration: float,
             track_id: str | None = None, size: int = 64, color: str = "#ffffff", x: float | None = None,
             y: float | None = None, fade_in: float = 0.0, fade_out: float = 0.0) -> EditOutcome:
    def build(project: Project) -> list[Command]:
        commands: list[Command] = []
        target = _ensure_track(project, track_id, ("text", "overlay"), commands)
        try:
            style = TextStyle(size=size, color=color, x=x, y=y)
        except ValueError as exc:
            raise ServiceError(f"invalid text style: {exc}") from None
        element = TextElement(text=text, start=frame_time(project, start), duration=frame_time(project, duration),
                              fade_in=frame_time(project, fade_in), fade_out=frame_time(project, fade_out),
                              style=style, id=new_id("text"))
        return [*commands, AddElement(track_id=target, element=element, mode="overwrite")]

    return _run(store, project_id, build)


def move(store: ProjectStore, project_id: str, element_id: str, start: float, *, track_id: str | None = None,
         mode: PlaceMode = "overwrite") -> EditOutcome:
    return _run(store, project_id, lambda p: [MoveElement(element_id=element_id, start=frame_time(p, start),
                                                          track_id=track_id, mode=mode)])


def trim(store: ProjectStore, project_id: str, element_id: str, edge: Literal["start", "end"],
         to: float) -> EditOutcome:
    return _run(store, project_id, lambda p: [Trim(element_id=element_id, edge=edge, to=frame_time(p, to))])


def split(store: ProjectStore, project_id: str, element_id: str, at: float) -> EditOutcome:
    return _run(store, project_id, lambda p: [Split(element_id=element_id, at=frame_time(p, at))])


def delete(store: ProjectStore, project_id: str, element_id: str, *, ripple: bool = True,
           all_tracks: bool = False) -> EditOutcome:
    def build(project: Project) -> list[Command]:
        if ripple:
            return [RippleDelete(element_id=element_id, all_tracks=all_tracks)]
        return [RemoveElement(element_id=element_id)]

    return _run(store, project_id, build)


def add_transition(store: ProjectStore, project_id: str, from_id: str, to_id: str, *, duration: float = 1.0,
                   alignment: Literal["center", "start", "end"] = "center") -> EditOutcome:
    return _run(store, project_id, lambda p: [AddTransition(from_id=from_id, to_id=to_id, alignment=alignment,
                                                            duration=frame_time(p, duration))])


def parse_value(text: str) -> Any:
    """A property value from a flat string argument: JSON when it parses ('0.5', 'true', '{"x": 3}'),
    otherwise the text itself ('#ff0000', 'Hello')."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def set_property(store: ProjectStore, project_id: str, element_id: str, path: str, value: str) -> EditOutcome:
    """`path` is dotted ('transform.opacity', 'style.color', 'fade_in'); nested dicts merge in the engine."""
    keys = [key for key in path.strip().split(".") if key]
    if not keys:
        raise ServiceError("property must name a field, e.g. 'transform.opacity' or 'style.color'")
    patch: Any = parse_value(value)
    for key in reversed(keys):
        patch = {key: patch}
    return _run(store, project_id, lambda p: [SetProperties(element_id=element_id, properties=patch)])


def undo(store: ProjectStore, project_id: str) -> EditOutcome:
    with store.edit(project_id) as editor:
        return edit_outcome(editor.project, [editor.undo()])


def redo(store: ProjectStore, project_id: str) -> EditOutcome:
    with store.edit(project_id) as editor:
        return edit_outcome(editor.project, [editor.redo()])
