"""Fades as keyframes and back: FCP 7 has no fade property, so a fade is an Opacity (or Audio Levels) ramp
from 0 to the clip's value and back to 0, linear as KijkoCut's fades are. Reading recognises exactly that
shape; anything else stays an animation of the value."""

from __future__ import annotations

from fractions import Fraction

from kijkocut.interchange.fcp_xml.filters import Key


def _weight(frame: Fraction, duration: int, fade_in: int, fade_out: int) -> Fraction:
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
    corners = {Fraction(0), Fraction(duration), Fraction(min(fade_in, duration)),
               Fraction(max(0, duration - fade_out))}
    if fade_in and fade_out and fade_in + fade_out > duration:  # the ramps cross before reaching the value
        corners.add(Fraction(duration * fade_in, fade_in + fade_out))
    return [Key(round(frame), float(_weight(frame, duration, fade_in, fade_out)) * value)
            for frame in sorted(corners)]


def fades_from_keys(keys: list[Key], duration: int) -> tuple[int, int, float] | None:
    """(fade-in frames, fade-out frames, value) when the keyframes are exactly such a ramp, else None."""
    if len(keys) < 2:
        return None
    value = max(key.value for key in keys)
    if value <= 0:
        return None
    first, last = keys[0], keys[-1]
    fade_in = next((key.frame for key in keys if _close(key.value, value)), 0) if (
        first.frame == 0 and _close(first.value, 0)) else 0
    fade_out = duration - next((key.frame for key in reversed(keys) if _close(key.value, value)), duration) if (
        last.frame == duration and _close(last.value, 0)) else 0
    if not fade_in and not fade_out:
        return None
    expected = fade_keys(duration, fade_in, fade_out, value)
    if len(expected) != len(keys) or any(
            a.frame != b.frame or not _close(a.value, b.value) for a, b in zip(expected, keys)):
        return None
    return fade_in, fade_out, value


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
