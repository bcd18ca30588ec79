"""Timeline edits for the tools: each function turns flat, model-friendly arguments into engine commands,
applies them through the project's `Editor` and returns the changed elements with the new revision. A file
path an edit brings in (an effect's LUT, a title's font) is confined to the workspace like a media path."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from kijkocut import limits
from kijkocut.edit.commands import (
    AddElement,
    AddTrack,
    AddTransition,
    Batch,
    Command,
    DetachAudio,
    FreezeFrame,
    MoveElement,
    RemoveElement,
    RippleDelete,
    SetProperties,
    SetSpeed,
    Split,
    Trim,
    UpdateTrack,
    UpdateTransition,
)
from kijkocut.edit.editor import Editor, EditResult
from kijkocut.errors import PathNotAllowedError as EnginePathNotAllowedError
from kijkocut.json_input import text_depth, too_deep_message
from kijkocut.model import (
    AdjustmentElement,
    Alignment,
    ClipElement,
    Ducking,
    Project,
    TextElement,
    TextStyle,
    Track,
    TrackKind,
    TransitionKind,
    new_id,
)
from kijkocut.paths import PathPolicy, confine_project_path, project_paths
from mcp_server.errors import NotFoundError, PathNotAllowedError, ServiceError
from mcp_server.projects import ProjectStore, frame_time
from mcp_server.schemas import EditOutcome
from mcp_server.views import edit_outcome
from mcp_server.workspace import Workspace

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


def run_edit(store: ProjectStore, project_id: str, build: Callable[[Project], list[Command]],
             title: str | None = None, **extra: Any) -> EditOutcome:
    """Build the commands from the locked project and apply them as one edit (named `title`, else after its
    commands); `extra` goes into the outcome (e.g. the id of a created effect)."""
    with store.edit(project_id) as editor:
        commands = build(editor.project)
        # Several commands are one Batch: one history entry, so a single project_undo takes a whole tool call
        # back (the track clip_add created and the clip on it), and a failing step leaves nothing behind.
        command = commands[0] if len(commands) == 1 and title is None else Batch(
            title=title or " + ".join(c.label() for c in commands), commands=commands)
        result = apply_confined(editor, command, store.workspace.policy, store.directory(project_id))
        return edit_outcome(editor.project, [result], **extra)


def apply_confined(editor: Editor, command: Command, policy: PathPolicy, project_dir: Path) -> EditResult:
    """Apply a command, then confine every file path it brought into the project, however it came (a tool's
    own argument is already confined; a property_set of a whole effect list or style is caught here). An edit
    that names a file outside the allowed folders is taken back whole, redo steps and revision included."""
    project = editor.project
    known = {path.value for path in project_paths(project)}
    undone, revision = list(project.history.undone), project.revision
    result = editor.apply(command)
    try:
        for path in project_paths(project):
            if path.value not in known:
                confine_project_path(policy, path, project_dir)
    except EnginePathNotAllowedError as exc:
        if project.revision != revision:
            editor.undo()
            project.history.undone[:] = undone
            project.revision = revision
        raise PathNotAllowedError(f"{exc}; name files in the workspace or an allowed media folder") from None
    return result


def add_track(store: ProjectStore, project_id: str, kind: TrackKind, name: str = "") -> EditOutcome:
    return run_edit(store, project_id, lambda p: [AddTrack(kind=kind, name=name, track_id=new_id("trk"))])


def add_clip(store: ProjectStore, project_id: str, media_id: str, *, track_id: str | None = None,
             start: float | None = None, source_in: float = 0.0, duration: float | None = None,
             mode: PlaceMode = "overwrite", new_track: bool = False) -> EditOutcome:
    """With `new_track`, the clip goes on a new track on top (overlay for pictures once a video track exists),
    created in the same undo step."""
    if new_track and track_id is not None:
        raise ServiceError("give track_id or new_track, not both")

    def build(project: Project) -> list[Command]:
        media = project.media.get(media_id)
        if media is None:
            known = ", ".join(project.media) or "none; import media first"
            raise NotFoundError(f"unknown media {media_id!r} in project {project_id} (media: {known})")
        kinds: tuple[TrackKind, ...] = ("audio",) if media.info.kind == "audio" else ("video", "overlay")
        commands: list[Command] = []
        if new_track:
            has_video = any(t.kind == "video" for t in project.tracks)
            kind: TrackKind = "audio" if media.info.kind == "audio" else "overlay" if has_video else "video"
            created = AddTrack(kind=kind, track_id=new_id("trk"))
            commands.append(created)
            target = created.track_id or ""
        else:
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

    return run_edit(store, project_id, build)


def add_text(store: ProjectStore, project_id: str, text: str, *, start: float, duration: float,
             track_id: str | None = None, fade_in: float = 0.0, fade_out: float = 0.0,
             **style: Any) -> EditOutcome:
    """`style`: TextStyle fields (size, color, x, y, weight, stroke_width, box_color, animation_in, ...);
    None values are left at the style's defaults. A font file is stored as its confined real path."""
    if isinstance(style.get("font"), str):
        style["font"] = store.workspace.resolve_font(style["font"])

    def build(project: Project) -> list[Command]:
        commands: list[Command] = []
        target = _ensure_track(project, track_id, ("text", "overlay"), commands)
        given = {name: value for name, value in style.items() if value is not None}
        if "animation_duration" in given:
            given["animation_duration"] = frame_time(project, given["animation_duration"])
        try:
            text_style = TextStyle(**given)
        except ValidationError as exc:
            raise ServiceError("invalid text style: " + "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
        element = TextElement(text=text, start=frame_time(project, start), duration=frame_time(project, duration),
                              fade_in=frame_time(project, fade_in), fade_out=frame_time(project, fade_out),
                              style=text_style, id=new_id("text"))
        return [*commands, AddElement(track_id=target, element=element, mode="overwrite")]

    return run_edit(store, project_id, build)


def add_adjustment(store: ProjectStore, project_id: str, *, start: float, duration: float,
                   track_id: str | None = None) -> EditOutcome:
    def build(project: Project) -> list[Command]:
        commands: list[Command] = []
        target = _ensure_track(project, track_id, ("adjustment",), commands)
        if not commands and project.track(target).kind != "adjustment":
            raise ServiceError(f"track {target} is not an adjustment track; omit track_id to use or create one")
        element = AdjustmentElement(start=frame_time(project, start), duration=frame_time(project, duration),
                                    id=new_id("adj"), name="Adjustment")
        return [*commands, AddElement(track_id=target, element=element, mode="overwrite")]

    return run_edit(store, project_id, build)


def move(store: ProjectStore, project_id: str, element_id: str, start: float, *, track_id: str | None = None,
         mode: PlaceMode = "overwrite") -> EditOutcome:
    return run_edit(store, project_id, lambda p: [MoveElement(element_id=element_id, start=frame_time(p, start),
                                                          track_id=track_id, mode=mode)])


def trim(store: ProjectStore, project_id: str, element_id: str, edge: Literal["start", "end"],
         to: float) -> EditOutcome:
    return run_edit(store, project_id, lambda p: [Trim(element_id=element_id, edge=edge, to=frame_time(p, to))])


def split(store: ProjectStore, project_id: str, element_id: str, at: float) -> EditOutcome:
    return run_edit(store, project_id, lambda p: [Split(element_id=element_id, at=frame_time(p, at))])


def delete(store: ProjectStore, project_id: str, element_id: str, *, ripple: bool = True,
           all_tracks: bool = False) -> EditOutcome:
    def build(project: Project) -> list[Command]:
        if ripple:
            return [RippleDelete(element_id=element_id, all_tracks=all_tracks)]
        return [RemoveElement(element_id=element_id)]

    return run_edit(store, project_id, build)


def add_transition(store: ProjectStore, project_id: str, from_id: str, to_id: str, *, kind: TransitionKind = "crossfade",
                   duration: float = 1.0, alignment: Alignment = "center", audio: bool = True) -> EditOutcome:
    transition_id = new_id("trn")
    return run_edit(store, project_id, lambda p: [AddTransition(
        from_id=from_id, to_id=to_id, kind=kind, alignment=alignment, duration=frame_time(p, duration), audio=audio,
        transition_id=transition_id)], transition_id=transition_id)


def update_transition(store: ProjectStore, project_id: str, transition_id: str, *, kind: TransitionKind | None = None,
                      duration: float | None = None, alignment: Alignment | None = None,
                      audio: bool | None = None) -> EditOutcome:
    return run_edit(store, project_id, lambda p: [UpdateTransition(
        transition_id=transition_id, kind=kind, alignment=alignment, audio=audio,
        duration=None if duration is None else frame_time(p, duration))], transition_id=transition_id)


def update_track(store: ProjectStore, project_id: str, track_id: str, *, ducking_under: str | None = None,
                 ducking_amount_db: float = -12.0, clear_ducking: bool = False, **flags: Any) -> EditOutcome:
    """`flags`: name, muted, solo, hidden, locked (None = unchanged). `ducking_under` names the (voice) track
    that ducks this one."""
    changes = {name: value for name, value in flags.items() if value is not None}
    if ducking_under is not None:
        if clear_ducking:
            raise ServiceError("give ducking_under_track_id or ducking_off, not both")
        changes["ducking"] = Ducking(under_track_id=ducking_under, amount_db=ducking_amount_db)
    if not changes and not clear_ducking:
        raise ServiceError("nothing to change: give name, muted, solo, hidden, locked, ducking_under_track_id or "
                           "ducking_off")
    return run_edit(store, project_id, lambda p: [UpdateTrack(track_id=track_id, clear_ducking=clear_ducking,
                                                              **changes)])


def set_speed(store: ProjectStore, project_id: str, element_id: str, speed: float, *, reverse: bool | None = None,
              preserve_pitch: bool | None = None, ripple: bool = True) -> EditOutcome:
    return run_edit(store, project_id, lambda p: [SetSpeed(element_id=element_id, speed=speed, reverse=reverse,
                                                       preserve_pitch=preserve_pitch, ripple=ripple)])


def freeze_frame(store: ProjectStore, project_id: str, element_id: str, at: float, duration: float) -> EditOutcome:
    return run_edit(store, project_id, lambda p: [FreezeFrame(element_id=element_id, at=frame_time(p, at),
                                                          duration=frame_time(p, duration))])


def detach_audio(store: ProjectStore, project_id: str, element_id: str, track_id: str | None = None) -> EditOutcome:
    def build(project: Project) -> list[Command]:
        if track_id is not None:
            _track_for(project, track_id, ("audio",))  # an unknown id is named with the list of tracks
        return [DetachAudio(element_id=element_id, track_id=track_id)]

    return run_edit(store, project_id, build)


def parse_value(text: str) -> Any:
    """A property value from a flat string argument: JSON when it parses ('0.5', 'true', '{"x": 3}'),
    otherwise the text itself ('#ff0000', 'Hello'). Nesting is checked first: the parser recurses."""
    if text_depth(text) > limits.MAX_ARGUMENT_DEPTH:
        raise ServiceError(too_deep_message("value", limits.MAX_ARGUMENT_DEPTH))
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
    patch = _confined_patch(store.workspace, patch)
    return run_edit(store, project_id, lambda p: [SetProperties(element_id=element_id, properties=patch)])


def _confined_patch(workspace: Workspace, patch: dict[str, Any]) -> dict[str, Any]:
    """The file paths a property value may carry, confined and made real like the tools' own path arguments:
    a style's font and the file parameters of a replacement effect list. Whatever else names a file is caught
    after the edit (`apply_confined`)."""
    style = patch.get("style")
    if isinstance(style, dict) and isinstance(style.get("font"), str):
        patch["style"] = {**style, "font": workspace.resolve_font(style["font"])}
    effects = patch.get("effects")
    if isinstance(effects, list):
        patch["effects"] = [{**e, "params": workspace.resolve_effect_params(e.get("kind"), e["params"])}
                            if isinstance(e, dict) and isinstance(e.get("params"), dict) else e for e in effects]
    return patch


def undo(store: ProjectStore, project_id: str) -> EditOutcome:
    with store.edit(project_id) as editor:
        return edit_outcome(editor.project, [editor.undo()])


def redo(store: ProjectStore, project_id: str) -> EditOutcome:
    with store.edit(project_id) as editor:
        return edit_outcome(editor.project, [editor.redo()])
