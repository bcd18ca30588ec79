"""Titles: text laid out and rasterised with Pillow (font, weight, stroke, shadow, background box, line and
letter spacing, wrapping, bidirectional and CJK text through libraqm when Pillow has it), once per look, then
blended over its bounding box only. In/out animations (fade, typewriter, slide) are evaluated per frame."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from kijkocut.animation import cubic_bezier
from kijkocut.model import TextElement, TextStyle, parse_colour
from kijkocut.paths import FONT_DIRS, is_font_file

log = logging.getLogger(__name__)

DEFAULT_FONT_NAMES = ("DejaVuSans", "Arial", "Helvetica", "LiberationSans-Regular", "NotoSans-Regular")
_STYLE_SUFFIXES = {
    (True, False): ("bold",),
    (False, True): ("oblique", "italic"),
    (True, True): ("boldoblique", "bolditalic"),
    (False, False): ("", "regular"),
}


def _key(name: str) -> str:
    return name.lower().replace(" ", "").replace("-", "").replace("_", "")


@lru_cache(maxsize=1)
def _font_files() -> dict[str, Path]:
    """Font files by normalised stem, e.g. 'dejavusansbold' -> DejaVuSans-Bold.ttf."""
    found: dict[str, Path] = {}
    for directory in FONT_DIRS:
        if directory.is_dir():
            for path in sorted(directory.rglob("*")):
                if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                    found.setdefault(_key(path.stem), path)
    return found


def resolve_font_path(font: str | None, bold: bool = False, italic: bool = False) -> Path | None:
    """A font file for a path or family name in the wanted weight/slant; falls back to regular, then to the
    default family. None only when the system has no fonts at all. A family name is looked up in the font
    folders only, never as a file in the working directory."""
    files = _font_files()
    candidates: list[str] = []
    if font:
        path = Path(font).expanduser()
        if is_font_file(font) and path.is_file():
            if not (bold or italic):
                return path
            candidates += [_key(path.stem) + s for s in _STYLE_SUFFIXES[(bold, italic)]]
            candidates.append(_key(path.stem))
        family = _key(path.stem if path.suffix else font)
        candidates += [family + s for s in _STYLE_SUFFIXES[(bold, italic)]] + [family, family + "regular"]
    for name in DEFAULT_FONT_NAMES:
        family = _key(name)
        candidates += [family + s for s in _STYLE_SUFFIXES[(bold, italic)]] + [family]
    for key in candidates:
        if key in files:
            if font and not key.startswith(_key(Path(font).stem if Path(font).suffix else font)):
                log.warning("font %r not found; using %s", font, files[key].name)
            return files[key]
    if font and is_font_file(font) and Path(font).expanduser().is_file():
        return Path(font).expanduser()
    return None


@lru_cache(maxsize=64)
def load_font(font: str | None, size: int, bold: bool = False, italic: bool = False):
    path = resolve_font_path(font, bold, italic)
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(path), size=size)


_NOTDEF_PROBE = "\U0010fffd"  # a private-use code point no font draws


def _glyph_pixels(font, char: str) -> np.ndarray:
    size = max(4, int(getattr(font, "size", 32)) * 2)
    image = Image.new("L", (size, size))
    ImageDraw.Draw(image).text((size // 4, size // 4), char, font=font, fill=255)
    return np.asarray(image)


@lru_cache(maxsize=4096)
def _glyph_missing(font, char: str) -> bool:
    """FreeType draws .notdef (a box or nothing) for a missing glyph; compare with a code point no font has."""
    if char.isspace() or not char.isprintable():
        return False
    return np.array_equal(_glyph_pixels(font, char), _glyph_pixels(font, _NOTDEF_PROBE))


def missing_glyphs(text: str, style: TextStyle) -> list[str]:
    font = load_font(style.font, 48, style.weight == "bold", style.italic)
    return sorted({c for c in text if _glyph_missing(font, c)})


@dataclass(frozen=True)
class Layout:
    lines: tuple[str, ...]
    widths: tuple[float, ...]
    line_height: float
    ascent: int
    descent: int

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)

    @property
    def height(self) -> float:
        return (len(self.lines) - 1) * self.line_height + self.ascent + self.descent


def _line_width(font, line: str, spacing: float) -> float:
    if not line:
        return 0.0
    return font.getlength(line) + spacing * (len(line) - 1)


def _wrap(font, paragraph: str, limit: float | None, spacing: float) -> list[str]:
    if limit is None or _line_width(font, paragraph, spacing) <= limit:
        return [paragraph]
    lines: list[str] = []
    current = ""
    # Break at spaces; text without spaces (CJK) breaks between characters.
    tokens = paragraph.split(" ") if " " in paragraph.strip() else list(paragraph)
    joiner = " " if " " in paragraph.strip() else ""
    for token in tokens:
        candidate = token if not current else current + joiner + token
        if _line_width(font, candidate, spacing) <= limit or not current:
            current = candidate
        else:
            lines.append(current)
            current = token
    lines.append(current)
    return lines


def layout_text(text: str, font, style: TextStyle, scale: float) -> Layout:
    spacing = style.letter_spacing * scale
    limit = style.max_width * scale if style.max_width else None
    lines = [line for paragraph in text.split("\n") for line in _wrap(font, paragraph, limit, spacing)]
    ascent, descent = font.getmetrics() if hasattr(font, "getmetrics") else (style.size, 0)
    return Layout(
        tuple(lines),
        tuple(_line_width(font, line, spacing) for line in lines),
        style.line_spacing * style.size * scale,
        ascent,
        descent,
    )


def rasterise(element: TextElement, scale: float, visible_chars: int | None = None):
    """RGBA pixels of the title and the offset of their top-left from the anchor (the block's centre)."""
    style = element.style
    font = load_font(style.font, max(1, round(style.size * scale)), style.weight == "bold", style.italic)
    missing = missing_glyphs(element.text, style)
    if missing:
        log.warning(
            "missing glyph(s) %s in font %s for title %s: they will show as boxes or gaps",
            "".join(missing),
            getattr(font, "path", "default"),
            element.id,
        )
    layout = layout_text(element.text, font, style, scale)
    stroke = round(style.stroke_width * scale)
    shadow_reach = 0
    if style.shadow_color:
        shadow_reach = math.ceil(
            max(abs(style.shadow_offset_x), abs(style.shadow_offset_y)) * scale
            + 3 * style.shadow_blur * scale
        )
    box_pad = round(style.box_padding * scale) if style.box_color else 0
    margin = stroke + shadow_reach + box_pad + 2
    width = math.ceil(layout.width) + 2 * margin
    height = math.ceil(layout.height) + 2 * margin
    image = Image.new("RGBA", (max(1, width), max(1, height)), (0, 0, 0, 0))
    if style.box_color:
        ImageDraw.Draw(image).rounded_rectangle(
            [
                margin - box_pad,
                margin - box_pad,
                margin + layout.width + box_pad,
                margin + layout.height + box_pad,
            ],
            radius=round(style.box_radius * scale),
            fill=parse_colour(style.box_color),
        )
    text_layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    _draw_lines(
        ImageDraw.Draw(text_layer),
        font,
        layout,
        style,
        scale,
        margin,
        stroke,
        visible_chars,
        fill=parse_colour(style.color),
        stroke_fill=parse_colour(style.stroke_color),
    )
    if style.shadow_color:
        shadow_alpha = text_layer.getchannel("A")
        shadow = Image.new("RGBA", image.size, parse_colour(style.shadow_color)[:3] + (0,))
        shadow.putalpha(shadow_alpha.point(lambda a: a * parse_colour(style.shadow_color)[3] // 255))
        if style.shadow_blur > 0:
            shadow = shadow.filter(ImageFilter.GaussianBlur(style.shadow_blur * scale))
        offset = (round(style.shadow_offset_x * scale), round(style.shadow_offset_y * scale))
        shifted = Image.new("RGBA", image.size, (0, 0, 0, 0))
        shifted.paste(shadow, offset)
        image = Image.alpha_composite(image, shifted)
    image = Image.alpha_composite(image, text_layer)
    return np.asarray(image), (-(margin + layout.width / 2), -(margin + layout.height / 2))


def _draw_lines(
    draw,
    font,
    layout: Layout,
    style: TextStyle,
    scale: float,
    margin: int,
    stroke: int,
    visible_chars: int | None,
    fill,
    stroke_fill,
) -> None:
    remaining = visible_chars
    spacing = style.letter_spacing * scale
    for index, (line, line_width) in enumerate(zip(layout.lines, layout.widths)):
        x = (
            margin
            + {"left": 0.0, "center": (layout.width - line_width) / 2, "right": layout.width - line_width}[
                style.align
            ]
        )
        y = margin + index * layout.line_height
        shown = line if remaining is None else line[: max(0, remaining)]
        if remaining is not None:
            remaining -= len(line)
        if not shown:
            continue
        if spacing:
            for char in shown:  # letter spacing: glyph by glyph (no kerning, as in most editors)
                draw.text(
                    (x, y),
                    char,
                    font=font,
                    fill=fill,
                    anchor="la",
                    stroke_width=stroke,
                    stroke_fill=stroke_fill,
                )
                x += font.getlength(char) + spacing
        else:
            draw.text(
                (x, y), shown, font=font, fill=fill, anchor="la", stroke_width=stroke, stroke_fill=stroke_fill
            )


@dataclass(frozen=True)
class TextMotion:
    """Per-frame state of a title's in/out animations."""

    opacity: float = 1.0
    dx: float = 0.0  # canvas pixels
    dy: float = 0.0
    visible_chars: int | None = None


def text_motion(element: TextElement, t: Fraction, canvas_height: int) -> TextMotion:
    style = element.style
    span = max(Fraction(1, 1000), min(style.animation_duration, element.duration))
    opacity, dx, dy, visible = 1.0, 0.0, 0.0, None
    for kind, progress in (
        (style.animation_in, (t - element.start) / span),
        (style.animation_out, (element.end - t) / span),
    ):
        if kind == "none" or progress >= 1:
            continue
        p = float(max(Fraction(0), progress))
        if kind == "fade":
            opacity *= p
        elif kind == "typewriter":
            count = math.floor(len(element.text) * p)
            visible = count if visible is None else min(visible, count)
        else:
            distance = (1 - cubic_bezier(0.0, 0.0, 0.58, 1.0, p)) * 0.1 * canvas_height
            unit = {"slide_up": (0, 1), "slide_down": (0, -1), "slide_left": (1, 0), "slide_right": (-1, 0)}[
                kind
            ]
            dx += unit[0] * distance
            dy += unit[1] * distance
    return TextMotion(opacity, dx, dy, visible)
