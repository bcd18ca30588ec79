"""Titles: text rasterised once per element with Pillow at output scale, then blended over its bounding box."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kijkocut.model import TextElement, parse_colour
from kijkocut.render.canvas import Patch
from kijkocut.render.geometry import OutputGeometry
from kijkocut.render.layers import rgba_patch

log = logging.getLogger(__name__)

FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
             Path("/Library/Fonts"), Path("/System/Library/Fonts"), Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
DEFAULT_FONT_NAMES = ("DejaVuSans", "Arial", "Helvetica", "LiberationSans-Regular", "NotoSans-Regular")


@lru_cache(maxsize=256)
def _font_files() -> dict[str, Path]:
    """Font files by lower-case stem without spaces or dashes, e.g. 'dejavusans' -> DejaVuSans.ttf."""
    found: dict[str, Path] = {}
    for directory in FONT_DIRS:
        if directory.is_dir():
            for path in directory.rglob("*"):
                if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                    found.setdefault(path.stem.lower().replace(" ", "").replace("-", ""), path)
    return found


def resolve_font_path(font: str | None) -> Path | None:
    """A font file path for a file path or family name; None if nothing matches."""
    if font:
        candidate = Path(font).expanduser()
        if candidate.is_file():
            return candidate
        key = font.lower().replace(" ", "").replace("-", "")
        files = _font_files()
        if key in files:
            return files[key]
        if key + "regular" in files:
            return files[key + "regular"]
        log.warning("font %r not found; using the default font", font)
    files = _font_files()
    for name in DEFAULT_FONT_NAMES:
        key = name.lower().replace("-", "")
        if key in files:
            return files[key]
    return None


@lru_cache(maxsize=64)
def load_font(font: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = resolve_font_path(font)
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(path), size=size)


def rasterise(element: TextElement, scale: float) -> tuple[np.ndarray, tuple[float, float]]:
    """RGBA pixels of the text and the offset of their top-left from the anchor (the text's centre)."""
    style = element.style
    font = load_font(style.font, max(1, round(style.size * scale)))
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.multiline_textbbox((0, 0), element.text, font=font, anchor="mm",
                                                        align=style.align)
    # Pillow's bbox is the ink box; a margin keeps antialiased edges.
    left, top, right, bottom = left - 2, top - 2, right + 2, bottom + 2
    image = Image.new("RGBA", (int(right - left), int(bottom - top)), (0, 0, 0, 0))
    red, green, blue, alpha = parse_colour(style.color)
    ImageDraw.Draw(image).multiline_text((-left, -top), element.text, font=font, fill=(red, green, blue, alpha),
                                         anchor="mm", align=style.align)
    return np.asarray(image), (left, top)


def text_patch(element: TextElement, geometry: OutputGeometry) -> Patch:
    rgba, (offset_x, offset_y) = rasterise(element, geometry.scale)
    style = element.style
    cx = geometry.canvas_width / 2 if style.x is None else style.x
    cy = geometry.canvas_height / 2 if style.y is None else style.y
    ox, oy = geometry.to_output(cx, cy)
    return rgba_patch(rgba, ox + offset_x, oy + offset_y)
