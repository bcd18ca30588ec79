"""Keyframes: any numeric property of an element can change over time. Keyframe times are relative to the
element's start, so moving an element moves its animation with it. Interpolation runs from a keyframe to the
next one; curves are CSS-style cubic béziers."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kijkocut.timebase import Time

Interpolation = Literal["linear", "hold", "bezier", "ease_in", "ease_out", "ease_in_out"]

EASING_CURVES: dict[str, tuple[float, float, float, float]] = {
    "ease_in": (0.42, 0.0, 1.0, 1.0),
    "ease_out": (0.0, 0.0, 0.58, 1.0),
    "ease_in_out": (0.42, 0.0, 0.58, 1.0),
}


class Keyframe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time: Time = Field(description="seconds from the element's start")
    value: float
    interpolation: Interpolation = Field("linear", description="how the value travels to the next keyframe")
    bezier: tuple[float, float, float, float] | None = Field(
        None, description="x1, y1, x2, y2 control points for 'bezier' (CSS cubic-bezier)"
    )


def cubic_bezier(x1: float, y1: float, x2: float, y2: float, x: float) -> float:
    """y for a given x on the curve from (0,0) to (1,1) with control points (x1,y1), (x2,y2)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0

    def axis(p1: float, p2: float, s: float) -> float:
        return 3 * (1 - s) ** 2 * s * p1 + 3 * (1 - s) * s**2 * p2 + s**3

    lo, hi = 0.0, 1.0
    for _ in range(50):  # x(s) is monotonic for x1, x2 in [0, 1]: bisection always converges
        mid = (lo + hi) / 2
        if axis(x1, x2, mid) < x:
            lo = mid
        else:
            hi = mid
    return axis(y1, y2, (lo + hi) / 2)


def eased(keyframe: Keyframe, progress: float) -> float:
    if keyframe.interpolation == "linear":
        return progress
    if keyframe.interpolation == "hold":
        return 0.0
    curve = keyframe.bezier if keyframe.interpolation == "bezier" else EASING_CURVES[keyframe.interpolation]
    if curve is None:
        return progress
    return cubic_bezier(*curve, progress)


def value_at(keyframes: list[Keyframe], t: Fraction) -> float:
    """The animated value at element-relative time t (constant before the first and after the last key)."""
    ordered = sorted(keyframes, key=lambda k: k.time)
    if t <= ordered[0].time:
        return ordered[0].value
    for current, following in zip(ordered, ordered[1:]):
        if t < following.time:
            progress = float((t - current.time) / (following.time - current.time))
            return current.value + (following.value - current.value) * eased(current, progress)
    return ordered[-1].value
