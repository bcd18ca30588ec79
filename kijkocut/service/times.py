"""One time policy for every front end: what a person or a model may type for a time, and where it lands.

Accepted: seconds (`12`, `2.5`, `-1`), exact fractions (`1001/30000`), timecode with a fractional second
(`00:01:02.5`, `1:02.5`) or with frames (`00:01:02:15`, `00:01:02;15` drop-frame notation read as plain frames),
and frame numbers (`f30`). Every time is then snapped to the project's frame grid, so cuts land on frames and a
float read back from a view maps to the exact fraction it came from."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from kijkocut.service.errors import ServiceError
from kijkocut.timebase import seconds_text, shown, snap_to_frame, to_fraction

_TIMECODE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)(?:[:;](\d{1,3}))?$")
_FRAMES = re.compile(r"^f(\d+)$", re.IGNORECASE)

TIME_HELP = "seconds (2.5), a fraction (1001/30000), timecode (00:01:02.5 or 00:01:02:15) or frames (f30)"


def parse_time(value: Any, frame_rate: Fraction, *, what: str = "time") -> Fraction:
    """A time from any accepted notation, snapped to the frame grid of `frame_rate`."""
    exact = _exact(value, frame_rate, what)
    return snap_to_frame(exact, frame_rate)


def parse_duration(value: Any, frame_rate: Fraction, *, what: str = "duration") -> Fraction:
    """A positive length: at least one frame after snapping."""
    length = parse_time(value, frame_rate, what=what)
    if length <= 0:
        raise ServiceError(
            f"{what} must be at least one frame ({seconds_text(1 / frame_rate)} at {shown(frame_rate)} fps), "
            f"got {seconds_text(length)}"
        )
    return length


def _exact(value: Any, frame_rate: Fraction, what: str) -> Fraction:
    if isinstance(value, str):
        text = value.strip()
        frames = _FRAMES.match(text)
        if frames:
            return Fraction(int(frames.group(1))) / frame_rate
        code = _TIMECODE.match(text)
        if code:
            return _timecode(code, value, frame_rate, what)
    try:
        return to_fraction(value)
    except ValueError:
        raise ServiceError(f"{what}: cannot read {value!r}; use {TIME_HELP}") from None


def _timecode(code: re.Match[str], value: str, frame_rate: Fraction, what: str) -> Fraction:
    hours, minutes, secs, frame = code.groups()
    if int(minutes) >= 60 or float(secs) >= 60:
        raise ServiceError(f"{what}: {value!r} is not a valid timecode (minutes and seconds run 0-59)")
    whole = int(hours or 0) * 3600 + int(minutes) * 60
    if frame is None:  # wall-clock seconds with a fraction
        return Fraction(whole) + Fraction(secs)
    if "." in secs:
        raise ServiceError(f"{what}: {value!r} mixes a fractional second with a frame number")
    # Timecode counts frames at the nominal rate (30 for 29.97), as editors and decks do.
    nominal = round(frame_rate)
    if int(frame) >= nominal:
        raise ServiceError(
            f"{what}: frame {frame} of {value!r} does not exist at {float(frame_rate):g} fps "
            f"(frames run 0-{nominal - 1})"
        )
    frames = (whole + int(secs)) * nominal + int(frame)
    if ";" in value and frame_rate.denominator == 1001 and nominal % 30 == 0:
        # Drop-frame: two frame numbers (four at 59.94) skipped each minute except every tenth.
        total_minutes = whole // 60
        frames -= nominal // 15 * (total_minutes - total_minutes // 10)
    return Fraction(frames) / frame_rate


def _time_text(value: Any) -> Any:
    """Numbers become their shortest text (0.1 stays exactly 1/10); text passes through for `parse_time`."""
    if isinstance(value, bool):
        raise ValueError("expected a time, got a boolean")
    if isinstance(value, (int, float, Fraction)):
        return str(value) if not isinstance(value, float) else repr(value)
    return value


# A time as an action parameter: a number of seconds or any notation `parse_time` reads. Its schema is a plain
# string (models that only know flat schemas, such as Gemini's, keep it), and numbers are accepted too.
TimeArg = Annotated[
    str,
    BeforeValidator(_time_text),
    Field(max_length=40),
    WithJsonSchema({"type": "string", "description": TIME_HELP}),
]
