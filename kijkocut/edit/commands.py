"""Edit commands: small serializable objects (an `op` and its parameters) that mutate a scratch copy of the
project. The `Editor` runs them, diffs the result into entity changes and records those for undo/redo."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kijkocut.animation import Keyframe
from kijkocut.edit import placement
from kijkocut.errors import EditError
from kijkocut.model import (
    Alignment,
    Ducking,
    Effect,
    Element,
    Marker,
    MediaRef,
    Project,
    ProjectSettings,
    Track,
    TrackKind,
    Transform,
    Transition,
    TransitionHandles,
    TransitionKind,
    new_id,
)
from kijkocut.timebase import Time
from kijkocut.validation_messages import describe_validation_error

PlaceMode = Literal["overwrite", "insert", "strict"]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: str
    # What the history shows; formatted with the command's fields.
    label_template: ClassVar[str] = "{op}"

    def label(self) -> str:
        return self.label_template.format(**self.__dict__)

    def run(self, project: Project) -> list[str]:
        """Mutate the scratch project; return the ids of the elements this command touched."""
        raise NotImplementedError


def _track(project: Project, track_id: str) -> Track:
    try:
        return project.track(track_id)
    except KeyError:
        known = ", ".join(t.id for t in project.tracks) or "none"
        raise EditError(f"unknown track {track_id!r} (tracks: {known})") from None


def _locate(project: Project, element_id: str):
    try:
        track, index = project.find_element(element_id)
    except KeyError:
        raise EditError(f"unknown element {element_id!r}") from None
    return track, track.elements[index]


def _new_element_id(project: Project, wanted: str | None, kind: str = "clip") -> str:
    """`wanted` when given and free (front ends pass ids they can refer to later); otherwise a fresh one."""
    if not wanted:
        return new_id(kind)
    if any(e.id == wanted for t in project.tracks for e in t.elements):
        raise EditError(f"element id {wanted!r} already exists")
    return wanted


def _place(project: Project, track: Track, element, mode: PlaceMode, ripple_all_tracks: bool) -> None:
    if mode == "insert":
        for other in placement.tracks_for_ripple(project, track, ripple_all_tracks):
            placement.open_gap(other, element.start, element.duration, keep_id=element.id)
    elif mode == "overwrite":
        placement.clear_range(track, element.start, element.end, keep_id=element.id)
    placement.set_elements(track, [e for e in track.elements if e.id != element.id] + [element])


# --- tracks ---------------------------------------------------------------------------------------------


class AddTrack(Command):
    op: Literal["add_track"] = "add_track"
    kind: TrackKind
    name: str = ""
    index: int | None = Field(None, description="z-order position; None = on top")
    track_id: str | None = None
    label_template: ClassVar[str] = "Add {kind} track"

    def run(self, project: Project) -> list[str]:
        track = Track(id=self.track_id or new_id("trk"), kind=self.kind, name=self.name or self.kind.title())
        if any(t.id == track.id for t in project.tracks):
            raise EditError(f"track id {track.id!r} already exists")
        index = len(project.tracks) if self.index is None else max(0, min(self.index, len(project.tracks)))
        project.tracks = project.tracks[:index] + [track] + project.tracks[index:]
        return []


class RemoveTrack(Command):
    op: Literal["remove_track"] = "remove_track"
    track_id: str
    label_template: ClassVar[str] = "Remove track {track_id}"

    def run(self, project: Project) -> list[str]:
        track = _track(project, self.track_id)
        placement.require_unlocked(track)
        project.tracks = [t for t in project.tracks if t.id != self.track_id]
        return [e.id for e in track.elements]


class UpdateTrack(Command):
    op: Literal["update_track"] = "update_track"
    track_id: str
    name: str | None = None
    muted: bool | None = None
    solo: bool | None = None
    hidden: bool | None = None
    locked: bool | None = None
    ducking: Ducking | None = Field(None, description="lower this track under another; see clear_ducking")
    clear_ducking: bool = False
    label_template: ClassVar[str] = "Update track {track_id}"

    def run(self, project: Project) -> list[str]:
        track = _track(project, self.track_id)
        for key in ("name", "muted", "solo", "hidden", "locked", "ducking"):
            if getattr(self, key) is not None:
                setattr(track, key, getattr(self, key))
        if self.clear_ducking:
            track.ducking = None
        return []


class MoveTrack(Command):
    op: Literal["move_track"] = "move_track"
    track_id: str
    index: int = Field(ge=0)
    label_template: ClassVar[str] = "Move track {track_id}"

    def run(self, project: Project) -> list[str]:
        track = _track(project, self.track_id)
        others = [t for t in project.tracks if t.id != self.track_id]
        index = min(self.index, len(others))
        project.tracks = others[:index] + [track] + others[index:]
        return []


# --- media ----------------------------------------------------------------------------------------------


class AddMedia(Command):
    op: Literal["add_media"] = "add_media"
    media: MediaRef
    label_template: ClassVar[str] = "Import media"

    def run(self, project: Project) -> list[str]:
        if self.media.id in project.media:
            raise EditError(f"media id {self.media.id!r} already exists")
        project.media[self.media.id] = self.media
        return []


class RemoveMedia(Command):
    op: Literal["remove_media"] = "remove_media"
    media_id: str
    label_template: ClassVar[str] = "Remove media {media_id}"

    def run(self, project: Project) -> list[str]:
        if self.media_id not in project.media:
            raise EditError(f"unknown media {self.media_id!r}")
        users = [
            e.id for t in project.tracks for e in t.elements if getattr(e, "media_id", None) == self.media_id
        ]
        if users:
            raise EditError(
                f"media {self.media_id} is used by {', '.join(users)}; remove those elements first"
            )
        del project.media[self.media_id]
        return []


class RelinkMedia(Command):
    """Point a media reference at the file that now holds its media (moved, renamed or on another disk); the
    elements using it keep their places. The new reference keeps the id."""

    op: Literal["relink_media"] = "relink_media"
    media: MediaRef
    label_template: ClassVar[str] = "Relink media"

    def run(self, project: Project) -> list[str]:
        if self.media.id not in project.media:
            raise EditError(f"unknown media {self.media.id!r}")
        project.media[self.media.id] = self.media
        return []


# --- elements -------------------------------------------------------------------------------------------


class AddElement(Command):
    op: Literal["add_element"] = "add_element"
    track_id: str
    element: Element
    mode: PlaceMode = Field(
        "overwrite",
        description="overwrite what is there, insert (push later elements right) or strict (fail on overlap)",
    )
    ripple_all_tracks: bool = False
    label_template: ClassVar[str] = "Add element"

    def run(self, project: Project) -> list[str]:
        track = _track(project, self.track_id)
        placement.require_unlocked(track)
        element = self.element.model_copy(deep=True)
        element.id = _new_element_id(project, element.id, element.kind)
        _place(project, track, element, self.mode, self.ripple_all_tracks)
        return [element.id]


class AddElements(Command):
    """Many elements onto one track in one step, where none of them may overlap another (a caption import).
    One pass for the ids and one sort, where a run of AddElement commands would rescan the track per element
    (quadratic: 16,000 captions took minutes); overlaps fail the editor's validation as with mode="strict"."""

    op: Literal["add_elements"] = "add_elements"
    track_id: str
    elements: list[Element] = Field(min_length=1)
    label_template: ClassVar[str] = "Add elements to {track_id}"

    def run(self, project: Project) -> list[str]:
        track = _track(project, self.track_id)
        placement.require_unlocked(track)
        taken = {e.id for t in project.tracks for e in t.elements}
        added = []
        for element in self.elements:
            element = (
                element.model_copy()
            )  # shallow is enough: commands assign fields, never mutate nested ones
            if not element.id:
                element.id = new_id(element.kind)
            elif element.id in taken:
                raise EditError(f"element id {element.id!r} already exists")
            taken.add(element.id)
            added.append(element)
        placement.set_elements(track, [*track.elements, *added])
        return [element.id for element in added]


