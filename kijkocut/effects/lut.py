"""Adobe/Resolve .cube LUT files (1D and 3D), parsed once and applied with Pillow's C trilinear lookup."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import ImageFilter

from kijkocut.errors import KijkoCutError


@dataclass(frozen=True)
class CubeLut:
    size: int
    dimensions: int  # 1 or 3
    table: np.ndarray  # 3D: (size**3, 3) with red varying fastest; 1D: (size, 3)
    domain_min: tuple[float, float, float]
    domain_max: tuple[float, float, float]


# What each keyword line needs, for errors that say what is wrong without quoting the file.
_KEYWORD_NEEDS = {
    "LUT_3D_SIZE": "a whole number",
    "LUT_1D_SIZE": "a whole number",
    "DOMAIN_MIN": "three numbers",
    "DOMAIN_MAX": "three numbers",
}


def parse_cube(text: str, source: str = "<cube>") -> CubeLut:
    """Errors name the source and the line, never its text: a LUT path may name any file, and its content
    must not reach the caller."""
    size, dimensions = 0, 0
    domain_min, domain_max = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
    rows: list[tuple[float, float, float]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        keyword, *values = line.split()
        upper = keyword.upper()
        try:
            if upper == "LUT_3D_SIZE":
                size, dimensions = int(values[0]), 3
            elif upper == "LUT_1D_SIZE":
                size, dimensions = int(values[0]), 1
            elif upper == "DOMAIN_MIN":
                domain_min = _three_numbers(values)
            elif upper == "DOMAIN_MAX":
                domain_max = _three_numbers(values)
            elif upper in ("TITLE", "LUT_1D_INPUT_RANGE", "LUT_3D_INPUT_RANGE"):
                continue
            else:
                rows.append((float(keyword), float(values[0]), float(values[1])))
        except (ValueError, IndexError):
            problem = (
                f"{upper} needs {_KEYWORD_NEEDS[upper]}"
                if upper in _KEYWORD_NEEDS
                else "not a LUT row (three numbers) or a known keyword"
            )
            raise KijkoCutError(f"{source}: line {number}: {problem}") from None
    if not dimensions:
        raise KijkoCutError(f"{source}: no LUT_3D_SIZE or LUT_1D_SIZE line")
    expected = size**3 if dimensions == 3 else size
    if len(rows) != expected or size < 2:
        raise KijkoCutError(f"{source}: expected {expected} table rows for size {size}, found {len(rows)}")
    return CubeLut(size, dimensions, np.asarray(rows, np.float32), domain_min, domain_max)


def _three_numbers(values: list[str]) -> tuple[float, float, float]:
    """Red, green and blue of a DOMAIN line; ValueError for fewer than three."""
    red, green, blue = (float(value) for value in values[:3])
    return red, green, blue


@lru_cache(maxsize=16)
def load_cube(path: str) -> CubeLut:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise KijkoCutError(f"{path}: cannot read LUT ({exc.strerror})") from None
    return parse_cube(text, path)


@lru_cache(maxsize=16)
def _pillow_filter(path: str) -> ImageFilter.Color3DLUT:
    lut = load_cube(path)
    return ImageFilter.Color3DLUT(lut.size, lut.table.flatten().tolist(), channels=3)


def apply_lut(rgb: np.ndarray, path: str) -> np.ndarray:
    """rgb: float32 (H, W, 3) in [0, 1]. 3D tables run through Pillow (C, trilinear); 1D per channel."""
    from PIL import Image

    lut = load_cube(path)
    low, high = np.asarray(lut.domain_min, np.float32), np.asarray(lut.domain_max, np.float32)
    normalised = np.clip((rgb - low) / (high - low), 0, 1)
    if lut.dimensions == 1:
        positions = normalised * (lut.size - 1)
        out = np.empty_like(rgb)
        grid = np.arange(lut.size, dtype=np.float32)
        for channel in range(3):
            out[..., channel] = np.interp(positions[..., channel], grid, lut.table[:, channel])
        return out
    image = Image.fromarray((normalised * 255 + 0.5).astype(np.uint8), "RGB")
    return np.asarray(image.filter(_pillow_filter(path)), np.float32) / 255


def apply_lut_uint8(rgb: np.ndarray, path: str) -> np.ndarray:
    """8-bit RGB through a LUT whose domain is [0, 1] (Pillow's C lookup; the common case, no float copies)."""
    from PIL import Image

    lut = load_cube(path)
    if lut.dimensions == 1 or lut.domain_min != (0.0, 0.0, 0.0) or lut.domain_max != (1.0, 1.0, 1.0):
        return (apply_lut(rgb.astype(np.float32) / 255, path) * 255 + 0.5).clip(0, 255).astype(np.uint8)
    return np.asarray(Image.fromarray(np.ascontiguousarray(rgb), "RGB").filter(_pillow_filter(path)))
