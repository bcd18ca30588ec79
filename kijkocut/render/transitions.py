"""Transition kinds as modifiers of the two clips at progress k in [0, 1): opacity, offset, scale, a reveal
mask and blur for each side, plus an optional colour drawn over both (dips). Pure functions of k."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# mask(width, height, left, top) -> float32 (height, width) in [0, 1], in output pixel coordinates
Mask = Callable[[int, int, int, int], np.ndarray]


@dataclass(frozen=True)
class SideModifier:
    opacity: float = 1.0
    dx: float = 0.0  # output pixels
    dy: float = 0.0
    scale: float = 1.0
    blur: float = 0.0  # output pixels
    mask: Mask | None = field(default=None, compare=False)

    @property
    def visible(self) -> bool:
        return self.opacity > 0


@dataclass(frozen=True)
class TransitionLook:
    outgoing: SideModifier
    incoming: SideModifier
    colour: tuple[int, int, int] | None = None
    colour_opacity: float = 0.0


def _edge_mask(axis: str, threshold: float, reveal_after: bool, softness: float) -> Mask:
    """1 where the incoming clip shows: beyond `threshold` (output pixels) along an axis, with a soft edge."""

    def mask(width: int, height: int, left: int, top: int) -> np.ndarray:
        if axis == "x":
            coords = np.arange(left, left + width, dtype=np.float32)[None, :]
        else:
            coords = np.arange(top, top + height, dtype=np.float32)[:, None]
        ramp = np.clip((coords - threshold) / softness + 0.5, 0, 1)
        values = ramp if reveal_after else 1 - ramp
        return np.broadcast_to(values, (height, width)).astype(np.float32)

    return mask


def _iris_mask(cx: float, cy: float, radius: float, softness: float) -> Mask:
    def mask(width: int, height: int, left: int, top: int) -> np.ndarray:
        y, x = np.ogrid[top : top + height, left : left + width]
        distance = np.sqrt((x - cx) ** 2 + (y - cy) ** 2).astype(np.float32)
        return np.clip((radius - distance) / softness + 0.5, 0, 1)

    return mask


def transition_look(kind: str, k: float, width: int, height: int) -> TransitionLook:
    """How both sides look at progress k for an output of width x height."""
    k = min(max(k, 0.0), 1.0)
    out, inc = SideModifier(), SideModifier(opacity=k)
    soft = max(2.0, 0.01 * max(width, height))
    if kind in ("dip_to_black", "dip_to_white"):
        colour = (0, 0, 0) if kind == "dip_to_black" else (255, 255, 255)
        if k < 0.5:
            return TransitionLook(out, SideModifier(opacity=0), colour, 2 * k)
        return TransitionLook(SideModifier(opacity=0), SideModifier(), colour, 2 * (1 - k))
    if kind.startswith("wipe_"):
        direction = kind.removeprefix("wipe_")
        threshold = {"left": width * (1 - k), "right": width * k, "up": height * (1 - k), "down": height * k}[
            direction
        ]
        axis = "x" if direction in ("left", "right") else "y"
        return TransitionLook(
            out, SideModifier(mask=_edge_mask(axis, threshold, direction in ("left", "up"), soft))
        )
    if kind.startswith(("slide_", "push_")):
        direction = kind.split("_", 1)[1]
        unit_x, unit_y = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}[direction]
        # The incoming clip travels in `direction` from off-screen; push moves the outgoing one ahead of it.
        inc = SideModifier(dx=-unit_x * width * (1 - k), dy=-unit_y * height * (1 - k))
        if kind.startswith("push_"):
            out = SideModifier(dx=unit_x * width * k, dy=unit_y * height * k)
        return TransitionLook(out, inc)
    if kind == "zoom_in":
        return TransitionLook(
            SideModifier(scale=1 + k, opacity=1.0), SideModifier(opacity=k, scale=0.5 + 0.5 * k)
        )
    if kind == "zoom_out":
        return TransitionLook(SideModifier(scale=1 - 0.5 * k), SideModifier(opacity=k, scale=2 - k))
    if kind == "iris":
        radius = k * math.hypot(width, height) / 2
        return TransitionLook(out, SideModifier(mask=_iris_mask(width / 2, height / 2, radius, soft)))
    if kind == "blur_dissolve":
        strength = math.sin(math.pi * k) * 0.02 * width
        return TransitionLook(SideModifier(blur=strength), SideModifier(opacity=k, blur=strength))
    return TransitionLook(out, inc)  # crossfade