class RemoveElement(Command):
    """Lift: remove the element and leave a gap."""

    op: Literal["remove_element"] = "remove_element"
    element_id: str
    label_template: ClassVar[str] = "Remove {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        placement.drop_transitions(track, element.id)
        track.elements = [e for e in track.elements if e.id != element.id]
        return [element.id]


class RippleDelete(Command):
    """Remove the element and pull everything after it left to close the gap."""

    op: Literal["ripple_delete"] = "ripple_delete"
    element_id: str
    all_tracks: bool = False
    label_template: ClassVar[str] = "Ripple delete {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        placement.drop_transitions(track, element.id)
        track.elements = [e for e in track.elements if e.id != element.id]
        for other in placement.tracks_for_ripple(project, track, self.all_tracks):
            placement.close_gap(other, element.end, element.duration)
        return [element.id]


class MoveElement(Command):
    op: Literal["move_element"] = "move_element"
    element_id: str
    start: Time
    track_id: str | None = Field(None, description="destination track; None = same track")
    mode: PlaceMode = "overwrite"
    label_template: ClassVar[str] = "Move {element_id}"

    def run(self, project: Project) -> list[str]:
        source, element = _locate(project, self.element_id)
        target = _track(project, self.track_id) if self.track_id else source
        placement.require_unlocked(source)
        placement.require_unlocked(target)
        if self.start < 0:
            raise EditError(f"cannot move {element.id} to a negative time")
        if self.start == element.start and target is source:
            return [element.id]
        placement.drop_transitions(source, element.id)
        source.elements = [e for e in source.elements if e.id != element.id]
        moved = element.model_copy(update={"start": self.start}, deep=True)
        _place(project, target, moved, self.mode, False)
        return [element.id]


