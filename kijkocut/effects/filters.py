"""Effect implementations on RGBA float32 images (H, W, 4) in [0, 1], straight alpha. Each function takes the
image and the effect's resolved parameters; `apply_effects` runs an element's ordered stack."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageFilter

from kijkocut.effects.lut import apply_lut
from kijkocut.model import Effect, parse_colour

# BT.709 luma weights, as the canvas encodes (kijkocut.render.colour): a grey picture keeps the Y the encoder writes
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ LUMA


def _mix(original: np.ndarray, processed: np.ndarray, amount: float) -> np.ndarray:
    return processed if amount >= 1 else original + (processed - original) * amount


def brightness(img, p, **_):
    img[..., :3] += p["amount"]
    return img


def contrast(img, p, **_):
    img[..., :3] = (img[..., :3] - 0.5) * (1 + p["amount"]) + 0.5
    return img


def saturation(img, p, **_):
    grey = _luma(img[..., :3])[..., None]
    img[..., :3] = grey + (img[..., :3] - grey) * (1 + p["amount"])
    return img


def exposure(img, p, **_):
    img[..., :3] *= 2.0 ** p["stops"]
    return img


def gamma(img, p, **_):
    img[..., :3] = np.power(np.clip(img[..., :3], 0, 1), 1 / p["value"])
    return img


def temperature(img, p, **_):
    warm, tint = p["temperature"], p["tint"]
    # Warm adds red and takes blue; tint trades green against magenta (red + blue).
    img[..., 0] *= 1 + 0.3 * warm + 0.15 * tint
    img[..., 1] *= 1 - 0.3 * tint
    img[..., 2] *= 1 - 0.3 * warm + 0.15 * tint
    return img


def hue_shift(img, p, **_):
    """Rotation about the grey axis in RGB (the YIQ-style hue rotation used by CSS hue-rotate)."""
    angle = np.deg2rad(p["degrees"])
    cos, sin = np.cos(angle), np.sin(angle)
    matrix = np.array(
        [
            [
                0.213 + cos * 0.787 - sin * 0.213,
                0.715 - cos * 0.715 - sin * 0.715,
                0.072 - cos * 0.072 + sin * 0.928,
            ],
            [
                0.213 - cos * 0.213 + sin * 0.143,
                0.715 + cos * 0.285 + sin * 0.140,
                0.072 - cos * 0.072 - sin * 0.283,
            ],
            [
                0.213 - cos * 0.213 - sin * 0.787,
                0.715 - cos * 0.715 + sin * 0.715,
                0.072 + cos * 0.928 + sin * 0.072,
            ],
        ],
        np.float32,
    )
    img[..., :3] = img[..., :3] @ matrix.T
    return img


def grayscale(img, p, **_):
    grey = _luma(img[..., :3])[..., None]
    img[..., :3] = _mix(img[..., :3], np.repeat(grey, 3, axis=-1), p["amount"])
    return img


_SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], np.float32)


def sepia(img, p, **_):
    img[..., :3] = _mix(img[..., :3], img[..., :3] @ _SEPIA.T, p["amount"])
    return img


def invert(img, p, **_):
    img[..., :3] = _mix(img[..., :3], 1 - img[..., :3], p["amount"])
    return img


def vignette(img, p, **_):
    height, width = img.shape[:2]
    y, x = np.ogrid[-1 : 1 : complex(0, height), -1 : 1 : complex(0, width)]
    distance = np.sqrt(x * x + y * y).astype(np.float32) / np.sqrt(2)
    edge = np.clip((distance - p["radius"] + p["softness"]) / p["softness"], 0, 1)
    img[..., :3] *= (1 - p["amount"] * edge * edge)[..., None]
    return img


def _pil_filter(img: np.ndarray, make_filter) -> np.ndarray:
    """Run a Pillow filter on premultiplied RGBA so transparent pixels do not bleed their colour."""
    alpha = img[..., 3:4]
    premultiplied = np.clip(np.concatenate([img[..., :3] * alpha, alpha], axis=-1), 0, 1)
    image = Image.fromarray((premultiplied * 255 + 0.5).astype(np.uint8), "RGBA")
    out = np.asarray(image.filter(make_filter), np.float32) / 255
    a = out[..., 3:4]
    rgb = np.divide(out[..., :3], a, out=np.zeros_like(out[..., :3]), where=a > 1e-4)
    return np.concatenate([rgb, a], axis=-1)


def gaussian_blur(img, p, *, scale=1.0, **_):
    radius = p["radius"] * scale
    return img if radius < 0.25 else _pil_filter(img, ImageFilter.GaussianBlur(radius))


def sharpen(img, p, *, scale=1.0, **_):
    radius = max(0.1, p["radius"] * scale)
    blurred = _pil_filter(img, ImageFilter.GaussianBlur(radius))
    img[..., :3] += (img[..., :3] - blurred[..., :3]) * p["amount"]
    return img


def film_grain(img, p, *, frame_index=0, **_):
    rng = np.random.default_rng((int(p["seed"]) * 1_000_003 + frame_index) & 0xFFFFFFFF)
    noise = rng.standard_normal(img.shape[:2], dtype=np.float32) * (0.25 * p["amount"])
    img[..., :3] += noise[..., None]
    return img


def chroma_key(img, p, **_):
    """Key out pixels near the key colour in chroma (Cb/Cr) distance; suppress the key colour's spill."""
    key = np.array(parse_colour(p["color"])[:3], np.float32) / 255
    to_chroma = np.array([[-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]], np.float32)
    distance = np.linalg.norm(img[..., :3] @ to_chroma.T - key @ to_chroma.T, axis=-1)
    similarity, smoothness = p["similarity"] * 0.5, max(1e-3, p["smoothness"] * 0.5)
    keep = np.clip((distance - similarity) / smoothness, 0, 1)
    img[..., 3] *= keep
    if p["spill"] > 0:
        channel = int(np.argmax(key))
        others = [c for c in range(3) if c != channel]
        limit = img[..., others].mean(axis=-1)
        excess = np.clip(img[..., channel] - limit, 0, None)
        img[..., channel] -= excess * p["spill"] * (1 - keep * 0.5)
    return img


