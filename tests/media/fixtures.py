"""Generators for media-test fixtures beyond `kijkocut.samples`: explicit timestamps, display rotation, pixel
aspect, alpha, damaged copies; plus picture comparison helpers. Small and deterministic."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from kijkocut.samples import pattern_frame


def require_encoder(name: str) -> None:
    if name not in av.codecs_available:
        pytest.skip(f"this FFmpeg build has no '{name}' encoder to make the fixture")


def alpha_mask(width: int, height: int) -> np.ndarray:
    """Opaque ellipse, transparent corners."""
    yy, xx = np.mgrid[0:height, 0:width]
    inside = ((xx - width / 2) ** 2 / (width / 2) ** 2 + (yy - height / 2) ** 2 / (height / 2) ** 2) <= 1
    return np.where(inside, 255, 0).astype(np.uint8)


def write_frames(
    path: Path,
    *,
    codec: str = "libx264",
    width: int = 160,
    height: int = 90,
    rate: int = 25,
    count: int = 25,
    pts_ms: Sequence[int] | None = None,
    pixel_format: str = "yuv420p",
    options: dict | None = None,
    rotation: int | None = None,
    sample_aspect: Fraction | None = None,
    alpha: bool = False,
    container_options: dict | None = None,
) -> Path:
    """Pattern frames 0..count-1 (or one per `pts_ms` entry, at those millisecond times). `rotation` is PyAV's
    `set_display_rotation` angle (counter-clockwise); `alpha` cuts the pattern to an ellipse."""
    require_encoder(codec)
    times = list(pts_ms) if pts_ms is not None else None
    total = len(times) if times is not None else count
    defaults = {
        "libx264": {"preset": "ultrafast"},
        "libx265": {"preset": "ultrafast", "x265-params": "log-level=none"},
        "libsvtav1": {"preset": "12"},
        "libvpx": {"deadline": "realtime", "cpu-used": "8"},
        "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8"},
    }
    with av.open(str(path), "w", options=container_options or {}) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, pixel_format
        stream.options = dict(options if options is not None else defaults.get(codec, {}))
        if times is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        if sample_aspect is not None:
            stream.codec_context.sample_aspect_ratio = sample_aspect
        for index in range(total):
            rgb = pattern_frame(index, width, height)
            if alpha:
                frame = av.VideoFrame.from_ndarray(np.dstack([rgb, alpha_mask(width, height)]), format="rgba")
            else:
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            if times is not None:
                frame.pts, frame.time_base = times[index], Fraction(1, 1000)
            container.mux(stream.encode(frame.reformat(format=pixel_format)))
        container.mux(stream.encode(None))
    return path


def cut(source: Path, destination: Path, fraction: float) -> Path:
    """A copy holding only the first `fraction` of the bytes: a truncated download or recording."""
    data = source.read_bytes()
    destination.write_bytes(data[: int(len(data) * fraction)])
    return destination


def psnr(actual: np.ndarray, expected: np.ndarray) -> float:
    error = np.mean((actual.astype(np.float64) - expected.astype(np.float64)) ** 2)
    return float("inf") if error == 0 else 10 * np.log10(255.0**2 / error)


def frame_index(rgb: np.ndarray, candidates: Sequence[int]) -> tuple[int, float]:
    """Which pattern frame (by index) the decoded picture is, and how close (PSNR) it is to it."""
    height, width = rgb.shape[:2]
    scores = {index: psnr(rgb, pattern_frame(index, width, height)) for index in candidates}
    best = max(scores, key=scores.get)
    return best, scores[best]