class Split(Command):
    op: Literal["split"] = "split"
    element_id: str
    at: Time = Field(description="timeline time strictly inside the element")
    label_template: ClassVar[str] = "Split {element_id}"

    def run(self, project: Project) -> list[str]:
        track, _ = _locate(project, self.element_id)
        placement.require_unlocked(track)
        left, right = placement.split_in_track(track, self.element_id, self.at)
        return [left.id, right.id]


class Trim(Command):
    op: Literal["trim"] = "trim"
    element_id: str
    edge: Literal["start", "end"]
    to: Time = Field(description="new timeline time of that edge")
    label_template: ClassVar[str] = "Trim {edge} of {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        if self.edge == "start":
            if not self.to < element.end:
                raise EditError(
                    f"cannot trim the start of {element.id} to {float(self.to):.3f} s: "
                    f"it ends at {float(element.end):.3f} s"
                )
            if self.to != element.start:
                placement.trim_start(element, self.to)
                placement.drop_transitions(track, element.id, edge="start")
        else:
            if not self.to > element.start:
                raise EditError(
                    f"cannot trim the end of {element.id} to {float(self.to):.3f} s: "
                    f"it starts at {float(element.start):.3f} s"
                )
            if self.to != element.end:
                placement.trim_end(element, self.to)
                placement.drop_transitions(track, element.id, edge="end")
        placement.set_elements(track, list(track.elements))
        return [element.id]


class Slip(Command):
    """Show a different part of the source in the same timeline slot."""

    op: Literal["slip"] = "slip"
    element_id: str
    delta: Time = Field(description="seconds added to the source in point")
    label_template: ClassVar[str] = "Slip {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        if element.kind != "clip":
            raise EditError(f"{element.id} is a {element.kind} element; only media clips can slip")
        element.source_in = element.source_in + self.delta
        return [element.id]


class SetProperties(Command):
    """Merge `properties` into an element (nested dicts merge), e.g. {"transform": {"x": 100}}."""

    op: Literal["set_properties"] = "set_properties"
    element_id: str
    properties: dict[str, Any]
    label_template: ClassVar[str] = "Change {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        forbidden = {"id", "kind"} & self.properties.keys()
        if forbidden:
            raise EditError(f"cannot change {', '.join(sorted(forbidden))} of an element")
        merged = _deep_merge(element.model_dump(mode="json"), self.properties)
        try:
            updated = _ELEMENT_ADAPTER.validate_python(merged)
        except ValidationError as exc:
            raise EditError(f"{element.id}: {describe_validation_error(exc, skip=1)}") from None
        placement.set_elements(track, [e for e in track.elements if e.id != element.id] + [updated])
        return [element.id]


# --- effects, keyframes, speed, audio ------------------------------------------------------------------


def _effect_index(element, effect_id: str) -> int:
    for index, effect in enumerate(element.effects):
        if effect.id == effect_id:
            return index
    raise EditError(f"{element.id} has no effect {effect_id!r}")