def lut(img, p, **_):
    img[..., :3] = _mix(img[..., :3], apply_lut(np.clip(img[..., :3], 0, 1), p["path"]), p["intensity"])
    return img


def crop(img, p, **_):
    height, width = img.shape[:2]
    left, right = round(p["left"] * width), width - round(p["right"] * width)
    top, bottom = round(p["top"] * height), height - round(p["bottom"] * height)
    mask = np.zeros((height, width), np.float32)
    mask[top : max(top, bottom), left : max(left, right)] = 1
    img[..., 3] *= mask
    return img


def flip(img, p, **_):
    if p["horizontal"]:
        img = img[:, ::-1]
    if p["vertical"]:
        img = img[::-1]
    return np.ascontiguousarray(img)


def opacity(img, p, **_):
    img[..., 3] *= p["amount"]
    return img


FILTERS: dict[str, Callable[..., np.ndarray]] = {
    "brightness": brightness,
    "contrast": contrast,
    "saturation": saturation,
    "exposure": exposure,
    "gamma": gamma,
    "temperature": temperature,
    "hue_shift": hue_shift,
    "grayscale": grayscale,
    "sepia": sepia,
    "invert": invert,
    "vignette": vignette,
    "gaussian_blur": gaussian_blur,
    "sharpen": sharpen,
    "film_grain": film_grain,
    "chroma_key": chroma_key,
    "lut": lut,
    "crop": crop,
    "flip": flip,
    "opacity": opacity,
}


def _opaque(img: np.ndarray) -> bool:
    return bool(img[..., 3].min() == 255)


def _lut_uint8(img: np.ndarray, p, **_) -> np.ndarray | None:
    if p["intensity"] < 1:
        return None
    from kijkocut.effects.lut import apply_lut_uint8

    img[..., :3] = apply_lut_uint8(img[..., :3], p["path"])
    return img


