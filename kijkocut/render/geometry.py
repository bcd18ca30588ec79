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


Reframe = Literal["contain", "cover"]  # how the canvas maps onto the output: all of it fits, or it fills it
# What an export does when its aspect differs from the canvas's: fill the frame and cut the sides ("crop", a
# cover mapping), or show the whole canvas ("contain") on a blurred copy of itself or on a colour.
ReframeMode = Literal["crop", "fit_blur", "fit_color"]


def mapping_for(mode: ReframeMode) -> Reframe:
    return "cover" if mode == "crop" else "contain"


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    def intersect(self, other: Box) -> Box:
        """The part shared with `other` (empty: zero width or height)."""
        left, top = max(self.left, other.left), max(self.top, other.top)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Box(left, top, max(0.0, right - left), max(0.0, bottom - top))

    def overlap(self, other: Box) -> float:
        """Area shared with `other`."""
        return self.intersect(other).area


def fit_box(canvas_width: int, canvas_height: int, width: int, height: int) -> Box:
    """Where the whole canvas goes on a width x height output: as large as fits, centred, on even pixels (the
    band of a vertical export of a 16:9 canvas)."""
    scale = min(width / canvas_width, height / canvas_height)
    band_width, band_height = min(width, even(canvas_width * scale)), min(height, even(canvas_height * scale))
    return Box(
        even_floor((width - band_width) / 2), even_floor((height - band_height) / 2), band_width, band_height
    )


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

    def box_to_output(self, box: Box) -> Box:
        """A canvas rectangle on the output."""
        left, top = self.to_output(box.left, box.top)
        return Box(left, top, box.width * self.scale, box.height * self.scale)

    @property
    def canvas_box(self) -> Box:
        """The whole canvas on the output (larger than the output when cropped)."""
        return self.box_to_output(Box(0, 0, self.canvas_width, self.canvas_height))


def fitted_size(
    fit: Fit, source_width: float, source_height: float, canvas_width: int, canvas_height: int
) -> tuple[float, float]:
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


def place(
    transform: Transform, visible_width: float, visible_height: float, geometry: OutputGeometry
) -> Placement:
    w, h = fitted_size(
        transform.fit, visible_width, visible_height, geometry.canvas_width, geometry.canvas_height
    )
    cx = geometry.canvas_width / 2 if transform.x is None else transform.x
    cy = geometry.canvas_height / 2 if transform.y is None else transform.y
    ox, oy = geometry.to_output(cx, cy)
    s = geometry.scale * transform.scale
    return Placement(ox, oy, w * s, h * s, transform.rotation % 360)
