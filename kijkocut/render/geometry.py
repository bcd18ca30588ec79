"""Where things land on the output frame: fitting sources to the canvas, and the canvas to the output size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kijkocut.model import Fit, Transform


def even(value: float) -> int:
    """Nearest even integer, at least 2 (4:2:0 planes want even sizes and positions)."""
    return max(2, 2 * round(value / 2))


def even_floor(value: float) -> int:
    return 2 * int(value // 2)


Reframe = Literal["contain", "cover"]  # a different output aspect: letterbox the canvas, or fill and crop it


@dataclass(frozen=True)
class OutputGeometry:
    """Maps canvas pixels to output pixels: uniform scale plus letterbox/crop offset."""

    canvas_width: int
    canvas_height: int
    width: int
    height: int
    reframe: Reframe = "contain"

    @property
    def scale(self) -> float:
        sx, sy = self.width / self.canvas_width, self.height / self.canvas_height
        return min(sx, sy) if self.reframe == "contain" else max(sx, sy)

    @property
    def offset(self) -> tuple[float, float]:
        s = self.scale
        return (self.width - self.canvas_width * s) / 2, (self.height - self.canvas_height * s) / 2

    def to_output(self, x: float, y: float) -> tuple[float, float]:
        ox, oy = self.offset
        return x * self.scale + ox, y * self.scale + oy


def fitted_size(fit: Fit, source_width: float, source_height: float, canvas_width: int,
                canvas_height: int) -> tuple[float, float]:
    """Size of a source on the canvas before the element's own scale."""
    if fit == "none":
        return source_width, source_height
    if fit == "stretch":
        return float(canvas_width), float(canvas_height)
    ratio_w, ratio_h = canvas_width / source_width, canvas_height / source_height
    factor = min(ratio_w, ratio_h) if fit == "contain" else max(ratio_w, ratio_h)
    return source_width * factor, source_height * factor


@dataclass(frozen=True)
class Placement:
    """An element's box on the output: centre and size in output pixels, rotation in degrees."""

    center_x: float
    center_y: float
    width: float
    height: float
    rotation: float


def place(transform: Transform, visible_width: float, visible_height: float, geometry: OutputGeometry) -> Placement:
    w, h = fitted_size(transform.fit, visible_width, visible_height, geometry.canvas_width, geometry.canvas_height)
    cx = geometry.canvas_width / 2 if transform.x is None else transform.x
    cy = geometry.canvas_height / 2 if transform.y is None else transform.y
    ox, oy = geometry.to_output(cx, cy)
    s = geometry.scale * transform.scale
    return Placement(ox, oy, w * s, h * s, transform.rotation % 360)
