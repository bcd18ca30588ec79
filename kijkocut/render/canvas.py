"""A YUV 4:2:0 output frame that layers are blended into. Compositing in the encoder's own pixel format
(BT.709, limited range: see `kijkocut.render.colour`) skips two full-frame colour conversions per frame, and
blending touches only each layer's bounding box."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np

from kijkocut.render.colour import rgb_to_yuv709, tag_bt709

# Rows blended per pass: a band's uint16 temporaries fit in the CPU cache (about 128 KiB of 8-bit pixels).
BLEND_BAND_BYTES = 128 * 1024


def plane_view(frame: av.VideoFrame, index: int, width: int, height: int) -> np.ndarray:
    """A writable numpy view of one plane (without the line padding)."""
    plane = frame.planes[index]
    return np.frombuffer(memoryview(plane), np.uint8).reshape(-1, plane.line_size)[:height, :width]


@dataclass
class Patch:
    """A layer ready to blend: 4:2:0 planes placed at an even (x, y), with optional alpha planes."""

    x: int
    y: int
    luma: np.ndarray
    cb: np.ndarray
    cr: np.ndarray
    alpha: np.ndarray | None = None  # full resolution, uint8
    alpha_chroma: np.ndarray | None = None  # half resolution, uint8

    @classmethod
    def from_frame(cls, frame: av.VideoFrame, x: int, y: int) -> Patch:
        """From a yuv420p or yuva420p frame (planes copied out of the frame's buffers)."""
        w, h = frame.width, frame.height
        cw, ch = (w + 1) // 2, (h + 1) // 2
        luma = plane_view(frame, 0, w, h)
        cb, cr = plane_view(frame, 1, cw, ch), plane_view(frame, 2, cw, ch)
        alpha = alpha_chroma = None
        if frame.format.name == "yuva420p":
            alpha = plane_view(frame, 3, w, h)
            padded = (
                alpha if (w % 2 == 0 and h % 2 == 0) else np.pad(alpha, ((0, h % 2), (0, w % 2)), mode="edge")
            )
            alpha_chroma = padded.reshape(ch, 2, cw, 2).mean(axis=(1, 3)).astype(np.uint8)
        return cls(x, y, luma, cb, cr, alpha, alpha_chroma)

    @property
    def width(self) -> int:
        return self.luma.shape[1]

    @property
    def height(self) -> int:
        return self.luma.shape[0]


class Canvas:
    def __init__(self, width: int, height: int, background: tuple[int, int, int]):
        self.width, self.height = width, height
        self.frame = tag_bt709(av.VideoFrame(width, height, "yuv420p"))
        self.luma = plane_view(self.frame, 0, width, height)
        self.cb = plane_view(self.frame, 1, width // 2, height // 2)
        self.cr = plane_view(self.frame, 2, width // 2, height // 2)
        y, u, v = rgb_to_yuv709(*background)
        self.luma[:] = y
        self.cb[:] = u
        self.cr[:] = v

    def covers(self, patch: Patch) -> bool:
        return patch.x == 0 and patch.y == 0 and patch.width == self.width and patch.height == self.height

    def blend(self, patch: Patch, opacity: float) -> None:
        if opacity <= 0:
            return
        self._blend_plane(self.luma, patch.luma, patch.x, patch.y, patch.alpha, opacity)
        self._blend_plane(self.cb, patch.cb, patch.x // 2, patch.y // 2, patch.alpha_chroma, opacity)
        self._blend_plane(self.cr, patch.cr, patch.x // 2, patch.y // 2, patch.alpha_chroma, opacity)

    @staticmethod
    def _blend_plane(
        dst: np.ndarray, src: np.ndarray, x: int, y: int, alpha: np.ndarray | None, opacity: float
    ) -> None:
        height, width = dst.shape
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + src.shape[1], width), min(y + src.shape[0], height)
        if x1 <= x0 or y1 <= y0:
            return
        region = dst[y0:y1, x0:x1]
        source = src[y0 - y : y1 - y, x0 - x : x1 - x]
        if alpha is None and opacity >= 1:
            region[:] = source
            return
        level = round(opacity * 256)
        cover = None if alpha is None else alpha[y0 - y : y1 - y, x0 - x : x1 - x]
        # Bands of rows whose uint16 temporaries stay in the CPU cache: whole-frame passes are bound by memory
        # bandwidth (shared with the decoder and encoder threads) and run several times slower.
        rows = max(1, BLEND_BAND_BYTES // region.shape[1])
        for top in range(0, region.shape[0], rows):
            band = slice(top, top + rows)
            _mix_into(
                region[band], source[band], level if cover is None else _alpha_weights(cover[band], level)
            )


def _alpha_weights(alpha: np.ndarray, level: int) -> np.ndarray:
    """Per-pixel weights 0..256 from 8-bit alpha scaled by an opacity level 0..256."""
    weight = alpha.astype(np.uint16)
    weight *= level
    weight += 128
    weight >>= 8
    weight += weight >> 7  # map 255 -> 256 so opaque pixels replace exactly
    return weight


def _mix_into(region: np.ndarray, source: np.ndarray, weight: np.ndarray | int) -> None:
    """region = (source * w + region * (256 - w) + 128) >> 8, in uint16 fixed point (a third of the cost of
    float32)."""
    mixed = source.astype(np.uint16)
    mixed *= weight
    rest = region.astype(np.uint16)
    rest *= 256 - weight
    mixed += rest
    mixed += 128
    mixed >>= 8
    region[:] = mixed


# --- RGB access for effects that need it: blend modes and adjustment layers ------------------------------

# BT.709, limited range
_YUV_TO_RGB = np.array(
    [[1.164384, 0.0, 1.792741], [1.164384, -0.213249, -0.532909], [1.164384, 2.112402, 0.0]], np.float32
)
_RGB_TO_YUV = np.array(
    [[0.182586, 0.614231, 0.062007], [-0.100644, -0.338572, 0.439216], [0.439216, -0.398942, -0.040274]],
    np.float32,
)


def _even_box(canvas: Canvas, left: int, top: int, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0 = max(0, left - left % 2), max(0, top - top % 2)
    x1, y1 = min(canvas.width, left + width), min(canvas.height, top + height)
    x1, y1 = x1 + x1 % 2, y1 + y1 % 2
    return x0, y0, min(x1, canvas.width), min(y1, canvas.height)


def read_rgb(canvas: Canvas, box: tuple[int, int, int, int]) -> np.ndarray:
    """float32 RGB in [0, 1] of an even-aligned box (chroma upsampled by repetition)."""
    x0, y0, x1, y1 = box
    y = canvas.luma[y0:y1, x0:x1].astype(np.float32) - 16
    u = canvas.cb[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2].astype(np.float32) - 128
    v = canvas.cr[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2].astype(np.float32) - 128
    u = np.repeat(np.repeat(u, 2, axis=0), 2, axis=1)
    v = np.repeat(np.repeat(v, 2, axis=0), 2, axis=1)
    yuv = np.stack([y, u, v], axis=-1)
    return np.clip(yuv @ _YUV_TO_RGB.T * np.float32(1 / 255), 0, 1)


def write_rgb(canvas: Canvas, box: tuple[int, int, int, int], rgb: np.ndarray) -> None:
    x0, y0, x1, y1 = box
    yuv = np.clip(rgb, 0, 1) * 255 @ _RGB_TO_YUV.T
    canvas.luma[y0:y1, x0:x1] = np.clip(yuv[..., 0] + 16.5, 0, 255).astype(np.uint8)
    h, w = (y1 - y0) // 2, (x1 - x0) // 2
    chroma = yuv[..., 1:].reshape(h, 2, w, 2, 2).mean(axis=(1, 3)) + 128.5
    canvas.cb[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = np.clip(chroma[..., 0], 0, 255).astype(np.uint8)
    canvas.cr[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = np.clip(chroma[..., 1], 0, 255).astype(np.uint8)


# (base, top) -> mixed: float32 RGB in [0, 1]
BLEND_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "normal": lambda base, top: top,
    "add": lambda base, top: np.minimum(base + top, 1),
    "multiply": lambda base, top: base * top,
    "screen": lambda base, top: 1 - (1 - base) * (1 - top),
    "overlay": lambda base, top: np.where(base < 0.5, 2 * base * top, 1 - 2 * (1 - base) * (1 - top)),
    "darken": np.minimum,
    "lighten": np.maximum,
    "difference": lambda base, top: np.abs(base - top),
}


def blend_rgba(canvas: Canvas, rgba: np.ndarray, left: int, top: int, opacity: float, mode: str) -> None:
    """Composite a float32 RGBA image (straight alpha) at (left, top) with a blend mode."""
    height, width = rgba.shape[:2]
    box = _even_box(canvas, left, top, width, height)
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return
    base = read_rgb(canvas, box)
    layer = np.zeros((y1 - y0, x1 - x0, 4), np.float32)
    sx0, sy0 = max(0, x0 - left), max(0, y0 - top)
    dx0, dy0 = max(0, left - x0), max(0, top - y0)
    h = min(height - sy0, y1 - y0 - dy0)
    w = min(width - sx0, x1 - x0 - dx0)
    if h <= 0 or w <= 0:
        return
    layer[dy0 : dy0 + h, dx0 : dx0 + w] = rgba[sy0 : sy0 + h, sx0 : sx0 + w]
    alpha = layer[..., 3:4] * np.float32(opacity)
    mixed = BLEND_FUNCTIONS[mode](base, layer[..., :3])
    write_rgb(canvas, box, base + (mixed - base) * alpha)
