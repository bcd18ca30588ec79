"""Rational time. Edit decisions are exact fractions of a second, never floats, so frame arithmetic at rates
such as 30000/1001 never drifts. JSON carries them as strings ("21", "1001/30000")."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

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
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"expected a number or a fraction like '30000/1001', got {value!r}") from exc
    if isinstance(value, dict) and {"value", "rate"} <= value.keys():  # OTIO RationalTime style
        return to_fraction(value["value"]) / to_fraction(value["rate"])
    raise ValueError(f"expected a number or a fraction string, got {type(value).__name__}")


def to_rate(value: Any) -> Fraction:
    """Parse a frame rate; decimal NTSC rates (29.97) become their exact fractions."""
    if isinstance(value, (float, str)) and str(value).strip() in _NTSC_RATES:
        return _NTSC_RATES[str(value).strip()]
    rate = to_fraction(value)
    if rate <= 0:
        raise ValueError(f"a frame rate must be positive, got {rate}")
    return rate


def format_fraction(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


_schema = WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?(/\d+)?$",
                          "description": "seconds as an exact fraction, e.g. '21', '2.5' or '1001/30000'"})

Time = Annotated[Fraction, BeforeValidator(to_fraction), PlainSerializer(format_fraction, return_type=str), _schema]
Rate = Annotated[Fraction, BeforeValidator(to_rate), PlainSerializer(format_fraction, return_type=str), _schema]


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
