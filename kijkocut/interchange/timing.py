"""Exact time across the OTIO boundary, and the lazy import of the optional `opentimelineio` package.

OTIO stores a time as a float value at a float rate. Times go out as frame counts at the project rate (whole
frames on the grid, fractional off it). Coming back, rates near a ratio with a small
denominator (30000/1001) are snapped to it, and exact values kept in our metadata win whenever the OTIO value
still agrees with them, so an untouched round trip is exact and an edit made in another tool still counts."""

from __future__ import annotations

from fractions import Fraction
from types import ModuleType
from typing import Any

from kijkocut.errors import KijkoCutError
from kijkocut.timebase import to_rate

# Float noise of frame counts at NTSC rates is ~1e-12 s; an edit in another tool moves a time by a frame.
AGREEMENT = Fraction(1, 10**6)


def require_otio() -> ModuleType:
    try:
        import opentimelineio
    except ImportError:
        raise KijkoCutError(
            "OpenTimelineIO interchange needs the optional 'opentimelineio' package: "
            "pip install 'kijkocut[otio]'"
        ) from None
    return opentimelineio


def exact_rate(rate: float) -> Fraction:
    """A float frame rate as the exact ratio it stands for (29.97002997 and 29.97 both give 30000/1001)."""
    if rate <= 0:
        raise KijkoCutError(f"OTIO time has a non-positive rate {rate}")
    decimal = f"{rate:.3f}".rstrip("0").rstrip(".")
    if abs(float(decimal) - rate) < 1e-9:  # written as a decimal, e.g. 29.97 or 25: NTSC rates become exact
        return to_rate(decimal)
    candidate = Fraction(rate).limit_denominator(1001)
    return candidate if abs(float(candidate) - rate) < 1e-9 else Fraction(rate)


def to_rational(otio: ModuleType, t: Fraction, rate: Fraction) -> Any:
    """Frames at the project rate (fractional off the frame grid): one rate throughout, as adapters expect."""
    return otio.opentime.RationalTime(float(t * rate), float(rate))


def to_range(otio: ModuleType, start: Fraction, duration: Fraction, rate: Fraction) -> Any:
    return otio.opentime.TimeRange(to_rational(otio, start, rate), to_rational(otio, duration, rate))


def from_rational(time: Any) -> Fraction:
    # Fractional frame counts carry float noise; a thousandth of a frame is finer than any edit.
    value = Fraction(time.value)
    if value.denominator > 1000:
        value = value.limit_denominator(1000)
    return value / exact_rate(time.rate)


def agreeing(stored: Any, approximate: Fraction) -> Fraction:
    """The exact stored value (a fraction string from our metadata) if it agrees with OTIO's, else OTIO's."""
    if stored is not None:
        exact = Fraction(str(stored))
        if abs(exact - approximate) <= AGREEMENT:
            return exact
    return approximate


def plain(value: Any) -> Any:
    """OTIO metadata (AnyDictionary / AnyVector) as plain dicts and lists."""
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value
    if hasattr(value, "items"):
        return {str(key): plain(item) for key, item in value.items()}
    if hasattr(value, "__iter__"):
        return [plain(item) for item in value]
    return value
