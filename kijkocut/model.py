"""The project model: settings, media pool, tracks, elements, transitions and markers.

Data first (pydantic, versioned JSON). Times are exact fractions of a second (see `timebase`). Track order is
z-order: tracks[0] is the bottom layer. Elements on one track never overlap; a transition blends two elements
that butt against each other at a cut, using media beyond their edges ("handles") as editors expect, or holding
the edge frames where the media runs out.
"""

from __future__ import annotations

import re
import uuid
from fractions import Fraction
from typing import Annotated, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kijkocut import limits
from kijkocut.animation import Keyframe
from kijkocut.effects.catalog import EFFECTS, BlendMode, resolve_params
from kijkocut.media.info import MediaInfo
from kijkocut.timebase import FrameRate, Time

SCHEMA_NAME: Final = "kijkocut.project"
FORMAT_VERSION = 4

TrackKind = Literal["video", "overlay", "text", "audio", "adjustment"]
Fit = Literal["contain", "cover", "stretch", "none"]
TransitionKind = Literal[
    "crossfade",
    "dip_to_black",
    "dip_to_white",
    "wipe_left",
    "wipe_right",
    "wipe_up",
    "wipe_down",
    "slide_left",
    "slide_right",
    "slide_up",
    "slide_down",
    "push_left",
    "push_right",
    "push_up",
    "push_down",
    "zoom_in",
    "zoom_out",
    "iris",
    "blur_dissolve",
]
TRANSITION_KINDS: tuple[str, ...] = get_args(TransitionKind)
Alignment = Literal["center", "start", "end"]
# What a transition shows of a clip past its edge: the media there, or (Premiere's "repeated frames") the media
# there while it lasts and then the first or last frame held, with silence for the sound.
TransitionHandles = Literal["media", "hold"]
TextAnimationKind = Literal[
    "none", "fade", "typewriter", "slide_up", "slide_down", "slide_left", "slide_right"
]

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def parse_colour(value: str) -> tuple[int, int, int, int]:
    """'#rrggbb' or '#rrggbbaa' to an RGBA tuple."""
    if not _HEX_COLOUR.match(value):
        raise ValueError(f"colour must be '#rrggbb' or '#rrggbbaa', got {value!r}")
    red, green, blue, *alpha = (int(value[i : i + 2], 16) for i in range(1, len(value), 2))
    return red, green, blue, alpha[0] if alpha else 255


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ProjectSettings(Model):
    width: int = Field(1920, ge=16, le=8192, description="canvas width in pixels (even)")
    height: int = Field(1080, ge=16, le=8192, description="canvas height in pixels (even)")
    frame_rate: FrameRate = Field(Fraction(30), description="exact, e.g. '30' or '30000/1001'; 1..240 fps")
    sample_rate: int = Field(48000, ge=8000, le=192000)
    channels: Literal[1, 2] = 2
    background: str = "#000000"

    @field_validator("width", "height")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError(f"must be even for 4:2:0 video, got {value}")
        return value

    @field_validator("background")
    @classmethod
    def _colour(cls, value: str) -> str:
        parse_colour(value)
        return value


class MediaRef(Model):
    id: str
    path: str = Field(description="absolute path, or relative to the project file")
    name: str = ""
    info: MediaInfo
    content_hash: str = Field(
        "", description="sha256 of size + first and last MiB: cheap identity for big files"
    )
    # With info.size_bytes, what the file looked like at import: exports re-check both and compare the hash
    # only when they differ, so a file swapped or rewritten since is reported, not rendered as if unchanged.
    mtime_ns: int | None = Field(None, description="modification time at import, ns since the epoch")


class Crop(Model):
    """Fractions of the source cut away from each edge."""

    left: float = Field(0.0, ge=0, lt=1)
    top: float = Field(0.0, ge=0, lt=1)
    right: float = Field(0.0, ge=0, lt=1)
    bottom: float = Field(0.0, ge=0, lt=1)

    @property
    def is_identity(self) -> bool:
        return not (self.left or self.top or self.right or self.bottom)


