"""The project model: settings, media pool, tracks, elements, transitions and markers.

Data first (pydantic, versioned JSON). Times are exact fractions of a second (see `timebase`). Track order is
z-order: tracks[0] is the bottom layer. Elements on one track never overlap; a transition blends two elements
that butt against each other at a cut, using media beyond their edges ("handles") as editors expect.
"""

from __future__ import annotations

import re
import uuid
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kijkocut.media.info import MediaInfo
from kijkocut.timebase import Rate, Time

SCHEMA_NAME = "kijkocut.project"
FORMAT_VERSION = 1

TrackKind = Literal["video", "overlay", "text", "audio"]
Fit = Literal["contain", "cover", "stretch", "none"]
TransitionKind = Literal["crossfade"]
Alignment = Literal["center", "start", "end"]

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def parse_colour(value: str) -> tuple[int, int, int, int]:
    """'#rrggbb' or '#rrggbbaa' to an RGBA tuple."""
    if not _HEX_COLOUR.match(value):
        raise ValueError(f"colour must be '#rrggbb' or '#rrggbbaa', got {value!r}")
    channels = [int(value[i : i + 2], 16) for i in range(1, len(value), 2)]
    return (*channels, 255)[:4] if len(channels) == 3 else tuple(channels)  # type: ignore[return-value]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ProjectSettings(Model):
    width: int = Field(1920, ge=16, le=8192, description="canvas width in pixels (even)")
    height: int = Field(1080, ge=16, le=8192, description="canvas height in pixels (even)")
    frame_rate: Rate = Field(Fraction(30), description="exact, e.g. '30' or '30000/1001'")
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
    content_hash: str = Field("", description="sha256 of size + first and last MiB: cheap identity for big files")


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


class ElementBase(Model):
    id: str = Field(default_factory=lambda: new_id("el"))
    name: str = ""
    start: Time = Field(description="timeline position in seconds")
    duration: Time = Field(description="length on the timeline in seconds")
    fade_in: Time = Field(Fraction(0), description="opacity (and audio) ramp from 0 at the start")
    fade_out: Time = Field(Fraction(0), description="ramp to 0 at the end")

    @property
    def end(self) -> Fraction:
        return self.start + self.duration


class ClipElement(ElementBase):
    """A piece of a media file: video (with its audio), a still image, or audio alone."""

    kind: Literal["clip"] = "clip"
    media_id: str
    source_in: Time = Field(Fraction(0), description="media time shown at `start`")
    transform: Transform = Field(default_factory=Transform)
    gain_db: float = Field(0.0, ge=-96, le=24)
    audio_muted: bool = False

    @property
    def source_out(self) -> Fraction:
        return self.source_in + self.duration


class TextStyle(Model):
    font: str | None = Field(None, description="font file path or family name; None = the bundled default")
    size: int = Field(64, ge=4, le=1000, description="pixels at canvas resolution")
    color: str = "#ffffff"
    x: float | None = Field(None, description="centre x in canvas pixels; None = centred")
    y: float | None = Field(None, description="centre y in canvas pixels; None = centred")
    align: Literal["left", "center", "right"] = "center"
    opacity: float = Field(1.0, ge=0, le=1)

    @field_validator("color")
    @classmethod
    def _colour(cls, value: str) -> str:
        parse_colour(value)
        return value


class TextElement(ElementBase):
    kind: Literal["text"] = "text"
    text: str = Field(min_length=1)
    style: TextStyle = Field(default_factory=TextStyle)


Element = Annotated[ClipElement | TextElement, Field(discriminator="kind")]


class Transition(Model):
    """Blends `from_id` into `to_id` across the cut where from.end == to.start. Alignment says where the
    transition sits relative to the cut: ending at it, centred on it, or starting at it."""

    id: str = Field(default_factory=lambda: new_id("trn"))
    kind: TransitionKind = "crossfade"
    from_id: str
    to_id: str
    duration: Time
    alignment: Alignment = "center"

    def span(self, cut: Fraction) -> tuple[Fraction, Fraction]:
        """Timeline interval [a, b) covered by the transition for a cut at `cut`."""
        before = {"end": self.duration, "center": self.duration / 2, "start": Fraction(0)}[self.alignment]
        return cut - before, cut - before + self.duration


class Track(Model):
    id: str = Field(default_factory=lambda: new_id("trk"))
    kind: TrackKind
    name: str = ""
    muted: bool = False
    hidden: bool = False
    locked: bool = False
    elements: list[Element] = Field(default_factory=list, description="sorted by start")
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
    tracks: list[Track] = Field(default_factory=list)
    markers: list[Marker] = Field(default_factory=list)
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

    def element(self, element_id: str) -> ClipElement | TextElement:
        track, index = self.find_element(element_id)
        return track.elements[index]

    def duration(self) -> Fraction:
        ends = [element.end for track in self.tracks for element in track.elements]
        return max(ends, default=Fraction(0))
