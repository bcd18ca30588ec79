"""Turning a decoded source frame into a `Patch` on the output: crop, scale (swscale), orientation, rotation."""

from __future__ import annotations

import av
import numpy as np
from PIL import Image

from kijkocut.model import Transform
from kijkocut.render.canvas import Patch
from kijkocut.render.colour import SWS_BT709, is_bt709, read_matrix
from kijkocut.render.geometry import OutputGeometry, Placement, even, even_floor, place

_ALPHA_FORMATS = ("yuva", "rgba", "bgra", "argb", "abgr", "ya", "gbrap", "pal8")


def frame_has_alpha(frame: av.VideoFrame) -> bool:
    return frame.format.name.startswith(_ALPHA_FORMATS)


def display_size(frame: av.VideoFrame, orientation: int, sample_aspect: float) -> tuple[float, float]:
    width, height = frame.width * sample_aspect, frame.height
    return (height, width) if orientation in (90, 270) else (width, height)


def _rotate_planes(planes: list[np.ndarray], orientation: int) -> list[np.ndarray]:
    # np.rot90 turns counter-clockwise; orientation is clockwise degrees.
    turns = {90: 3, 180: 2, 270: 1}[orientation]
    return [np.ascontiguousarray(np.rot90(p, turns)) for p in planes]


def _visible_box(
    frame: av.VideoFrame,
    transform: Transform,
    geometry: OutputGeometry,
    orientation: int,
    sample_aspect: float,
) -> tuple[Placement, float, float] | None:
    """The element's box on the output and the kept fractions of the source, or None if nothing shows."""
    source_w, source_h = display_size(frame, orientation, sample_aspect)
    crop = transform.crop
    keep_w, keep_h = 1 - crop.left - crop.right, 1 - crop.top - crop.bottom
    if keep_w <= 0 or keep_h <= 0:
        return None
    box = place(transform, source_w * keep_w, source_h * keep_h, geometry)
    if box.width < 1 or box.height < 1:
        return None
    return box, keep_w, keep_h


