"""Fades as keyframes and back: FCP 7 has no fade property, so a fade is an Opacity (or Audio Levels) ramp
from 0 to the clip's value and back to 0, linear as KijkoCut's fades are. Reading recognises exactly that
shape; anything else stays an animation of the value."""

from __future__ import annotations

from fractions import Fraction

from kijkocut.interchange.fcp_xml.curves import keyed_value
from kijkocut.interchange.fcp_xml.filters import Key, Point


def fade_weight(frame: Fraction, duration: int, fade_in: int, fade_out: int) -> Fraction:
    weight = Fraction(1)
    if fade_in:
        weight = min(weight, max(Fraction(0), frame / fade_in))
    if fade_out:
        weight = min(weight, max(Fraction(0), (duration - frame) / fade_out))
    return weight


def fade_keys(duration: int, fade_in: int, fade_out: int, value: float) -> list[Key]:
    """Keyframes (frames from the clip's start) of `value` faded in and out over whole frames."""
    if not fade_in and not fade_out:
        return []
    corners = {
        Fraction(0),
        Fraction(duration),
        Fraction(min(fade_in, duration)),
        Fraction(max(0, duration - fade_out)),
    }
    if fade_in and fade_out and fade_in + fade_out > duration:  # the ramps cross before reaching the value
        corners.add(Fraction(duration * fade_in, fade_in + fade_out))
    return [
        Key(round(frame), float(fade_weight(frame, duration, fade_in, fade_out)) * value)
        for frame in sorted(corners)
    ]


def fades_from_keys(keys: list[Key], duration: int) -> tuple[int, int, float] | None:
    """(fade-in frames, fade-out frames, value) when the keyframes draw exactly such a ramp (however many
    keys they use for it), else None."""
    if not keys or any(isinstance(key.value, tuple) for key in keys):
        return None
    levels = [Key(key.frame, float(key.value)) for key in keys]  # type: ignore[arg-type]
    value = max(float(key.value) for key in levels)  # type: ignore[arg-type]
    if value <= 0:
        return None
    reaching = [key.frame for key in levels if _close(key.value, value) and 0 <= key.frame <= duration]
    if not reaching:
        return None
    fade_in = reaching[0] if _close(keyed_value(levels, 0), 0) else 0
    fade_out = duration - reaching[-1] if _close(keyed_value(levels, duration), 0) else 0
    if not fade_in and not fade_out:
        return None
    corners = {0, duration, fade_in, duration - fade_out} | {
        k.frame for k in levels if 0 <= k.frame <= duration
    }
    if all(
        _close(
            keyed_value(levels, frame),
            value * float(fade_weight(Fraction(frame), duration, fade_in, fade_out)),
        )
        for frame in corners
    ):
        return fade_in, fade_out, value
    return None


def _close(a: Point, b: Point) -> bool:
    x, y = float(a), float(b)  # type: ignore[arg-type]  # levels only: fades_from_keys refuses points
    return abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y))
