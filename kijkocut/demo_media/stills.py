"""The demo's still files: a logo with transparency, and a colour look as a 3D LUT (.cube)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SUPERSAMPLE = 4  # drawn this much larger, then scaled down: smooth edges


def write_logo(path: str | Path, size: int = 256) -> Path:
    """A rounded tile in a coral-to-violet gradient holding a white eye whose pupil is a play button
    ("kijk" is Dutch for "look"), with a soft shadow; transparent around it (RGBA PNG)."""
    path = Path(path)
    big = size * SUPERSAMPLE
    margin = big // 10
    yy, xx = np.mgrid[0:big, 0:big].astype(np.float32) / big
    blend = np.clip((xx + yy) / 2, 0, 1)[..., None]
    coral, violet = np.array([255, 95, 109], np.float32), np.array([106, 92, 255], np.float32)
    gradient = (coral * (1 - blend) + violet * blend).astype(np.uint8)
    tile_mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(tile_mask).rounded_rectangle(
        [margin, margin, big - margin, big - margin], radius=big // 5, fill=255
    )
    tile = Image.fromarray(gradient).convert("RGBA")
    tile.putalpha(tile_mask)
    draw = ImageDraw.Draw(tile)
    cx, cy, half_w, half_h = big / 2, big / 2, big * 0.3, big * 0.17
    eye = [(cx - half_w + 2 * half_w * i / 40, cy - half_h * np.sin(np.pi * i / 40)) for i in range(41)]
    eye += [(cx + half_w - 2 * half_w * i / 40, cy + half_h * np.sin(np.pi * i / 40)) for i in range(41)]
    draw.polygon(eye, fill=(255, 255, 255, 255))
    iris = big * 0.13
    draw.ellipse([cx - iris, cy - iris, cx + iris, cy + iris], fill=(40, 24, 90, 255))
    play = big * 0.065
    draw.polygon(
        [(cx - play * 0.7, cy - play), (cx - play * 0.7, cy + play), (cx + play, cy)],
        fill=(255, 255, 255, 255),
    )
    shadow = Image.new("RGBA", (big, big), (20, 8, 40, 0))
    shadow.putalpha(tile_mask.point(lambda a: a * 110 // 255).filter(ImageFilter.GaussianBlur(big / 40)))
    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas.alpha_composite(shadow, (0, big // 60))
    canvas.alpha_composite(tile)
    canvas.resize((size, size), Image.Resampling.LANCZOS).save(path)
    return path


def write_teal_orange_lut(path: str | Path, points: int = 17) -> Path:
    """A film look as a 3D .cube: shadows pushed towards teal, skin and highlights towards orange, a gentle
    S-curve for contrast and a touch more saturation."""
    path = Path(path)
    grid = np.linspace(0, 1, points, dtype=np.float64)
    blue, green, red = np.meshgrid(grid, grid, grid, indexing="ij")  # .cube order: red varies fastest
    rgb = np.stack([red, green, blue], axis=-1)
    luma = rgb @ np.array([0.2126, 0.7152, 0.0722])
    curved = luma + 1.4 * (luma - 0.5) * luma * (1 - luma)  # darker shadows, brighter highlights
    rgb = rgb + (curved - luma)[..., None]
    teal, orange = np.array([-0.06, 0.02, 0.05]), np.array([0.07, 0.015, -0.06])
    shadows = np.clip(1 - luma / 0.55, 0, 1)[..., None]
    highlights = np.clip((luma - 0.45) / 0.55, 0, 1)[..., None]
    rgb = rgb + teal * shadows + orange * highlights
    grey = (rgb @ np.array([0.2126, 0.7152, 0.0722]))[..., None]
    rgb = np.clip(grey + (rgb - grey) * 1.12, 0, 1)
    lines = [
        'TITLE "KijkoCut teal and orange"',
        f"LUT_3D_SIZE {points}",
        "DOMAIN_MIN 0 0 0",
        "DOMAIN_MAX 1 1 1",
    ]
    lines += [f"{r:.5f} {g:.5f} {b:.5f}" for r, g, b in rgb.reshape(-1, 3)]
    path.write_text("\n".join(lines) + "\n")
    return path