def clip_patch(
    frame: av.VideoFrame,
    transform: Transform,
    geometry: OutputGeometry,
    *,
    orientation: int = 0,
    sample_aspect: float = 1.0,
) -> Patch | None:
    """The frame as it should appear on the output, or None when it would be invisible (zero size)."""
    visible = _visible_box(frame, transform, geometry, orientation, sample_aspect)
    if visible is None:
        return None
    box, keep_w, keep_h = visible
    crop = transform.crop
    if box.rotation:
        placed = clip_rgba(frame, transform, geometry, orientation=orientation, sample_aspect=sample_aspect)
        if placed is None:
            return None
        return rgba_patch(*rotate_rgba(*placed, box.rotation))
    full_w, full_h = even(box.width / keep_w), even(box.height / keep_h)
    scaled_w, scaled_h = (full_h, full_w) if orientation in (90, 270) else (full_w, full_h)
    alpha = frame_has_alpha(frame)
    target_format = "yuva420p" if alpha else "yuv420p"
    if (
        frame.width == scaled_w
        and frame.height == scaled_h
        and frame.format.name == target_format
        and is_bt709(frame)
    ):
        scaled = frame
    else:  # RGB sources and other matrices become the canvas's BT.709
        scaled = frame.reformat(
            width=scaled_w,
            height=scaled_h,
            format=target_format,
            src_colorspace=read_matrix(frame),
            dst_colorspace=SWS_BT709,
        )
    left, top = even_floor(box.center_x - box.width / 2), even_floor(box.center_y - box.height / 2)
    if orientation == 0 and crop.is_identity:
        return Patch.from_frame(scaled, left, top)
    patch = Patch.from_frame(scaled, 0, 0)
    planes = [patch.luma, patch.cb, patch.cr] + ([] if patch.alpha is None else [patch.alpha])
    if orientation:
        planes = _rotate_planes(planes, orientation)
    cl, ct = even_floor(crop.left * full_w), even_floor(crop.top * full_h)
    cw, ch = even(full_w * keep_w), even(full_h * keep_h)
    luma = planes[0][ct : ct + ch, cl : cl + cw]
    cb = planes[1][ct // 2 : (ct + ch) // 2, cl // 2 : (cl + cw) // 2]
    cr = planes[2][ct // 2 : (ct + ch) // 2, cl // 2 : (cl + cw) // 2]
    alpha_plane = planes[3][ct : ct + ch, cl : cl + cw] if len(planes) == 4 else None
    alpha_chroma = None
    if alpha_plane is not None:
        h2, w2 = alpha_plane.shape[0] // 2, alpha_plane.shape[1] // 2
        alpha_chroma = (
            alpha_plane[: h2 * 2, : w2 * 2].reshape(h2, 2, w2, 2).mean(axis=(1, 3)).astype(np.uint8)
        )
    return Patch(left, top, luma, cb, cr, alpha_plane, alpha_chroma)


def clip_rgba(
    frame: av.VideoFrame,
    transform: Transform,
    geometry: OutputGeometry,
    *,
    orientation: int = 0,
    sample_aspect: float = 1.0,
) -> tuple[np.ndarray, float, float] | None:
    """The frame as RGBA pixels at its output size (crop, orientation and scale applied, not the rotation),
    with the output position of its top-left corner. None when it would be invisible."""
    visible = _visible_box(frame, transform, geometry, orientation, sample_aspect)
    if visible is None:
        return None
    box, keep_w, keep_h = visible
    crop = transform.crop
    full_w, full_h = max(1, round(box.width / keep_w)), max(1, round(box.height / keep_h))
    scaled_w, scaled_h = (full_h, full_w) if orientation in (90, 270) else (full_w, full_h)
    rgba = frame.reformat(
        width=scaled_w, height=scaled_h, format="rgba", src_colorspace=read_matrix(frame)
    ).to_ndarray()
    if orientation:
        rgba = _rotate_planes([rgba], orientation)[0]
    cl, ct = round(crop.left * full_w), round(crop.top * full_h)
    rgba = rgba[ct : ct + max(1, round(box.height)), cl : cl + max(1, round(box.width))]
    return np.ascontiguousarray(rgba), box.center_x - rgba.shape[1] / 2, box.center_y - rgba.shape[0] / 2


def rotate_rgba(rgba: np.ndarray, left: float, top: float, degrees: float) -> tuple[np.ndarray, float, float]:
    """Rotate clockwise about the centre (bicubic, expanded, transparent corners); returns the new top-left."""
    if not degrees % 360:
        return rgba, left, top
    height, width = rgba.shape[:2]
    image = Image.fromarray(np.ascontiguousarray(rgba), "RGBA").rotate(
        -degrees, resample=Image.Resampling.BICUBIC, expand=True
    )
    cx, cy = left + width / 2, top + height / 2
    return np.asarray(image), cx - image.width / 2, cy - image.height / 2


def rgba_patch(rgba: np.ndarray, left: float, top: float) -> Patch:
    """An RGBA image placed with its top-left at (left, top): padded so it lands on even coordinates without
    moving, then converted to YUVA 4:2:0 by swscale (BT.709 limited, as the canvas)."""
    x, y = even_floor(left), even_floor(top)
    pad_left, pad_top = round(left) - x, round(top) - y
    height, width = rgba.shape[:2]
    pad_right, pad_bottom = (pad_left + width) % 2, (pad_top + height) % 2
    opaque = not (pad_left or pad_top or pad_right or pad_bottom) and rgba[..., 3].min() == 255
    if opaque:  # no alpha plane: cheaper conversion and a plain copy when blended at full opacity
        rgb = np.ascontiguousarray(rgba[..., :3])
        yuv = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
            format="yuv420p", dst_colorspace=SWS_BT709
        )
        return Patch.from_frame(yuv, x, y)
    if pad_left or pad_top or pad_right or pad_bottom:
        rgba = np.pad(rgba, ((pad_top, pad_bottom), (pad_left, pad_right), (0, 0)))
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgba), format="rgba").reformat(
        format="yuva420p", dst_colorspace=SWS_BT709
    )
    return Patch.from_frame(frame, x, y)
