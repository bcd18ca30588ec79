"""The YUV canvas blend: banded fixed-point mixing must equal the plain per-pixel formula everywhere, whatever
the patch's position, size and alpha."""

from __future__ import annotations

import numpy as np
import pytest

from kijkocut.render.canvas import BLEND_BAND_BYTES, Canvas, Patch


def reference_blend(
    dst: np.ndarray, src: np.ndarray, x: int, y: int, alpha: np.ndarray | None, opacity: float
) -> np.ndarray:
    """The blend written pixel by pixel in int64 over the whole plane, with no banding and no in-place tricks."""
    out = dst.astype(np.int64)
    level = round(opacity * 256)
    for row in range(src.shape[0]):
        for_row = y + row
        if not 0 <= for_row < dst.shape[0]:
            continue
        cols = np.arange(src.shape[1]) + x
        inside = (cols >= 0) & (cols < dst.shape[1])
        s = src[row, inside].astype(np.int64)
        d = out[for_row, cols[inside]]
        if alpha is None:
            w = np.full_like(s, level)
        else:
            w = (alpha[row, inside].astype(np.int64) * level + 128) >> 8
            w += w >> 7
        out[for_row, cols[inside]] = (s * w + d * (256 - w) + 128) >> 8
    return out.astype(np.uint8)


def random_canvas(rng, width: int, height: int) -> Canvas:
    canvas = Canvas(width, height, (0, 0, 0))
    for plane in (canvas.luma, canvas.cb, canvas.cr):
        plane[:] = rng.integers(0, 256, plane.shape, np.uint8)
    return canvas


def random_patch(rng, x: int, y: int, width: int, height: int, with_alpha: bool) -> Patch:
    planes = [rng.integers(0, 256, (height, width), np.uint8)] + [
        rng.integers(0, 256, (height // 2, width // 2), np.uint8) for _ in range(2)
    ]
    if not with_alpha:
        return Patch(x, y, *planes)
    alpha = rng.integers(0, 256, (height, width), np.uint8)
    alpha[:, :4] = 0  # fully transparent columns must leave the canvas untouched
    alpha[:, -4:] = 255  # and opaque ones replace it exactly at full opacity
    return Patch(x, y, *planes, alpha, alpha[::2, ::2].copy())


# A full-HD canvas spans many bands and ends on a partial one; the patches overhang every edge.
assert 1080 % (BLEND_BAND_BYTES // 1920) != 0
CASES = [
    (1920, 1080, 0, 0, 1920, 1080),
    (1920, 1080, -100, -52, 700, 400),
    (1920, 1080, 1500, 900, 600, 300),
    (64, 36, -8, 10, 80, 20),
]


@pytest.mark.parametrize("with_alpha", [False, True], ids=["solid", "alpha"])
@pytest.mark.parametrize("opacity", [0.25, 0.9, 1.0])
@pytest.mark.parametrize("case", CASES, ids=lambda c: "x".join(map(str, c)))
def test_banded_blend_equals_the_per_pixel_formula(case, opacity, with_alpha):
    width, height, x, y, patch_width, patch_height = case
    rng = np.random.default_rng(hash(case) % 2**32)
    canvas = random_canvas(rng, width, height)
    patch = random_patch(rng, x, y, patch_width, patch_height, with_alpha)
    before = [plane.copy() for plane in (canvas.luma, canvas.cb, canvas.cr)]

    canvas.blend(patch, opacity)

    expected_luma = reference_blend(before[0], patch.luma, x, y, patch.alpha, opacity)
    expected_cb = reference_blend(before[1], patch.cb, x // 2, y // 2, patch.alpha_chroma, opacity)
    expected_cr = reference_blend(before[2], patch.cr, x // 2, y // 2, patch.alpha_chroma, opacity)
    assert np.array_equal(canvas.luma, expected_luma)
    assert np.array_equal(canvas.cb, expected_cb)
    assert np.array_equal(canvas.cr, expected_cr)
    assert not np.array_equal(canvas.luma, before[0])


def test_transparent_and_opaque_alpha_are_exact():
    rng = np.random.default_rng(3)
    canvas = random_canvas(rng, 320, 180)
    before = canvas.luma.copy()
    patch = random_patch(rng, 0, 0, 320, 180, with_alpha=True)
    canvas.blend(patch, 1.0)
    assert np.array_equal(canvas.luma[:, :4], before[:, :4])
    assert np.array_equal(canvas.luma[:, -4:], patch.luma[:, -4:])
