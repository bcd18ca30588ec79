"""One picture from a media file at any time and size, upright, as RGB pixels: previews and thumbnails."""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np

from kijkocut.media.info import MediaInfo, VideoStreamInfo
from kijkocut.media.probe import probe_media
from kijkocut.media.video_reader import StillReader, VideoReader


def thumbnail_size(video: VideoStreamInfo, width: int, height: int | None = None) -> tuple[int, int]:
    """The output size: `width` wide and, unless given, as tall as the upright display aspect asks."""
    if height is None:
        height = max(1, round(width * video.display_height / video.display_width))
    return width, height


def media_thumbnail(
    path: str | os.PathLike[str],
    t: Fraction | float,
    width: int,
    height: int | None = None,
    *,
    info: MediaInfo | None = None,
) -> np.ndarray:
    """The picture at media time t (the image itself for stills) as (height, width, 3) uint8 RGB, with rotation
    and non-square pixels applied. Pass `info` to skip probing again."""
    info = info or probe_media(path)
    if info.video is None:
        raise ValueError(f"{path}: has no picture (audio only)")
    out_w, out_h = thumbnail_size(info.video, width, height)
    quarter_turn = info.video.rotation in (90, 270)
    # Scale before turning: a quarter turn swaps which side becomes the width.
    scaled_w, scaled_h = (out_h, out_w) if quarter_turn else (out_w, out_h)
    reader = StillReader(path) if info.kind == "image" else VideoReader(path)
    with reader:
        frame = reader.frame_at(Fraction(t))
        rgb = frame.reformat(width=scaled_w, height=scaled_h, format="rgb24").to_ndarray()
    turns = {90: 3, 180: 2, 270: 1}.get(info.video.rotation, 0)  # np.rot90 turns counter-clockwise
    return np.ascontiguousarray(np.rot90(rgb, turns)) if turns else rgb