def _insert_effect(element, stack: list[Effect], index: int | None, **fields) -> None:
    """Build an effect (parameters checked against the catalogue) and put it at `index` in the stack."""
    try:
        effect = Effect(**fields)
    except ValidationError as exc:
        raise EditError(describe_validation_error(exc)) from None
    stack.insert(len(stack) if index is None else index, effect)
    element.effects = stack


def _revalidated(track: Track, element) -> None:
    """Re-run the element's own validation (effect params, keyframe paths) after an in-place change."""
    try:
        updated = _ELEMENT_ADAPTER.validate_python(element.model_dump(mode="json"))
    except ValidationError as exc:
        raise EditError(f"{element.id}: {describe_validation_error(exc, skip=1)}") from None
    placement.set_elements(track, [e for e in track.elements if e.id != element.id] + [updated])


class AddEffect(Command):
    op: Literal["add_effect"] = "add_effect"
    element_id: str
    kind: str = Field(description="effect kind from the catalogue, e.g. 'gaussian_blur'")
    params: dict[str, float | bool | str] = Field(default_factory=dict)
    index: int | None = Field(None, description="position in the stack; None = last (on top)")
    effect_id: str | None = None
    label_template: ClassVar[str] = "Add {kind}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        _insert_effect(
            element,
            list(element.effects),
            self.index,
            id=self.effect_id or new_id("fx"),
            kind=self.kind,
            params=self.params,
        )
        return [element.id]


class UpdateEffect(Command):
    op: Literal["update_effect"] = "update_effect"
    element_id: str
    effect_id: str
    params: dict[str, float | bool | str] = Field(default_factory=dict)
    enabled: bool | None = None
    index: int | None = Field(None, description="move to this position in the stack")
    label_template: ClassVar[str] = "Change effect {effect_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        stack = list(element.effects)
        effect = stack.pop(_effect_index(element, self.effect_id))
        _insert_effect(
            element,
            stack,
            self.index,
            id=effect.id,
            kind=effect.kind,
            params={**effect.params, **self.params},
            enabled=effect.enabled if self.enabled is None else self.enabled,
        )
        return [element.id]


class RemoveEffect(Command):
    op: Literal["remove_effect"] = "remove_effect"
    element_id: str
    effect_id: str
    label_template: ClassVar[str] = "Remove effect {effect_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        _effect_index(element, self.effect_id)
        # Its keyframes go first: the element refuses keyframes that name an effect it does not have.
        prefix = f"effects.{self.effect_id}."
        element.keyframes = {k: v for k, v in element.keyframes.items() if not k.startswith(prefix)}
        element.effects = [e for e in element.effects if e.id != self.effect_id]
        return [element.id]


class SetKeyframes(Command):
    """Replace the keyframes of one property (an empty list removes the animation)."""

    op: Literal["set_keyframes"] = "set_keyframes"
    element_id: str
    property: str = Field(
        description="e.g. 'transform.scale', 'transform.opacity', 'gain_db', 'effects.<effect id>.<param>'"
    )
    keyframes: list[Keyframe]
    label_template: ClassVar[str] = "Animate {property} of {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        animated = dict(element.keyframes)
        if self.keyframes:
            animated[self.property] = sorted(self.keyframes, key=lambda k: k.time)
        else:
            animated.pop(self.property, None)
        element.keyframes = animated
        _revalidated(track, element)
        return [element.id]


class ApplyAnimationPreset(Command):
    op: Literal["apply_animation_preset"] = "apply_animation_preset"
    element_id: str
    preset: Literal["ken_burns", "pop_in", "slide_in", "fade"]
    direction: Literal["left", "right", "up", "down"] = "left"
    zoom: float = Field(1.2, ge=1, le=4, description="ken_burns: end scale relative to the start")
    duration: Time | None = Field(None, description="pop_in/slide_in/fade: seconds; None = 0.5")
    label_template: ClassVar[str] = "Apply {preset}"

    def run(self, project: Project) -> list[str]:
        from kijkocut.edit.presets import animation_keyframes

        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        updates = animation_keyframes(
            project, element, self.preset, direction=self.direction, zoom=self.zoom, duration=self.duration
        )
        element.keyframes = {**element.keyframes, **updates}
        _revalidated(track, element)
        return [element.id]


