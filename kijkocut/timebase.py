"""Rational time. Edit decisions are exact fractions of a second, never floats, so frame arithmetic at rates
such as 30000/1001 never drifts. JSON carries them as strings ("21", "1001/30000")."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from kijkocut import limits

# Common broadcast rates written as decimals by people and tools; mapped to their exact NTSC fractions.
_NTSC_RATES = {
    "23.976": Fraction(24000, 1001),
    "29.97": Fraction(30000, 1001),
    "47.952": Fraction(48000, 1001),
    "59.94": Fraction(60000, 1001),
    "119.88": Fraction(120000, 1001),
}


def to_fraction(value: Any) -> Fraction:
    """Parse a time or rate: Fraction, int, "n/d", a decimal string, or a float (taken by its shortest repr,
    so 0.1 means exactly 1/10)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a number of seconds, got a boolean")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value}")
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip()
        _check_size(text)
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"expected a number or a fraction like '30000/1001', got {value!r}") from exc
    if isinstance(value, dict) and {"value", "rate"} <= value.keys():  # OTIO RationalTime style
        return to_fraction(value["value"]) / to_fraction(value["rate"])
    raise ValueError(f"expected a number or a fraction string, got {type(value).__name__}")


_EXPONENT = re.compile(r"[eE]\s*([+-]?\d+)")


def _check_size(text: str) -> None:
    """Refuse number texts whose parsing alone would be costly ('1e100000000' is a 100-million-digit int)."""
    if len(text) > limits.MAX_TIME_CHARS:
        raise ValueError(f"expected a number or a fraction, got {len(text)} characters of text")
    exponent = _EXPONENT.search(text)
    if exponent and abs(int(exponent.group(1))) > limits.MAX_TIME_EXPONENT:
        raise ValueError(
            f"a number with the exponent {int(exponent.group(1))} is out of range (exponents run "
            f"to ±{limits.MAX_TIME_EXPONENT})"
        )


def shown(value: Fraction) -> str:
    """A possibly huge or finely divided fraction, short enough for a message."""
    exact = format_fraction(value)
    if len(exact) <= 24:
        return exact
    try:
        return f"{float(value):.6g}"
    except OverflowError:
        return "an enormous number"


def seconds_text(value: Fraction | float) -> str:
    """A time as every message shows it: seconds with three decimals ('2.500 s')."""
    return f"{float(value):.3f} s"


def to_time(value: Any) -> Fraction:
    """A time in seconds within ±24 h: longer would be frames and samples no render should attempt."""
    t = to_fraction(value)
    if abs(t) > limits.MAX_SECONDS:
        raise ValueError(f"{shown(t)} s is beyond {limits.MAX_SECONDS} s, the 24 h limit on any time")
    return t


def to_rate(value: Any) -> Fraction:
    """Parse a frame rate; decimal NTSC rates (29.97) become their exact fractions."""
    if isinstance(value, (float, str)) and str(value).strip() in _NTSC_RATES:
        return _NTSC_RATES[str(value).strip()]
    rate = to_fraction(value)
    if rate <= 0:
        raise ValueError(f"a frame rate must be positive, got {rate}")
    return rate


def to_frame_rate(value: Any) -> Fraction:
    """A frame rate a timeline or an export may have: 1..240 fps, with a denominator like 1001, not 10**9."""
    rate = to_rate(value)
    if not limits.MIN_FRAME_RATE <= rate <= limits.MAX_FRAME_RATE:
        raise ValueError(f"{shown(rate)} fps is outside {limits.MIN_FRAME_RATE}..{limits.MAX_FRAME_RATE}")
    if rate.denominator > limits.MAX_FRAME_RATE_DENOMINATOR:
        raise ValueError(
            f"{shown(rate)} fps: the denominator {rate.denominator} is over "
            f"{limits.MAX_FRAME_RATE_DENOMINATOR}; write the rate like '30000/1001' or '29.97'"
        )
    return rate


def format_fraction(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


_schema = WithJsonSchema(
    {
        "type": "string",
        "pattern": r"^-?\d+(\.\d+)?(/\d+)?$",
        "description": "seconds as an exact fraction, e.g. '21', '2.5' or '1001/30000'",
    }
)

Time = Annotated[
    Fraction, BeforeValidator(to_time), PlainSerializer(format_fraction, return_type=str), _schema
]
Rate = Annotated[
    Fraction, BeforeValidator(to_rate), PlainSerializer(format_fraction, return_type=str), _schema
]
# A timeline's or an export's rate (Rate also holds media rates and pixel aspect ratios, which are not bounded).
FrameRate = Annotated[
    Fraction, BeforeValidator(to_frame_rate), PlainSerializer(format_fraction, return_type=str), _schema
]


def frame_index(t: Fraction, rate: Fraction) -> int:
    """Index of the frame shown at time t (frames cover [n/rate, (n+1)/rate))."""
    return math.floor(t * rate)


def frame_time(n: int, rate: Fraction) -> Fraction:
    return Fraction(n) / rate


def frame_count(duration: Fraction, rate: Fraction) -> int:
    """Frames needed to cover a duration starting on a frame boundary."""
    return math.ceil(duration * rate)


def snap_to_frame(t: Fraction, rate: Fraction) -> Fraction:
    """Nearest frame boundary (half-way rounds to even, like Python's round)."""
    return Fraction(round(t * rate)) / rate


def sample_index(t: Fraction, sample_rate: int) -> int:
    return math.floor(t * sample_rate)


def seconds(t: Fraction) -> float:
    """For display and for APIs that need floats (never for edit decisions)."""
    return float(t)