class Transform(Model):
    """Where a visual element sits. The source is first fitted to the canvas (`fit`), then scaled by `scale`
    and rotated about its centre; (x, y) is the centre in canvas pixels, None meaning the canvas centre."""

    x: float | None = None
    y: float | None = None
    scale: float = Field(1.0, gt=0, le=100)
    rotation: float = Field(0.0, description="degrees, clockwise")
    opacity: float = Field(1.0, ge=0, le=1)
    fit: Fit = "contain"
    crop: Crop = Field(default_factory=Crop)


class Effect(Model):
    """One effect of an element's ordered stack; `params` are checked against the effect catalogue."""

    id: str = Field(default_factory=lambda: new_id("fx"))
    kind: str = Field(
        description="brightness, contrast, saturation, exposure, gamma, temperature, hue_shift, "
        "grayscale, sepia, invert, vignette, gaussian_blur, sharpen, film_grain, "
        "chroma_key, lut, crop, flip, opacity"
    )
    enabled: bool = True
    params: dict[str, float | bool | str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> Effect:
        resolved = resolve_params(self.kind, self.params)
        if resolved != self.params:
            object.__setattr__(self, "params", resolved)
        return self


# Element properties that keyframes may animate (besides every numeric effect parameter, "effects.<id>.<name>").
ANIMATABLE = {
    "transform.x",
    "transform.y",
    "transform.scale",
    "transform.rotation",
    "transform.opacity",
    "transform.crop.left",
    "transform.crop.top",
    "transform.crop.right",
    "transform.crop.bottom",
    "gain_db",
    "pan",
    "style.size",
    "style.x",
    "style.y",
    "style.opacity",
    "style.letter_spacing",
}


class ElementBase(Model):
    id: str = Field(default_factory=lambda: new_id("el"))
    name: str = ""
    start: Time = Field(description="timeline position in seconds")
    duration: Time = Field(description="length on the timeline in seconds")
    fade_in: Time = Field(Fraction(0), description="opacity (and audio) ramp from 0 at the start")
    fade_out: Time = Field(Fraction(0), description="ramp to 0 at the end")
    effects: list[Effect] = Field(
        default_factory=list, max_length=limits.MAX_EFFECTS, description="applied in order"
    )
    blend_mode: BlendMode = "normal"
    keyframes: dict[str, Annotated[list[Keyframe], Field(max_length=limits.MAX_KEYFRAMES)]] = Field(
        default_factory=dict,
        description="property path (e.g. 'transform.scale', 'effects.<id>.amount') -> keys",
    )

    @property
    def end(self) -> Fraction:
        return self.start + self.duration

    @model_validator(mode="after")
    def _animatable(self) -> ElementBase:
        if not self.keyframes:  # most elements: skip building the effect parameter names
            return self
        effect_params = {
            f"effects.{e.id}.{name}"
            for e in self.effects
            for name, spec in EFFECTS[e.kind].params.items()
            if spec.numeric
        }
        for path, keys in self.keyframes.items():
            if path not in ANIMATABLE and path not in effect_params:
                raise ValueError(f"keyframes: {path!r} is not an animatable property")
            if not keys:
                raise ValueError(f"keyframes: {path!r} has no keyframes")
        return self


class ClipElement(ElementBase):
    """A piece of a media file: video (with its audio), a still image, or audio alone."""

    kind: Literal["clip"] = "clip"
    media_id: str
    source_in: Time = Field(Fraction(0), description="start of the media range used")
    transform: Transform = Field(default_factory=Transform)
    gain_db: float = Field(0.0, ge=-96, le=24)
    pan: float = Field(0.0, ge=-1, le=1, description="-1 left, 0 centre, 1 right (constant power)")
    audio_muted: bool = False
    speed: float = Field(
        1.0, ge=0.1, le=10, description="playback speed; the media range is duration x speed"
    )
    reverse: bool = False
    freeze_frame: bool = Field(
        False, description="hold the frame at source_in for the whole duration (silent)"
    )
    preserve_pitch: bool = Field(True, description="time-stretch audio at other speeds instead of resampling")
    frame_sampling: Literal["nearest", "blend"] = Field(
        "nearest", description="when the source frame rate differs: nearest frame or blend the two nearest"
    )

    @property
    def source_span(self) -> Fraction:
        """How much media the element uses."""
        return (
            Fraction(0)
            if self.freeze_frame
            else self.duration * Fraction(self.speed).limit_denominator(10**6)
        )

    @property
    def source_out(self) -> Fraction:
        return self.source_in + self.source_span

    def media_time(self, t: Fraction, frame_duration: Fraction = Fraction(0)) -> Fraction:
        """Media time shown at timeline time t (also past the edges, for transition handles). Reversed clips
        start from the last frame before source_out."""
        if self.freeze_frame:
            return self.source_in
        speed = Fraction(self.speed).limit_denominator(10**6)
        if self.reverse:
            return self.source_out - (t - self.start + frame_duration) * speed
        return self.source_in + (t - self.start) * speed

    def handle_room(self, media_duration: Fraction | None) -> tuple[Fraction | None, Fraction | None]:
        """Timeline seconds of media before the start edge and after the end edge (the handles a transition
        can use), None where unlimited: freeze frames, stills and media of unknown length."""
        if self.freeze_frame or media_duration is None:
            return None, None
        speed = Fraction(self.speed).limit_denominator(10**6)
        before, after = self.source_in, media_duration - self.source_out
        if self.reverse:  # the start edge shows the media's later part
            before, after = after, before
        return max(Fraction(0), before) / speed, max(Fraction(0), after) / speed


class TextStyle(Model):
    font: str | None = Field(None, description="font file path or family name; None = the bundled default")
    size: int = Field(64, ge=4, le=1000, description="pixels at canvas resolution")
    color: str = "#ffffff"
    x: float | None = Field(None, description="centre x in canvas pixels; None = centred")
    y: float | None = Field(None, description="centre y in canvas pixels; None = centred")
    align: Literal["left", "center", "right"] = "center"
    opacity: float = Field(1.0, ge=0, le=1)
    weight: Literal["normal", "bold"] = "normal"
    italic: bool = False
    stroke_width: int = Field(0, ge=0, le=100)
    stroke_color: str = "#000000"
    shadow_color: str | None = Field(None, description="drop shadow colour; None = no shadow")
    shadow_offset_x: float = 4
    shadow_offset_y: float = 4
    shadow_blur: float = Field(4, ge=0, le=100)
    box_color: str | None = Field(None, description="background box colour ('#rrggbbaa' for translucent)")
    box_padding: int = Field(16, ge=0, le=500)
    box_radius: int = Field(8, ge=0, le=500)
    line_spacing: float = Field(1.2, ge=0.5, le=5, description="line height as a multiple of the font size")
    letter_spacing: float = Field(0, ge=-50, le=200, description="extra pixels between characters")
    max_width: int | None = Field(None, ge=16, description="wrap lines to this width in canvas pixels")
    animation_in: TextAnimationKind = "none"
    animation_out: TextAnimationKind = "none"
    animation_duration: Time = Field(Fraction(1, 2), description="length of the in and out animations")

    @field_validator("color", "stroke_color", "shadow_color", "box_color")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None:
            parse_colour(value)
        return value


class TextElement(ElementBase):
    kind: Literal["text"] = "text"
    text: str = Field(min_length=1, max_length=limits.MAX_TEXT_CHARS)
    style: TextStyle = Field(default_factory=TextStyle)


class AdjustmentElement(ElementBase):
    """Applies its effect stack to everything beneath it while it lasts (on an adjustment track)."""

    kind: Literal["adjustment"] = "adjustment"


Element = Annotated[ClipElement | TextElement | AdjustmentElement, Field(discriminator="kind")]


class Transition(Model):
    """Blends `from_id` into `to_id` across the cut where from.end == to.start. Alignment says where the
    transition sits relative to the cut: ending at it, centred on it, or starting at it."""

    id: str = Field(default_factory=lambda: new_id("trn"))
    kind: TransitionKind = "crossfade"
    from_id: str
    to_id: str
    duration: Time
    alignment: Alignment = "center"
    audio: bool = Field(True, description="crossfade the clips' sound too (False = detached: hard audio cut)")
    handles: TransitionHandles = Field(
        "media",
        description=(
            "past a clip's edge: the media there ('media', which must exist), or that media while it lasts and then "
            "the edge frame held and silence ('hold')"
        ),
    )

    @property
    def holds(self) -> bool:
        return self.handles == "hold"

    def needs(self) -> tuple[Fraction, Fraction]:
        """How far the transition reaches before the cut (into the incoming clip's handle) and after it (into
        the outgoing clip's)."""
        begin, finish = self.span(Fraction(0))
        return -begin, finish

    def span(self, cut: Fraction) -> tuple[Fraction, Fraction]:
        """Timeline interval [a, b) covered by the transition for a cut at `cut`."""
        before = {"end": self.duration, "center": self.duration / 2, "start": Fraction(0)}[self.alignment]
        return cut - before, cut - before + self.duration


class Ducking(Model):
    """Lower this track while another track (a voice) is audible."""

    under_track_id: str
    amount_db: float = Field(-12.0, ge=-60, le=0)
    threshold_db: float = Field(-40.0, ge=-90, le=0, description="voice level that triggers ducking")
    attack: Time = Field(Fraction(1, 10), description="seconds to duck once the voice starts")
    release: Time = Field(Fraction(1, 2), description="seconds to recover after it stops")


class Track(Model):
    id: str = Field(default_factory=lambda: new_id("trk"))
    kind: TrackKind
    name: str = ""
    muted: bool = False
    solo: bool = False
    hidden: bool = False
    locked: bool = False
    ducking: Ducking | None = None
    elements: list[Element] = Field(
        default_factory=list, max_length=limits.MAX_ELEMENTS, description="sorted by start"
    )
    transitions: list[Transition] = Field(default_factory=list)


class Marker(Model):
    id: str = Field(default_factory=lambda: new_id("mrk"))
    time: Time
    name: str = ""
    color: str = "#ffcc00"


EntityKind = Literal["element", "transition", "track", "track_order", "media", "marker", "settings", "name"]


class Change(Model):
    """One entity before and after an edit (None = absent). Undo applies `before`, redo applies `after`.
    Element and transition changes carry their track; the z-order of tracks is its own `track_order` entity."""

    entity: EntityKind
    id: str
    track_id: str | None = None
    before: dict | list[str] | str | None = None
    after: dict | list[str] | str | None = None

    def inverted(self) -> Change:
        return self.model_copy(update={"before": self.after, "after": self.before})


class HistoryEntry(Model):
    # Frozen: an entry never changes once recorded, so its JSON in the project file is made once.
    model_config = ConfigDict(extra="forbid", frozen=True)

    command: dict = Field(description="the command as it was issued (op and parameters)")
    label: str
    changes: list[Change]


class History(Model):
    done: list[HistoryEntry] = Field(default_factory=list)
    undone: list[HistoryEntry] = Field(default_factory=list)


class Project(Model):
    schema_name: Literal["kijkocut.project"] = Field(SCHEMA_NAME, alias="schema")
    version: int = FORMAT_VERSION
    id: str = Field(default_factory=lambda: new_id("prj"))
    name: str = "Untitled"
    revision: int = Field(0, description="increases by one with every edit, undo and redo")
    settings: ProjectSettings = Field(default_factory=ProjectSettings)
    media: dict[str, MediaRef] = Field(default_factory=dict)
    tracks: list[Track] = Field(default_factory=list, max_length=limits.MAX_TRACKS)
    markers: list[Marker] = Field(default_factory=list, max_length=limits.MAX_MARKERS)
    history: History = Field(default_factory=History)

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)

    # Look-ups used by every front end; linear scans are fine at editing scale (hundreds of elements).
    def track(self, track_id: str) -> Track:
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(f"unknown track {track_id!r}")

    def find_element(self, element_id: str) -> tuple[Track, int]:
        for track in self.tracks:
            for index, element in enumerate(track.elements):
                if element.id == element_id:
                    return track, index
        raise KeyError(f"unknown element {element_id!r}")

    def element(self, element_id: str) -> ClipElement | TextElement | AdjustmentElement:
        track, index = self.find_element(element_id)
        return track.elements[index]

    def duration(self) -> Fraction:
        ends = [element.end for track in self.tracks for element in track.elements]
        return max(ends, default=Fraction(0))