class SetSpeed(Command):
    """Change playback speed, keeping the media range: the element gets longer or shorter. With `ripple`,
    later elements on the track move to make room or close up."""

    op: Literal["set_speed"] = "set_speed"
    element_id: str
    speed: float = Field(ge=0.1, le=10)
    reverse: bool | None = None
    preserve_pitch: bool | None = None
    ripple: bool = True
    label_template: ClassVar[str] = "Speed {speed}x for {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        if element.kind != "clip" or element.freeze_frame:
            raise EditError(f"{element.id} is not a moving media clip; only those change speed")
        span = element.source_span
        duration = span / Fraction(self.speed).limit_denominator(10**6)
        old_end = element.end
        element.speed = self.speed
        element.duration = duration
        if self.reverse is not None:
            element.reverse = self.reverse
        if self.preserve_pitch is not None:
            element.preserve_pitch = self.preserve_pitch
        placement.drop_transitions(track, element.id, edge="end")
        if self.ripple:
            for other in track.elements:
                if other.id != element.id and other.start >= old_end:
                    other.start = other.start + (element.end - old_end)
        placement.set_elements(track, list(track.elements))
        return [element.id]


class FreezeFrame(Command):
    """Hold the frame shown at `at` for `duration` seconds, inserted there (the rest of the clip moves right)."""

    op: Literal["freeze_frame"] = "freeze_frame"
    element_id: str
    at: Time
    duration: Time = Fraction(2)
    frozen_id: str | None = Field(None, description="id of the held-frame clip; None = a new one")
    label_template: ClassVar[str] = "Freeze frame of {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        if element.kind != "clip":
            raise EditError(f"{element.id} is a {element.kind} element; only media clips can freeze")
        if not element.start <= self.at < element.end:
            raise EditError(f"{float(self.at):.3f} s is not inside {element.id}")
        if self.duration <= 0:
            raise EditError("a freeze frame needs a positive duration")
        held_time = element.media_time(self.at, 1 / project.settings.frame_rate)
        frozen = element.model_copy(
            update={
                "id": _new_element_id(project, self.frozen_id),
                "start": self.at,
                "duration": self.duration,
                "source_in": held_time,
                "freeze_frame": True,
                "fade_in": Fraction(0),
                "fade_out": Fraction(0),
                "keyframes": {},
            },
            deep=True,
        )
        placement.open_gap(track, self.at, self.duration)
        placement.set_elements(track, list(track.elements) + [frozen])
        return [frozen.id]


class DetachAudio(Command):
    """Put a video clip's sound on an audio track as its own clip, and mute it on the video clip."""

    op: Literal["detach_audio"] = "detach_audio"
    element_id: str
    track_id: str | None = Field(None, description="audio track to receive it; None = a new audio track")
    sound_id: str | None = Field(None, description="id of the new sound clip; None = a new one")
    label_template: ClassVar[str] = "Detach audio of {element_id}"

    def run(self, project: Project) -> list[str]:
        track, element = _locate(project, self.element_id)
        placement.require_unlocked(track)
        media = project.media.get(getattr(element, "media_id", ""))
        if element.kind != "clip" or media is None or media.info.audio is None or element.audio_muted:
            raise EditError(f"{element.id} has no audio to detach")
        if self.track_id is None:
            target = Track(id=new_id("trk"), kind="audio", name=f"{element.name or element.id} audio")
            project.tracks = [*project.tracks, target]
        else:
            target = _track(project, self.track_id)
            if target.kind != "audio":
                raise EditError(f"track {target.id} is a {target.kind} track, not an audio track")
            placement.require_unlocked(target)
        sound = element.model_copy(
            update={
                "id": _new_element_id(project, self.sound_id),
                "effects": [],
                "transform": Transform(),
                "keyframes": {k: v for k, v in element.keyframes.items() if k in ("gain_db", "pan")},
            },
            deep=True,
        )
        element.audio_muted = True
        element.gain_db = 0.0
        _place(project, target, sound, "strict", False)
        return [element.id, sound.id]