def _blur_uint8(img: np.ndarray, p, *, scale=1.0, **_) -> np.ndarray | None:
    radius = p["radius"] * scale
    if radius < 0.25:
        return img
    if not _opaque(img):
        return None  # needs premultiplied alpha: the float path
    img[..., :3] = np.asarray(
        Image.fromarray(np.ascontiguousarray(img[..., :3])).filter(ImageFilter.GaussianBlur(radius))
    )
    return img


def _flip_uint8(img: np.ndarray, p, **kwargs) -> np.ndarray:
    return flip(img, p, **kwargs)


# Effects that can run on 8-bit pixels without a float round trip (each may decline by returning None).
UINT8_FILTERS: dict[str, Callable[..., np.ndarray | None]] = {
    "lut": _lut_uint8,
    "gaussian_blur": _blur_uint8,
    "flip": _flip_uint8,
}


# Effects whose every output channel depends only on the same channel's input value (RGB straight, alpha
# for opacity): on 8-bit pixels a run of them is one 256-entry table per channel.
POINT_FILTERS = frozenset({"brightness", "contrast", "exposure", "gamma", "temperature", "invert", "opacity"})


def point_table(effects: list[Effect], *, scale: float = 1.0, frame_index: int = 0) -> np.ndarray:
    """(4, 256) uint8: what the float filters make of each 8-bit value of R, G, B and A, computed by running
    them on a ramp, so the table path and the float path cannot disagree."""
    ramp = np.repeat(to_float(np.arange(256, dtype=np.uint8))[None, :, None], 4, axis=2)
    for effect in effects:
        ramp = FILTERS[effect.kind](ramp, effect.params, scale=scale, frame_index=frame_index)
    return to_uint8(np.clip(ramp, 0, 1, out=ramp))[0].T


def _apply_table(img: np.ndarray, table: np.ndarray) -> np.ndarray:
    return np.array(Image.fromarray(np.ascontiguousarray(img), "RGBA").point(table.ravel().tolist()))


def apply_effects(
    img: np.ndarray, effects: list[Effect], *, scale: float = 1.0, frame_index: int = 0
) -> np.ndarray:
    """Run the enabled effects in order on an RGBA image: uint8 (0..255) or float32 (0..1). Stays in 8 bits
    while the effects allow it (the common LUT/blur/flip stacks never pay for float conversion, and a stack
    that ends in colour corrections is one table lookup); `scale` converts canvas-pixel sizes (blur radius) to
    this image's pixels. Float results are clipped to [0, 1]."""
    enabled = [effect for effect in effects if effect.enabled]
    for index, effect in enumerate(enabled):
        if img.dtype == np.uint8:
            rest = enabled[index:]
            # Only a run that ends the stack: the float path clips once at the end, not between effects.
            if all(e.kind in POINT_FILTERS for e in rest):
                return _apply_table(img, point_table(rest, scale=scale, frame_index=frame_index))
            if effect.kind in UINT8_FILTERS:
                done = UINT8_FILTERS[effect.kind](img, effect.params, scale=scale, frame_index=frame_index)
                if done is not None:
                    img = done
                    continue
            img = to_float(img)
        img = FILTERS[effect.kind](img, effect.params, scale=scale, frame_index=frame_index)
    return img if img.dtype == np.uint8 else np.clip(img, 0, 1, out=img)


def as_uint8(img: np.ndarray) -> np.ndarray:
    return img if img.dtype == np.uint8 else to_uint8(img)


def as_float(img: np.ndarray) -> np.ndarray:
    return to_float(img) if img.dtype == np.uint8 else img


def to_float(rgba: np.ndarray) -> np.ndarray:
    # One pass with the dtype given to the ufunc: three times faster than astype + multiply on full HD.
    return np.multiply(rgba, np.float32(1 / 255), dtype=np.float32)


def to_uint8(img: np.ndarray) -> np.ndarray:
    scaled = np.multiply(img, np.float32(255))
    scaled += np.float32(0.5)
    np.clip(scaled, 0, 255, out=scaled)
    return scaled.astype(np.uint8)
