"""Timeline actions: tracks, clips, titles, adjustment layers, moving, trimming, splitting, deleting,
transitions, properties, speed, freeze frames, detached audio and markers. Each is declared once (see
`actions`); times accept every notation of `times` and land on the project's frame grid."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, create_model

from kijkocut import limits
from kijkocut.edit.commands import (
    AddElement,
    AddMarker,
    AddMedia,
    AddTrack,
    AddTransition,
    Command,
    DetachAudio,
    FreezeFrame,
    MoveElement,
    MoveTrack,
    OverlapCut,
    RemoveElement,
    RemoveMarker,
    RippleDelete,
    SetProperties,
    SetSpeed,
    Slip,
    Split,
    Trim,
    UpdateTrack,
    UpdateTransition,
)
from kijkocut.effects.catalog import EFFECTS
from kijkocut.json_input import text_depth, too_deep_message
from kijkocut.model import (
    AdjustmentElement,
    Alignment,
    ClipElement,
    Ducking,
    MediaRef,
    Project,
    TextElement,
    TextStyle,
    TrackKind,
    Transition,
    TransitionKind,
    new_id,
)
from kijkocut.service import lookup
from kijkocut.service.actions import ActionContext, Params, Plan, action
from kijkocut.service.effects import confined_params
from kijkocut.service.errors import ServiceError
from kijkocut.service.times import TimeArg, parse_duration, parse_time
from kijkocut.service.transition_fit import FIT_HELP, Fit, FitPlan, plan_fit
from kijkocut.timebase import seconds_text
from kijkocut.validation_messages import describe_validation_error

PlaceMode = Literal["overwrite", "insert", "strict"]
Id = Annotated[str, Field(min_length=1, max_length=64)]

MODE_HELP = "overwrite, insert (push later elements right) or strict (fail on overlap)"
CREATE_TRACK_HELP = "create track_id if it does not exist"
ALL_TRACKS_HELP = "with an overlap: move the other unlocked tracks left too, in sync"


def _time(project: Project, value: str, what: str) -> Fraction:
    return parse_time(value, project.settings.frame_rate, what=what)


def _length(project: Project, value: str, what: str = "duration") -> Fraction:
    return parse_duration(value, project.settings.frame_rate, what=what)


# --- tracks -----------------------------------------------------------------------------------------------


class AddTrackParams(Params):
    kind: TrackKind = Field(
        description="overlay = picture-in-picture layer above video; adjustment = holds "
        "adjustment layers whose effects change everything beneath"
    )
    name: str = Field("", max_length=120)
    track_id: Id | None = Field(
        None, description="an id to refer to the track by (e.g. 'V2'); omit for a new one"
    )


@action("add_track", "Add track", AddTrackParams, changes="adds a track on top of the others")
def add_track(project: Project, p: AddTrackParams, ctx: ActionContext) -> Plan:
    """Add a track on top of the others. Adding a clip or a title creates a fitting track when none exists."""
    command = AddTrack(kind=p.kind, name=p.name, track_id=p.track_id or new_id("trk"))
    return Plan([command], created={"track_id": command.track_id or ""})


class UpdateTrackParams(Params):
    track_id: Id
    name: str | None = Field(None, max_length=120)
    muted: bool | None = None
    solo: bool | None = None
    hidden: bool | None = None
    locked: bool | None = None
    ducking_under_track_id: Id | None = Field(
        None, description="duck this track while that (voice) track is audible"
    )
    ducking_amount_db: float = Field(-12.0, ge=-60, le=0)
    ducking_threshold_db: float = Field(
        -40.0, ge=-90, le=0, description="voice level that starts the ducking"
    )
    ducking_off: bool = False


@action(
    "update_track",
    "Change track",
    UpdateTrackParams,
    needs="an existing track",
    changes="the track's name, mute, solo, hidden, lock or ducking",
)
def update_track(project: Project, p: UpdateTrackParams, ctx: ActionContext) -> list[Command]:
    """Rename, mute, solo, hide or lock a track, or duck it under a voice track."""
    lookup.find_track(project, p.track_id)
    changes: dict[str, Any] = {
        name: getattr(p, name)
        for name in ("name", "muted", "solo", "hidden", "locked")
        if getattr(p, name) is not None
    }
    if p.ducking_under_track_id is not None:
        if p.ducking_off:
            raise ServiceError("give ducking_under_track_id or ducking_off, not both")
        lookup.find_track(project, p.ducking_under_track_id)
        if p.ducking_under_track_id == p.track_id:
            raise ServiceError(f"track {p.track_id} cannot duck under itself")
        changes["ducking"] = Ducking(
            under_track_id=p.ducking_under_track_id,
            amount_db=p.ducking_amount_db,
            threshold_db=p.ducking_threshold_db,
        )
    if not changes and not p.ducking_off:
        raise ServiceError(
            "nothing to change: give name, muted, solo, hidden, locked, ducking_under_track_id or ducking_off"
        )
    return [UpdateTrack(track_id=p.track_id, clear_ducking=p.ducking_off, **changes)]


class ReorderTrackParams(Params):
    track_id: Id
    index: int = Field(
        ge=0,
        le=10_000,
        description="the track's new place among the tracks: 0 is the first (composited first, under the "
        "others); past the last track means last",
    )


@action(
    "reorder_track",
    "Reorder track",
    ReorderTrackParams,
    needs="an existing track",
    changes="the order of the tracks (which one is drawn over which)",
)
def reorder_track(project: Project, p: ReorderTrackParams, ctx: ActionContext) -> list[Command]:
    """Move a track to another place in the stack of tracks; its clips go with it."""
    current = project.tracks.index(lookup.find_track(project, p.track_id))
    if current == min(p.index, len(project.tracks) - 1):
        return []  # already there: nothing to record
    return [MoveTrack(track_id=p.track_id, index=p.index)]


# --- clips, titles, adjustment layers -----------------------------------------------------------------------


class AddClipParams(Params):
    media_id: Id | None = Field(
        None,
        description="from the project's media pool (import media first); with "
        "`path`, the id the imported file gets",
    )
    path: str | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description=(
            "a media file to import and place in one step, instead of media_id (the pool's entry is reused when "
            "it holds the same file)"
        ),
    )
    track_id: Id | None = Field(
        None, description="omit: the first video track (audio track for audio files), created if needed"
    )
    track_kind: Literal["video", "overlay", "audio"] | None = Field(
        None, description="kind of a track created for the clip; omit for video (audio for sound files)"
    )
    start: TimeArg | None = Field(
        None,
        description="timeline position; omit to append after the last element "
        "of the track (or after `after_element_id`)",
    )
    after_element_id: Id | None = Field(None, description="place the clip right after this element")
    source_in: TimeArg = Field("0", description="media time where the clip starts")
    duration: TimeArg | None = Field(
        None, description="length; omit for the rest of the media (5 s for images)"
    )
    mode: PlaceMode = Field("overwrite", description=MODE_HELP)
    new_track: bool = Field(
        False, description="put the clip on a new track on top (picture-in-picture overlay)"
    )
    create_track: bool = Field(False, description=CREATE_TRACK_HELP)
    element_id: Id | None = Field(None, description="an id for the new clip; omit for a generated one")
    properties: str | None = Field(
        None,
        max_length=10_000,
        description=(
            'more fields of the new clip as a JSON object, named as set_property names them: {"transform": '
            '{"scale": 0.5, "opacity": 0.8}, "gain_db": -6, "fade_in": 0.5, "audio_muted": true}'
        ),
    )


CLIP_PARAMETERS = frozenset({"id", "kind", "media_id", "start", "duration", "source_in"})


def probe_clip_file(p: AddClipParams, ctx: ActionContext) -> MediaRef | None:
    """A file to import with the clip, probed before the project is locked."""
    from kijkocut.media.probe import import_media

    return None if p.path is None else import_media(ctx.path(p.path), p.media_id)


def _clip_media(project: Project, p: AddClipParams, ctx: ActionContext, pending: list[Command]) -> MediaRef:
    if p.path is None:
        if p.media_id is None:
            raise ServiceError("give media_id (media in the pool) or path (a file to import with the clip)")
        return lookup.media(project, p.media_id)
    probed: MediaRef = ctx.prepared
    existing = lookup.pooled(project.media, probed)
    if existing is not None:
        return existing
    if probed.id in project.media:
        raise ServiceError(f"media id {probed.id!r} is already used by another file of the pool")
    pending.append(AddMedia(media=probed))
    return probed


def _clip_properties(project: Project, text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    fields = parse_value(text)
    if not isinstance(fields, dict):
        raise ServiceError('properties must be a JSON object such as {"gain_db": -6}')
    fixed = sorted(CLIP_PARAMETERS & fields.keys())
    if fixed:
        raise ServiceError(f"give {', '.join(fixed)} as parameters of their own, not in properties")
    return snapped_times(project, fields)


@action(
    "add_clip",
    "Add clip",
    AddClipParams,
    needs="media in the project's pool, or a file to import",
    changes="adds a clip (and the track and media it needs)",
    prepare=probe_clip_file,
)
def add_clip(project: Project, p: AddClipParams, ctx: ActionContext) -> Plan:
    """Put a piece of a media file on the timeline: on a given or new track of the right kind, appended, at a
    time or after an element, inserted or overwriting."""
    pending: list[Command] = []
    media = _clip_media(project, p, ctx, pending)
    target = lookup.target_track(
        project,
        lookup.media_element_kind(media),
        p.track_id,
        pending,
        create=p.create_track,
        new_track=p.new_track,
        kind=p.track_kind,
    )
    source = _time(project, p.source_in, "source_in")
    length = (
        _length(project, p.duration) if p.duration is not None else lookup.clip_length(project, media, source)
    )
    if p.after_element_id is not None:
        if p.start is not None:
            raise ServiceError("give start or after_element_id, not both")
        at = lookup.element(project, p.after_element_id).end
    elif p.start is not None:
        at = _time(project, p.start, "start")
    else:
        at = lookup.track_end(project, target)
    fields = {"name": media.name, **_clip_properties(project, p.properties)}
    try:
        element = ClipElement.model_validate(
            {
                **fields,
                "media_id": media.id,
                "start": at,
                "duration": length,
                "source_in": source,
                "id": p.element_id or new_id("clip"),
            }
        )
    except ValidationError as exc:
        raise ServiceError(f"invalid clip properties: {describe_validation_error(exc)}") from None
    return Plan(
        [*pending, AddElement(track_id=target, element=element, mode=p.mode)],
        created={"element_id": element.id, "track_id": target, "media_id": media.id},
    )


def _style_fields() -> dict[str, Any]:
    """Every TextStyle field as an optional, flat parameter (None keeps the style's default): the action's
    choices are the engine's own."""
    fields: dict[str, Any] = {}
    for name, info in TextStyle.model_fields.items():
        # The field's constraints (a size's range) come along, so every front end publishes them.
        constrained = (info.annotation, *info.metadata)  # a tuple apart: mypy reads X[(a, *b)] as 3.11 syntax
        annotation = Annotated[constrained] if info.metadata else info.annotation
        if name == "animation_duration":
            annotation = TimeArg
        if annotation is None:
            raise TypeError(f"TextStyle.{name} has no type")
        fields[name] = (
            annotation | None,
            Field(None, description=info.description or name.replace("_", " ")),
        )
    return fields


AddTextParams = create_model(  # type: ignore[call-overload]
    "AddTextParams",
    __base__=Params,
    text=(str, Field(min_length=1, max_length=2000)),
    start=(TimeArg, Field(description="timeline position")),
    duration=(TimeArg, Field(description="how long the title shows")),
    track_id=(Id | None, Field(None, description="omit: the first text track, created if needed")),
    create_track=(bool, Field(False, description=CREATE_TRACK_HELP)),
    fade_in=(TimeArg, Field("0")),
    fade_out=(TimeArg, Field("0")),
    mode=(PlaceMode, Field("overwrite", description=MODE_HELP)),
    element_id=(Id | None, Field(None, description="an id for the new title; omit for a generated one")),
    **_style_fields(),
)
STYLE_FIELDS = tuple(TextStyle.model_fields)


@action("add_text", "Add text", AddTextParams, changes="adds a title (and a text track when none exists)")
def add_text(project: Project, p: Any, ctx: ActionContext) -> Plan:
    """Add a title or caption over the video, optionally styled (font, outline, shadow, background box,
    wrapping) and animated in and out (fade, typewriter, slides)."""
    pending: list[Command] = []
    target = lookup.target_track(project, "text", p.track_id, pending, create=p.create_track)
    given = {name: getattr(p, name) for name in STYLE_FIELDS if getattr(p, name) is not None}
    if "font" in given:
        given["font"] = ctx.font(given["font"])
    if "animation_duration" in given:
        given["animation_duration"] = _length(project, given["animation_duration"], "animation_duration")
    try:
        style = TextStyle(**given)
    except ValueError as exc:
        raise ServiceError(f"invalid text style: {exc}") from None
    element = TextElement(
        text=p.text,
        start=_time(project, p.start, "start"),
        duration=_length(project, p.duration),
        fade_in=_time(project, p.fade_in, "fade_in"),
        fade_out=_time(project, p.fade_out, "fade_out"),
        style=style,
        id=p.element_id or new_id("text"),
    )
    return Plan(
        [*pending, AddElement(track_id=target, element=element, mode=p.mode)],
        created={"element_id": element.id, "track_id": target},
    )


class AddAdjustmentParams(Params):
    start: TimeArg
    duration: TimeArg
    track_id: Id | None = Field(
        None, description="omit: the first adjustment track, created on top if needed"
    )


@action(
    "add_adjustment",
    "Add adjustment layer",
    AddAdjustmentParams,
    changes="adds an adjustment layer (and an adjustment track when none exists)",
)
def add_adjustment(project: Project, p: AddAdjustmentParams, ctx: ActionContext) -> Plan:
    """Add an adjustment layer: an empty element whose effects apply to every track beneath it while it
    lasts, e.g. one colour grade over several clips."""
    pending: list[Command] = []
    target = lookup.target_track(project, "adjustment", p.track_id, pending)
    element = AdjustmentElement(
        start=_time(project, p.start, "start"),
        duration=_length(project, p.duration),
        id=new_id("adj"),
        name="Adjustment",
    )
    return Plan(
        [*pending, AddElement(track_id=target, element=element, mode="overwrite")],
        created={"element_id": element.id, "track_id": target},
    )


# --- arranging ------------------------------------------------------------------------------------------------


class MoveParams(Params):
    element_id: Id
    start: TimeArg = Field(description="new timeline start")
    track_id: Id | None = Field(None, description="destination track; omit to stay on the same one")
    mode: PlaceMode = Field("overwrite", description=MODE_HELP)


@action(
    "move_element", "Move element", MoveParams, needs="an unlocked track", changes="the element's start/track"
)
def move_element(project: Project, p: MoveParams, ctx: ActionContext) -> list[Command]:
    """Move an element to a new start time, optionally onto another track."""
    lookup.element(project, p.element_id)
    if p.track_id is not None:
        lookup.find_track(project, p.track_id)
    return [
        MoveElement(
            element_id=p.element_id, start=_time(project, p.start, "start"), track_id=p.track_id, mode=p.mode
        )
    ]


class TrimParams(Params):
    element_id: Id
    edge: Literal["start", "end"] = Field(description="which edge to move")
    to: TimeArg = Field(description="new timeline time of that edge")


@action("trim_element", "Trim element", TrimParams, changes="one edge of the element")
def trim_element(project: Project, p: TrimParams, ctx: ActionContext) -> list[Command]:
    """Trim (or extend) an element's start or end edge; the other edge stays where it is."""
    lookup.element(project, p.element_id)
    return [Trim(element_id=p.element_id, edge=p.edge, to=_time(project, p.to, "to"))]


class SlipParams(Params):
    element_id: Id
    source_in: TimeArg = Field(
        description="the new start of the part of the media the clip shows (media time); the clip keeps its "
        "place and length on the timeline"
    )


@action(
    "slip_element",
    "Slip clip",
    SlipParams,
    needs="a media clip with room in its source",
    changes="which part of the media the clip shows",
)
def slip_element(project: Project, p: SlipParams, ctx: ActionContext) -> list[Command]:
    """Show another part of a clip's media in the same place and length on the timeline (slip)."""
    element = lookup.element(project, p.element_id)
    if not isinstance(element, ClipElement):
        raise ServiceError(f"{element.id} is a {element.kind} element; only media clips slip")
    media = project.media[element.media_id]
    if media.info.duration is None:
        raise ServiceError(
            f"{element.id} shows a still image ({media.name or media.id}): there is nothing to slip"
        )
    source_in = _time(project, p.source_in, "source_in")
    latest = media.info.duration - element.source_span
    if source_in < 0 or source_in > latest:
        raise ServiceError(
            f"source_in of {element.id} must lie between 0 and {seconds_text(max(latest, Fraction(0)))} "
            f"({media.name or media.id} lasts {seconds_text(media.info.duration)}, the clip uses "
            f"{seconds_text(element.source_span)} of it), got {seconds_text(source_in)}"
        )
    if source_in == element.source_in:
        return []  # already there: nothing to record
    return [Slip(element_id=element.id, delta=source_in - element.source_in)]


class SplitParams(Params):
    element_id: Id
    at: TimeArg = Field(description="timeline time strictly inside the element")


@action("split_element", "Split element", SplitParams, changes="cuts the element in two")
def split_element(project: Project, p: SplitParams, ctx: ActionContext) -> list[Command]:
    """Cut an element in two at a timeline time."""
    lookup.element(project, p.element_id)
    return [Split(element_id=p.element_id, at=_time(project, p.at, "at"))]


class SplitAtParams(Params):
    at: TimeArg = Field(description="timeline time of the cut")
    track_id: Id | None = Field(None, description="cut on this track only; omit for every unlocked track")


@action("split_at", "Split at time", SplitAtParams, changes="cuts every element under the time in two")
def split_at(project: Project, p: SplitAtParams, ctx: ActionContext) -> list[Command]:
    """Cut every element under a timeline time in two, on one track or across all unlocked tracks (a blade
    through the whole timeline)."""
    at = _time(project, p.at, "at")
    if p.track_id:
        tracks = [lookup.find_track(project, p.track_id)]
    else:
        tracks = [track for track in project.tracks if not track.locked]
    targets = [e for track in tracks for e in track.elements if e.start < at < e.end]
    if not targets:
        where = f"track {p.track_id}" if p.track_id else "any unlocked track"
        raise ServiceError(f"nothing to split: no element on {where} spans {float(at):.3f} s")
    return [Split(element_id=e.id, at=at) for e in targets]


class DeleteParams(Params):
    element_id: Id
    ripple: bool = Field(True, description="close the gap by pulling later elements left")
    all_tracks: bool = Field(False, description="with ripple: shift the other tracks too")


@action("delete_element", "Delete element", DeleteParams, changes="removes the element (and closes the gap)")
def delete_element(project: Project, p: DeleteParams, ctx: ActionContext) -> list[Command]:
    """Remove an element from the timeline (ripple delete by default)."""
    lookup.element(project, p.element_id)
    if p.ripple:
        return [RippleDelete(element_id=p.element_id, all_tracks=p.all_tracks)]
    return [RemoveElement(element_id=p.element_id)]


# --- transitions ----------------------------------------------------------------------------------------------


class AddTransitionParams(Params):
    from_element_id: Id
    to_element_id: Id = Field(description="the element that starts where the first ends")
    kind: TransitionKind = "crossfade"
    duration: TimeArg = Field("1", description="length of the transition")
    alignment: Alignment = Field("center", description="centred on the cut, starting at it, or ending at it")
    audio: bool = Field(True, description="crossfade the sound too (false: hard audio cut)")
    fit: Fit = Field("auto", description=FIT_HELP)
    all_tracks: bool = Field(False, description=ALL_TRACKS_HELP)


def _fit_outcome(plan: FitPlan, transition_id: str) -> dict[str, Any]:
    """What the action did: the transition, how it fits, and how much shorter an overlap made the track."""
    created: dict[str, Any] = {"transition_id": transition_id, "fit": plan.fit}
    if plan.shortened_by:
        created["shortened_by"] = float(plan.shortened_by)
    return created


def _overlap(
    p: AddTransitionParams | UpdateTransitionParams, plan: FitPlan, from_id: str, to_id: str
) -> list[Command]:
    if not plan.shortened_by:
        return []
    return [
        OverlapCut(
            from_id=from_id,
            to_id=to_id,
            before=plan.trim_incoming,
            after=plan.trim_outgoing,
            all_tracks=p.all_tracks,
        )
    ]


@action(
    "add_transition",
    "Add transition",
    AddTransitionParams,
    needs="two elements that meet at a cut",
    changes="adds (or replaces) the transition at the cut; an overlap trims both clips and moves later "
    "elements left",
)
def add_transition(project: Project, p: AddTransitionParams, ctx: ActionContext) -> Plan:
    """Blend two clips that meet at a cut on the same track (crossfade, dips, wipes, slides, pushes, zooms,
    iris, blur dissolve); `fit` says what shows past the clips' edges."""
    left, right = lookup.element(project, p.from_element_id), lookup.element(project, p.to_element_id)
    wanted = Transition(
        id=new_id("trn"),
        kind=p.kind,
        from_id=left.id,
        to_id=right.id,
        alignment=p.alignment,
        duration=_length(project, p.duration),
        audio=p.audio,
    )
    plan = plan_fit(project, left, right, wanted, p.fit)
    add = AddTransition(
        from_id=left.id,
        to_id=right.id,
        kind=wanted.kind,
        alignment=wanted.alignment,
        duration=wanted.duration,
        audio=wanted.audio,
        handles=plan.handles,
        transition_id=wanted.id,
    )
    title = f"{add.label()} ({plan.fit})" if plan.fit != "media" else None
    return Plan(
        [*_overlap(p, plan, left.id, right.id), add], created=_fit_outcome(plan, wanted.id), title=title
    )


class UpdateTransitionParams(Params):
    transition_id: Id
    kind: TransitionKind | None = Field(None, description="new kind; omit to keep")
    duration: TimeArg | None = Field(None, description="new length; omit to keep")
    alignment: Alignment | None = None
    audio: bool | None = Field(None, description="crossfade the sound too; omit to keep")
    fit: Fit = Field("auto", description=FIT_HELP + "; 'auto' keeps a holding transition holding")
    all_tracks: bool = Field(False, description=ALL_TRACKS_HELP)


@action(
    "update_transition",
    "Change transition",
    UpdateTransitionParams,
    changes="the transition; an overlap for a longer one trims both clips and moves later elements left",
)
def update_transition(project: Project, p: UpdateTransitionParams, ctx: ActionContext) -> Plan:
    """Change a transition's kind, duration, alignment, audio crossfade or how it fits the clips' media."""
    _, current = lookup.transition(project, p.transition_id)
    left, right = lookup.element(project, current.from_id), lookup.element(project, current.to_id)
    changes: dict[str, Any] = {
        key: getattr(p, key) for key in ("kind", "alignment", "audio") if getattr(p, key) is not None
    }
    if p.duration is not None:
        changes["duration"] = _length(project, p.duration)
    plan = plan_fit(project, left, right, current.model_copy(update=changes), p.fit, current)
    if plan.handles != current.handles:
        changes["handles"] = plan.handles
    update = UpdateTransition(transition_id=p.transition_id, **changes)
    title = f"{update.label()} ({plan.fit})" if plan.shortened_by else None
    return Plan(
        [*_overlap(p, plan, left.id, right.id), update],
        created=_fit_outcome(plan, p.transition_id),
        title=title,
    )


# --- properties, speed, freeze, audio, markers ------------------------------------------------------------


def parse_value(text: str) -> Any:
    """A property value from a flat text argument: JSON when it parses ('0.5', 'true', '{"x": 3}'), otherwise
    the text itself ('#ff0000', 'Hello'). Nesting is checked before parsing: the parser recurses."""
    if text_depth(text) > limits.MAX_ARGUMENT_DEPTH:
        raise ServiceError(too_deep_message("value", limits.MAX_ARGUMENT_DEPTH))
    try:
        return json.loads(text)
    except ValueError:
        return text


def confined_patch(patch: dict[str, Any], ctx: ActionContext) -> dict[str, Any]:
    """The file paths a property value carries (a style's font, the file parameters of a replacement effect
    list) confined like an action's own path parameters and stored as real paths."""
    style = patch.get("style")
    if isinstance(style, dict) and isinstance(style.get("font"), str):
        patch = {**patch, "style": {**style, "font": ctx.font(style["font"])}}
    effects = patch.get("effects")
    if isinstance(effects, list) and ctx.resolve_path is not None:
        patch = {
            **patch,
            "effects": [
                {**e, "params": confined_params(e["kind"], e["params"], ctx)}
                if isinstance(e, dict) and e.get("kind") in EFFECTS and isinstance(e.get("params"), dict)
                else e
                for e in effects
            ],
        }
    return patch


TIME_FIELDS = frozenset({"fade_in", "fade_out", "animation_duration"})


def snapped_times(project: Project, patch: dict[str, Any]) -> dict[str, Any]:
    """A property patch with its time fields at any depth (a title's style.animation_duration too) on the
    frame grid."""

    def snap(key: str, value: Any) -> Any:
        if isinstance(value, dict):
            return snapped_times(project, value)
        if key in TIME_FIELDS and isinstance(value, (int, float, str)) and not isinstance(value, bool):
            return str(_time(project, str(value), key))
        return value

    return {key: snap(key, value) for key, value in patch.items()}


class SetPropertyParams(Params):
    element_id: Id
    property: str = Field(
        min_length=1,
        max_length=100,
        description=(
            "dotted field name: fade_in, fade_out, name, blend_mode; clips: transform.x/y/scale/rotation/opacity/"
            "fit, transform.crop.left/top/right/bottom, gain_db, pan, audio_muted; titles: text, style.<field>"
        ),
    )
    value: str = Field(max_length=10_000, description="the new value: a number, true/false, text, or JSON")


@action("set_property", "Set property", SetPropertyParams, changes="one field of the element")
def set_property(project: Project, p: SetPropertyParams, ctx: ActionContext) -> list[Command]:
    """Set any field of an element by its dotted name (nested objects merge)."""
    lookup.element(project, p.element_id)
    keys = [key for key in p.property.strip().split(".") if key]
    if not keys:
        raise ServiceError("property must name a field, e.g. 'transform.opacity' or 'style.color'")
    patch: Any = parse_value(p.value)
    for key in reversed(keys):
        patch = {key: patch}
    return [
        SetProperties(element_id=p.element_id, properties=snapped_times(project, confined_patch(patch, ctx)))
    ]


class SetSpeedParams(Params):
    element_id: Id
    speed: float = Field(ge=0.1, le=10, description="0.5 = half speed, 2 = double")
    reverse: bool | None = Field(None, description="play backwards; omit to keep")
    preserve_pitch: bool | None = Field(None, description="keep the voice's pitch; omit to keep")
    ripple: bool = Field(True, description="move later elements with the new length")


@action("set_speed", "Set speed", SetSpeedParams, changes="the clip's speed and length")
def set_speed(project: Project, p: SetSpeedParams, ctx: ActionContext) -> list[Command]:
    """Change a clip's playback speed (0.1x to 10x), reverse it, keep or release the pitch."""
    lookup.element(project, p.element_id)
    return [
        SetSpeed(
            element_id=p.element_id,
            speed=p.speed,
            reverse=p.reverse,
            preserve_pitch=p.preserve_pitch,
            ripple=p.ripple,
        )
    ]


class FreezeFrameParams(Params):
    element_id: Id
    at: TimeArg = Field(description="timeline time of the frame to hold")
    duration: TimeArg = Field("2", description="how long to hold it")
    frozen_id: Id | None = Field(None, description="an id for the held frame; omit for a generated one")


@action(
    "freeze_frame", "Freeze frame", FreezeFrameParams, changes="inserts a held frame, later clips move right"
)
def freeze_frame(project: Project, p: FreezeFrameParams, ctx: ActionContext) -> Plan:
    """Hold one frame of a clip: the clip is split there and the held frame inserted."""
    lookup.element(project, p.element_id)
    frozen_id = p.frozen_id or new_id("frz")
    return Plan(
        [
            FreezeFrame(
                element_id=p.element_id,
                at=_time(project, p.at, "at"),
                duration=_length(project, p.duration),
                frozen_id=frozen_id,
            )
        ],
        created={"element_id": frozen_id},
    )


class DetachAudioParams(Params):
    element_id: Id
    track_id: Id | None = Field(None, description="audio track to receive the sound; omit for a new one")
    create_track: bool = Field(False, description=CREATE_TRACK_HELP)
    sound_id: Id | None = Field(None, description="an id for the sound's clip; omit for a generated one")


@action(
    "detach_audio",
    "Detach audio",
    DetachAudioParams,
    changes="mutes the clip, adds its sound on an audio track",
)
def detach_audio(project: Project, p: DetachAudioParams, ctx: ActionContext) -> Plan:
    """Move a video clip's sound to its own clip on an audio track, so it can be trimmed or moved alone."""
    lookup.element(project, p.element_id)
    pending: list[Command] = []
    if p.track_id is not None:
        lookup.target_track(project, "audio", p.track_id, pending, create=p.create_track)
    sound_id = p.sound_id or new_id("snd")
    return Plan(
        [*pending, DetachAudio(element_id=p.element_id, track_id=p.track_id, sound_id=sound_id)],
        created={"element_id": sound_id},
    )


class AddMarkerParams(Params):
    time: TimeArg
    name: str = Field("", max_length=200)
    color: str = Field("#ffcc00", pattern=r"^#[0-9a-fA-F]{6}$")


@action("add_marker", "Add marker", AddMarkerParams, changes="adds a marker")
def add_marker(project: Project, p: AddMarkerParams, ctx: ActionContext) -> Plan:
    """Mark a moment on the timeline (for snapping and notes)."""
    marker_id = new_id("mrk")
    return Plan(
        [AddMarker(time=_time(project, p.time, "time"), name=p.name, color=p.color, marker_id=marker_id)],
        created={"marker_id": marker_id},
    )


class MoveMarkerParams(Params):
    marker_id: Id
    time: TimeArg = Field(description="the marker's new time")


@action(
    "move_marker", "Move marker", MoveMarkerParams, needs="an existing marker", changes="the marker's time"
)
def move_marker(project: Project, p: MoveMarkerParams, ctx: ActionContext) -> list[Command]:
    """Move a marker to another time; it keeps its id, name and colour."""
    marker = next((m for m in project.markers if m.id == p.marker_id), None)
    if marker is None:
        raise lookup.NotFoundError(f"unknown marker {p.marker_id!r}")
    time = _time(project, p.time, "time")
    if time < 0:
        raise ServiceError(f"a marker's time cannot be negative, got {seconds_text(time)}")
    if time == marker.time:
        return []  # already there: nothing to record
    # The engine has no move: the marker is taken out and put back at the new time, one undo step.
    return [
        RemoveMarker(marker_id=marker.id),
        AddMarker(time=time, name=marker.name, color=marker.color, marker_id=marker.id),
    ]


class RemoveMarkerParams(Params):
    marker_id: Id


@action("remove_marker", "Remove marker", RemoveMarkerParams, changes="removes the marker")
def remove_marker(project: Project, p: RemoveMarkerParams, ctx: ActionContext) -> list[Command]:
    """Remove a marker."""
    if not any(m.id == p.marker_id for m in project.markers):
        raise lookup.NotFoundError(f"unknown marker {p.marker_id!r}")
    return [RemoveMarker(marker_id=p.marker_id)]