class UpdateTransition(Command):
    op: Literal["update_transition"] = "update_transition"
    transition_id: str
    kind: TransitionKind | None = None
    duration: Time | None = None
    alignment: Alignment | None = None
    audio: bool | None = None
    handles: TransitionHandles | None = None
    label_template: ClassVar[str] = "Change transition"

    def run(self, project: Project) -> list[str]:
        for track in project.tracks:
            for transition in track.transitions:
                if transition.id == self.transition_id:
                    placement.require_unlocked(track)
                    for key in ("kind", "duration", "alignment", "audio", "handles"):
                        if getattr(self, key) is not None:
                            setattr(transition, key, getattr(self, key))
                    return [transition.from_id, transition.to_id]
        raise EditError(f"unknown transition {self.transition_id!r}")


# --- transitions ----------------------------------------------------------------------------------------


class AddTransition(Command):
    op: Literal["add_transition"] = "add_transition"
    from_id: str
    to_id: str
    kind: TransitionKind = "crossfade"
    duration: Time = Fraction(1)
    alignment: Alignment = "center"
    audio: bool = True
    handles: TransitionHandles = "media"
    transition_id: str | None = None
    label_template: ClassVar[str] = "Add {kind} transition"

    def run(self, project: Project) -> list[str]:
        track, left = _locate(project, self.from_id)
        other_track, right = _locate(project, self.to_id)
        if other_track is not track:
            raise EditError(f"{self.from_id} and {self.to_id} are on different tracks")
        placement.require_unlocked(track)
        if left.end != right.start:
            raise EditError(
                f"{left.id} ends at {float(left.end):.3f} s and {right.id} starts at "
                f"{float(right.start):.3f} s: a transition needs two clips that meet at a cut"
            )
        placement.drop_transitions(track, left.id, edge="end")
        track.transitions = [
            *track.transitions,
            Transition(
                id=self.transition_id or new_id("trn"),
                kind=self.kind,
                from_id=left.id,
                to_id=right.id,
                duration=self.duration,
                alignment=self.alignment,
                audio=self.audio,
                handles=self.handles,
            ),
        ]
        return [left.id, right.id]


class OverlapCut(Command):
    """Final Cut's overlap: trim the outgoing clip's end by `after` and the incoming clip's start by `before`,
    then pull the incoming clip and everything after it on its track left by their sum. Both clips gain that
    much media beyond the cut (handles) and the timeline gets that much shorter; a transition at the cut stays.
    With `all_tracks`, what starts at or after the cut on the other unlocked tracks moves left too."""

    op: Literal["overlap_cut"] = "overlap_cut"
    from_id: str
    to_id: str
    before: Time = Field(Fraction(0), ge=0, description="trimmed from the incoming clip's start")
    after: Time = Field(Fraction(0), ge=0, description="trimmed from the outgoing clip's end")
    all_tracks: bool = False
    label_template: ClassVar[str] = "Overlap {from_id} and {to_id}"

    def run(self, project: Project) -> list[str]:
        track, left = _locate(project, self.from_id)
        other_track, right = _locate(project, self.to_id)
        if other_track is not track or left.end != right.start:
            raise EditError(f"{left.id} and {right.id} do not meet at a cut on one track")
        placement.require_unlocked(track)
        for element, trimmed in ((left, self.after), (right, self.before)):
            if trimmed >= element.duration:
                raise EditError(
                    f"cannot trim {float(trimmed):.3f} s from {element.id}: it is "
                    f"{float(element.duration):.3f} s long"
                )
        cut = left.end
        if self.after:
            placement.trim_end(left, cut - self.after)
        if self.before:
            placement.trim_start(right, cut + self.before)
        for shifted in placement.tracks_for_ripple(project, track, self.all_tracks):
            placement.close_gap(shifted, cut, self.before + self.after)
        return [left.id, right.id]


class RemoveTransition(Command):
    op: Literal["remove_transition"] = "remove_transition"
    transition_id: str
    label_template: ClassVar[str] = "Remove transition"

    def run(self, project: Project) -> list[str]:
        for track in project.tracks:
            kept = [x for x in track.transitions if x.id != self.transition_id]
            if len(kept) != len(track.transitions):
                placement.require_unlocked(track)
                track.transitions = kept
                return []
        raise EditError(f"unknown transition {self.transition_id!r}")


