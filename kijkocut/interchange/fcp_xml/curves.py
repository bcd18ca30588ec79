"""Animations as FCP keyframes and back, frame-exact: a value is worked out for every frame of the clip (with
KijkoCut's easing, holds and fades applied) and only the frames where its straight lines bend are kept. FCP
interpolates linearly between keyframes, so every frame shows what KijkoCut shows; reading does the same in
reverse, so an FCP animation lands on KijkoCut keyframes that give its values at every frame."""

from __future__ import annotations

from collections.abc import Sequence

from kijkocut.interchange.fcp_xml.filters import Key, Point

TOLERANCE = 1e-9


def _step(values: Sequence[Point], index: int) -> tuple[float, ...]:
    after, before = values[index], values[index - 1]
    if isinstance(after, tuple) and isinstance(before, tuple):
        return tuple(a - b for a, b in zip(after, before))
    return (float(after) - float(before),)  # type: ignore[arg-type]


def _same_step(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(abs(x - y) <= TOLERANCE * max(1.0, abs(x), abs(y)) for x, y in zip(a, b))


def corners(values: Sequence[Point]) -> list[Key]:
    """The fewest keyframes (one per frame index) whose straight lines pass through every frame's value:
    the first and last frame and every frame where the step from one frame to the next changes."""
    if not values:
        return []
    kept = [0]
    for index in range(1, len(values) - 1):
        if not _same_step(_step(values, index), _step(values, index + 1)):
            kept.append(index)
    if len(values) > 1:
        kept.append(len(values) - 1)
    return [Key(index, values[index]) for index in kept]


def constant(values: Sequence[Point]) -> bool:
    return all(value == values[0] for value in values)


def keyed_value(keys: Sequence[Key], frame: float) -> Point:
    """The value keyframes give at a frame: linear between keys, held before the first and after the last."""
    if frame <= keys[0].frame:
        return keys[0].value
    for current, following in zip(keys, keys[1:]):
        if frame <= following.frame:
            span = following.frame - current.frame
            share = 1.0 if span == 0 else (frame - current.frame) / span
            return _between(current.value, following.value, share)
    return keys[-1].value


def _between(a: Point, b: Point, share: float) -> Point:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)
    return float(a) + (float(b) - float(a)) * share  # type: ignore[arg-type]
