"""Export options, decided once for every front end: a preset, then the user's overrides, under one rule.

- A container chosen without codecs keeps the preset's codecs where they fit the container and takes the
  container's usual ones where they do not (prores_master as MP4 becomes H.264 with AAC).
- A codec the user chose explicitly that cannot go in the container is an error that says which containers
  hold it; nothing is switched silently.
- The range is checked against the timeline: an end past the end of the timeline is an error, not seconds of
  black silence.
The choice lists come from the engine's own types, so a new codec or speed appears in every front end."""

from __future__ import annotations

from fractions import Fraction
from typing import get_args

from pydantic import Field, ValidationError

from kijkocut.model import Project
from kijkocut.render.geometry import ReframeMode
from kijkocut.render.presets import (
    AUDIO_ENCODERS,
    DEFAULT_AUDIO_CODEC,
    DEFAULT_CODEC,
    PRESETS,
    VIDEO_ENCODERS,
    AudioCodec,
    Container,
    ExportSettings,
    SpeedPreset,
    VideoCodec,
)
from kijkocut.service.actions import Params
from kijkocut.service.errors import ServiceError
from kijkocut.service.times import TimeArg, parse_time
from kijkocut.validation_messages import describe_validation_error

CONTAINERS: tuple[str, ...] = get_args(Container)
VIDEO_CODECS: tuple[str, ...] = get_args(VideoCodec)
AUDIO_CODECS: tuple[str, ...] = get_args(AudioCodec)
SPEEDS: tuple[str, ...] = get_args(SpeedPreset)
REFRAME_MODES: tuple[str, ...] = get_args(ReframeMode)
PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)


class ExportOptions(Params):
    preset: str = Field("default", description=f"one of {', '.join(PRESETS)}")
    container: Container | None = Field(None, description="file format; omit for the preset's")
    video_codec: VideoCodec | None = Field(None, description="omit: the preset's when it fits the container")
    audio_codec: AudioCodec | None = Field(None, description="omit: the preset's when it fits the container")
    crf: int | None = Field(None, ge=0, le=63, description="constant quality, lower is better")
    bitrate: int | None = Field(None, ge=10_000, description="video bits per second (overrides crf)")
    speed: SpeedPreset | None = Field(None, description="encoder speed preset")
    width: int | None = Field(None, ge=16, le=8192)
    height: int | None = Field(None, ge=16, le=8192)
    reframe: ReframeMode | None = Field(
        None,
        description=(
            "when the output's shape differs from the canvas: crop (fills it, cutting the sides; warns about cut "
            "titles), fit_blur (all over a blurred copy) or fit_color (all on reframe_color); omit: the preset's"
        ),
    )
    reframe_color: str | None = Field(
        None,
        max_length=9,
        description="'#rrggbb' around the picture with fit_color; omit for the project's background",
    )
    frame_rate: str | None = Field(None, max_length=20, description="e.g. 30 or 30000/1001")
    start: TimeArg | None = Field(None, description="range start; omit for the beginning")
    end: TimeArg | None = Field(None, description="range end; omit for the end of the timeline")
    audio: bool = True
    loudness_lufs: float | None = Field(None, ge=-70, le=-1, description="normalise the mix, e.g. -14 (web)")
    limiter_ceiling_db: float | None = Field(None, ge=-20, le=0, description="true-peak ceiling in dBTP")


def container_for_suffix(suffix: str) -> str | None:
    """The container an output file name asks for ('.MP4' -> 'mp4'); None for names we cannot write."""
    name = suffix.lower().lstrip(".")
    return name if name in CONTAINERS else None


def export_settings(project: Project | None, options: ExportOptions) -> ExportSettings:
    """The settings to export with. Without a project (a ComfyUI node's inputs, checked before the graph
    runs) only the preset and the overrides are checked: the range needs the timeline."""
    if options.preset not in PRESETS:
        raise ServiceError(f"unknown export preset {options.preset!r}; choose one of {', '.join(PRESETS)}")
    fields = PRESETS[options.preset].model_dump()
    container = options.container or fields["container"]
    if container != fields["container"]:
        fields["container"] = container
        fields["video_codec"] = _kept(
            fields["video_codec"], DEFAULT_CODEC.get(container), VIDEO_ENCODERS, container
        )
        fields["audio_codec"] = _kept(
            fields["audio_codec"], DEFAULT_AUDIO_CODEC.get(container), AUDIO_ENCODERS, container
        )
    for name in (
        "video_codec",
        "audio_codec",
        "crf",
        "bitrate",
        "speed",
        "width",
        "height",
        "reframe",
        "reframe_color",
        "frame_rate",
        "loudness_lufs",
        "limiter_ceiling_db",
    ):
        value = getattr(options, name)
        if value is not None:
            fields[name] = value
    fields["audio"] = fields["audio"] and options.audio
    if project is not None:
        fields["start"], fields["end"] = export_range(project, options.start, options.end)
    try:
        return ExportSettings.model_validate(fields)
    except ValidationError as exc:
        raise ServiceError(f"invalid export settings: {describe_validation_error(exc)}") from None


def _kept(codec: str | None, usual: str | None, encoders: dict, container: str) -> str | None:
    """The preset's codec when the new container holds it, else None (the container's usual one)."""
    if codec is None:
        return None
    containers = encoders[codec][-1]
    return codec if container in containers else usual


def export_range(
    project: Project, start: str | None, end: str | None
) -> tuple[Fraction | None, Fraction | None]:
    """The range on the frame grid, inside the timeline; None for a side left open."""
    rate, duration = project.settings.frame_rate, project.duration()
    begin = None if start is None else parse_time(start, rate, what="start")
    finish = None if end is None else parse_time(end, rate, what="end")
    if duration == 0:
        raise ServiceError("nothing to export: the timeline is empty")
    if begin is not None and not 0 <= begin < duration:
        raise ServiceError(
            f"start {float(begin):.3f} s is outside the timeline (0 to {float(duration):.3f} s)"
        )
    if finish is not None and not 0 < finish <= duration:
        raise ServiceError(
            f"end {float(finish):.3f} s is outside the timeline (0 to {float(duration):.3f} s)"
        )
    if begin is not None and finish is not None and finish <= begin:
        raise ServiceError(f"end {float(finish):.3f} s must come after start {float(begin):.3f} s")
    return begin, finish