# --- markers, settings ----------------------------------------------------------------------------------


class AddMarker(Command):
    op: Literal["add_marker"] = "add_marker"
    time: Time
    name: str = ""
    color: str = "#ffcc00"
    marker_id: str | None = None
    label_template: ClassVar[str] = "Add marker"

    def run(self, project: Project) -> list[str]:
        marker = Marker(id=self.marker_id or new_id("mrk"), time=self.time, name=self.name, color=self.color)
        project.markers = sorted([*project.markers, marker], key=lambda m: m.time)
        return []


class RemoveMarker(Command):
    op: Literal["remove_marker"] = "remove_marker"
    marker_id: str
    label_template: ClassVar[str] = "Remove marker"

    def run(self, project: Project) -> list[str]:
        if not any(m.id == self.marker_id for m in project.markers):
            raise EditError(f"unknown marker {self.marker_id!r}")
        project.markers = [m for m in project.markers if m.id != self.marker_id]
        return []


class UpdateSettings(Command):
    op: Literal["update_settings"] = "update_settings"
    properties: dict[str, Any]
    label_template: ClassVar[str] = "Change project settings"

    def run(self, project: Project) -> list[str]:
        try:
            project.settings = ProjectSettings.model_validate(
                {**project.settings.model_dump(mode="json"), **self.properties}
            )
        except ValidationError as exc:
            raise EditError(f"settings: {describe_validation_error(exc)}") from None
        return []


class RenameProject(Command):
    op: Literal["rename_project"] = "rename_project"
    name: str = Field(min_length=1)
    label_template: ClassVar[str] = "Rename project"

    def run(self, project: Project) -> list[str]:
        project.name = self.name
        return []


class Batch(Command):
    """Several commands applied as one edit: one validation, one history entry, one undo (an import of
    hundreds of captions, or "add a track and put a clip on it")."""

    op: Literal["batch"] = "batch"
    title: str = "Edit"
    commands: list[AnyCommand] = Field(min_length=1)
    label_template: ClassVar[str] = "{title}"

    def run(self, project: Project) -> list[str]:
        return [element_id for command in self.commands for element_id in command.run(project)]


def _deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_ELEMENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(Element)

COMMAND_TYPES: tuple[type[Command], ...] = (
    AddTrack,
    RemoveTrack,
    UpdateTrack,
    MoveTrack,
    AddMedia,
    RemoveMedia,
    RelinkMedia,
    AddElement,
    AddElements,
    RemoveElement,
    RippleDelete,
    MoveElement,
    Split,
    Trim,
    Slip,
    SetProperties,
    AddTransition,
    RemoveTransition,
    AddMarker,
    RemoveMarker,
    UpdateSettings,
    RenameProject,
    AddEffect,
    UpdateEffect,
    RemoveEffect,
    SetKeyframes,
    ApplyAnimationPreset,
    SetSpeed,
    FreezeFrame,
    DetachAudio,
    UpdateTransition,
    OverlapCut,
    Batch,
)
AnyCommand = Annotated[
    AddTrack
    | RemoveTrack
    | UpdateTrack
    | MoveTrack
    | AddMedia
    | RemoveMedia
    | RelinkMedia
    | AddElement
    | AddElements
    | RemoveElement
    | RippleDelete
    | MoveElement
    | Split
    | Trim
    | Slip
    | SetProperties
    | AddTransition
    | RemoveTransition
    | AddMarker
    | RemoveMarker
    | UpdateSettings
    | RenameProject
    | AddEffect
    | UpdateEffect
    | RemoveEffect
    | SetKeyframes
    | ApplyAnimationPreset
    | SetSpeed
    | FreezeFrame
    | DetachAudio
    | UpdateTransition
    | OverlapCut
    | Batch,
    Field(discriminator="op"),
]
Batch.model_rebuild()
_COMMAND_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyCommand)


def command_from_dict(doc: dict[str, Any]) -> Command:
    """Build a command from its JSON form ({"op": "split", "element_id": ..., "at": "2"})."""
    try:
        return _COMMAND_ADAPTER.validate_python(doc)
    except ValidationError as exc:
        raise EditError(f"invalid command: {describe_validation_error(exc)}") from None
