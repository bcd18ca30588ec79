"""KijkoCut's transform as Final Cut Pro 7's Basic Motion and Crop filters, and back (pure geometry).

KijkoCut fits the visible (cropped) source to the canvas, scales it, rotates it about its own centre and puts
that centre at (x, y) in canvas pixels. FCP 7 scales the whole source by a percentage of its own pixels, crops
edges off without rescaling, rotates about the source's centre and gives that centre as an offset from the
frame's centre in frame widths and heights. The two describe the same picture when the crop offset is
rotated along: the visible centre is the source centre plus the rotated offset of the kept part."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kijkocut.model import Crop, Transform
from kijkocut.render.geometry import fitted_size

# Enough digits that a round trip gives back the value a person typed (0.5, 40.0), not 0.49999999999.
DIGITS = 9


@dataclass(frozen=True)
class BasicMotion:
    scale: float  # percent of the source's own pixels
    rotation: float  # degrees, clockwise
    center_h: float  # the source centre's offset from the frame centre, in frame widths
    center_v: float  # in frame heights
    crop_left: float = 0.0  # percent of the source
    crop_right: float = 0.0
    crop_top: float = 0.0
    crop_bottom: float = 0.0

    @property
    def crops(self) -> bool:
        return any((self.crop_left, self.crop_right, self.crop_top, self.crop_bottom))


def _rotated(dx: float, dy: float, degrees: float) -> tuple[float, float]:
    # Clockwise on screen (y grows downwards).
    angle = math.radians(degrees)
    return dx * math.cos(angle) - dy * math.sin(angle), dx * math.sin(angle) + dy * math.cos(angle)


def _crop_offset(crop: Crop, width: float, height: float) -> tuple[float, float]:
    """From the source centre to the kept part's centre, unrotated, for a source drawn width x height."""
    return (crop.left - crop.right) / 2 * width, (crop.top - crop.bottom) / 2 * height


def to_basic_motion(
    transform: Transform, source_width: float, source_height: float, canvas_width: int, canvas_height: int
) -> BasicMotion:
    """FCP's motion for a transform (a 'stretch' fit keeps its width: FCP scales uniformly)."""
    crop = transform.crop
    visible_width = source_width * (1 - crop.left - crop.right)
    visible_height = source_height * (1 - crop.top - crop.bottom)
    fitted_width, _ = fitted_size(transform.fit, visible_width, visible_height, canvas_width, canvas_height)
    factor = fitted_width / visible_width * transform.scale  # canvas pixels per source pixel
    centre_x = canvas_width / 2 if transform.x is None else transform.x
    centre_y = canvas_height / 2 if transform.y is None else transform.y
    offset_x, offset_y = _rotated(
        *_crop_offset(crop, source_width * factor, source_height * factor), transform.rotation
    )
    return BasicMotion(
        scale=round(factor * 100, DIGITS),
        rotation=transform.rotation,
        center_h=round((centre_x - offset_x - canvas_width / 2) / canvas_width, DIGITS),
        center_v=round((centre_y - offset_y - canvas_height / 2) / canvas_height, DIGITS),
        crop_left=round(crop.left * 100, DIGITS),
        crop_right=round(crop.right * 100, DIGITS),
        crop_top=round(crop.top * 100, DIGITS),
        crop_bottom=round(crop.bottom * 100, DIGITS),
    )


def from_basic_motion(
    motion: BasicMotion,
    opacity: float,
    source_width: float,
    source_height: float,
    canvas_width: int,
    canvas_height: int,
) -> Transform:
    """The transform (fit 'contain') that draws what FCP's motion draws."""
    crop = Crop(
        left=motion.crop_left / 100,
        right=motion.crop_right / 100,
        top=motion.crop_top / 100,
        bottom=motion.crop_bottom / 100,
    )
    factor = motion.scale / 100
    visible_width = source_width * (1 - crop.left - crop.right)
    visible_height = source_height * (1 - crop.top - crop.bottom)
    fitted_width, _ = fitted_size("contain", visible_width, visible_height, canvas_width, canvas_height)
    offset_x, offset_y = _rotated(
        *_crop_offset(crop, source_width * factor, source_height * factor), motion.rotation
    )
    centre_x = canvas_width / 2 + motion.center_h * canvas_width + offset_x
    centre_y = canvas_height / 2 + motion.center_v * canvas_height + offset_y
    return Transform(
        x=None if math.isclose(centre_x, canvas_width / 2, abs_tol=1e-6) else round(centre_x, 6),
        y=None if math.isclose(centre_y, canvas_height / 2, abs_tol=1e-6) else round(centre_y, 6),
        scale=round(factor * visible_width / fitted_width, DIGITS),
        rotation=motion.rotation,
        opacity=opacity,
        crop=crop,
    )
