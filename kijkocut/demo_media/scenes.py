"""The demo's moving pictures, drawn by code: a sunset over hills in parallax, night bokeh over a skyline, an
aurora over a lake, and a soft brand backdrop. Each is a generator of RGB frames (height, width, 3) uint8,
deterministic, with whatever does not move drawn once and only the motion computed per frame."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw


def hex_colour(value: str) -> np.ndarray:
    return np.array([int(value[i : i + 2], 16) for i in (1, 3, 5)], np.float32) / 255


def vertical_gradient(height: int, width: int, stops: list[tuple[float, str]]) -> np.ndarray:
    """Float RGB (height, width, 3) from colour stops at fractions of the height, top to bottom."""
    y = np.linspace(0, 1, height, dtype=np.float32)
    positions = [p for p, _ in stops]
    colours = np.stack([hex_colour(c) for _, c in stops])
    column = np.stack([np.interp(y, positions, colours[:, channel]) for channel in range(3)], axis=-1)
    return np.broadcast_to(column[:, None, :], (height, width, 3)).astype(np.float32)


def to_uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)


def _frames(seconds: float, rate: int) -> range:
    return range(round(seconds * rate))


def _ridge(
    width: int, tile: int, base: float, waves: list[tuple[float, int, float]], seed: int
) -> np.ndarray:
    """A hill line: the y of the top edge for each of `tile` columns, periodic over the tile so it scrolls
    forever. waves: (amplitude in pixels, cycles per tile, phase offset)."""
    x = np.arange(tile, dtype=np.float32) / tile
    rng = np.random.default_rng(seed)
    line = np.full(tile, base, np.float32)
    for amplitude, cycles, phase in waves:
        line += amplitude * np.sin(2 * math.pi * (cycles * x + phase + rng.random() * 0.1))
    return line


@dataclass(frozen=True)
class _Layer:
    """A scrolling silhouette: an RGBA strip, a frame wide plus one tile, whose window moves `speed` pixels a
    second (the strip repeats after `tile` columns, so the window wraps without a seam)."""

    top: int  # the first row it covers
    strip: Image.Image  # RGBA, (tile + width) wide
    tile: int
    speed: float

    def draw(self, frame: Image.Image, seconds: float) -> None:
        shift = int(seconds * self.speed) % self.tile
        window = self.strip.crop((shift, 0, shift + frame.width, self.strip.height))
        frame.paste(window, (0, self.top), window)


def _silhouette(
    height: int, width: int, line: np.ndarray, top_colour: str, bottom_colour: str, speed: float
) -> _Layer:
    """Everything below `line` (one y per column of a tile), coloured top to bottom, edges anti-aliased."""
    tile = line.size
    top = max(0, int(line.min()) - 2)
    wrapped = np.concatenate([line, line[:width]])
    rows = np.arange(top, height, dtype=np.float32)[:, None]
    alpha = np.clip(rows - wrapped[None, :] + 0.5, 0, 1)
    depth = np.linspace(0, 1, height - top, dtype=np.float32)[:, None, None]
    colour = hex_colour(top_colour) * (1 - depth) + hex_colour(bottom_colour) * depth
    rgba = np.concatenate(
        [np.broadcast_to(colour, (height - top, wrapped.size, 3)), alpha[..., None]], axis=-1
    )
    return _Layer(top, Image.fromarray(to_uint8(rgba), "RGBA"), tile, speed)


def _glow(radius: float, spread: float, colour: str) -> Image.Image:
    """A light as an RGB sprite for adding: a disc of `radius` in `colour` with a glow reaching `spread`."""
    size = int(2 * spread) | 1
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) - size // 2
    distance = np.sqrt(xx**2 + yy**2)
    level = np.maximum(
        np.clip(radius - distance + 1, 0, 1), np.exp(-((distance / (spread / 2.2)) ** 2)) * 0.55
    )
    return Image.fromarray(to_uint8(level[..., None] * hex_colour(colour)))


def _add_light(frame: Image.Image, sprite: Image.Image, cx: float, cy: float) -> None:
    """Adds the sprite's light centred at (cx, cy) (light adds up: glows and bokeh)."""
    left, top = round(cx) - sprite.width // 2, round(cy) - sprite.height // 2
    box = (left, top, left + sprite.width, top + sprite.height)
    frame.paste(ImageChops.add(frame.crop(box), sprite), box)


def _birds(draw: ImageDraw.ImageDraw, seconds: float, width: int, height: int) -> None:
    """Three birds gliding across, wings beating."""
    for index, (speed, y, flap) in enumerate(((0.045, 0.30, 1.6), (0.05, 0.27, 1.4), (0.042, 0.34, 1.8))):
        x = ((0.15 + 0.09 * index + speed * seconds) % 1.2 - 0.1) * width
        cy = (y + 0.01 * math.sin(seconds * 0.9 + index)) * height
        span = height * (0.026 - 0.004 * index)
        lift = math.sin(seconds * flap * 2 * math.pi + index) * span * 0.6
        line = max(2, round(height / 250))
        draw.line(
            [(x - span, cy - lift), (x, cy), (x + span, cy - lift)],
            fill=(38, 16, 44),
            width=line,
            joint="curve",
        )


def sunset(width: int, height: int, seconds: float, rate: int = 30) -> Iterator[np.ndarray]:
    """A sun setting behind three ranges of hills that scroll at different speeds (parallax), birds."""
    sky = vertical_gradient(
        height,
        width,
        [
            (0.0, "#1a1446"),
            (0.28, "#4b2a7b"),
            (0.5, "#c64f6c"),
            (0.64, "#f58a4b"),
            (0.74, "#ffc66e"),
            (1.0, "#ffd98e"),
        ],
    )
    haze = np.exp(-(((np.arange(height, dtype=np.float32) / height - 0.68) / 0.05) ** 2))[:, None, None]
    haze_rows = slice(int(0.55 * height), int(0.8 * height))
    haze_light = Image.fromarray(
        to_uint8(
            np.broadcast_to(
                haze[haze_rows] * hex_colour("#ffb070") * 0.25, (haze_rows.stop - haze_rows.start, width, 3)
            )
        )
    )
    tile = 2 * width
    ranges = [
        (
            _ridge(width, tile, 0.62 * height, [(0.05 * height, 3, 0.0), (0.02 * height, 7, 0.3)], 1),
            "#c0607e",
            "#9a4a78",
            0.006 * width,
        ),
        (
            _ridge(
                width,
                tile,
                0.72 * height,
                [(0.06 * height, 2, 0.5), (0.025 * height, 5, 0.1), (0.01 * height, 13, 0.7)],
                2,
            ),
            "#6a2c62",
            "#4a1f52",
            0.017 * width,
        ),
        (
            _ridge(
                width,
                tile,
                0.84 * height,
                [(0.07 * height, 2, 0.2), (0.03 * height, 6, 0.6), (0.012 * height, 17, 0.4)],
                3,
            ),
            "#26123a",
            "#140a22",
            0.04 * width,
        ),
    ]
    layers = [_silhouette(height, width, line, top, bottom, speed) for line, top, bottom, speed in ranges]
    backdrop = Image.fromarray(to_uint8(sky))
    sun = _glow(0.075 * height, 0.42 * height, "#fff0c0")
    for index in _frames(seconds, rate):
        t = index / rate
        frame = backdrop.copy()
        _add_light(frame, sun, 0.64 * width, (0.5 + 0.018 * t) * height)
        layers[0].draw(frame, t)
        band = (0, haze_rows.start, width, haze_rows.stop)
        frame.paste(ImageChops.add(frame.crop(band), haze_light), band)  # haze between far and middle hills
        for layer in layers[1:]:
            layer.draw(frame, t)
        _birds(ImageDraw.Draw(frame), t, width, height)
        yield np.asarray(frame)


_BOKEH_COLOURS = ("#ffb347", "#ff5f86", "#4fc8ff", "#ffe27a", "#a77bff", "#ff8a3d")


def _bokeh_disc(radius: float, softness: float) -> np.ndarray:
    """An out-of-focus light: a flat disc with a faintly brighter rim, edges as soft as it is out of focus."""
    size = int(2 * (radius + softness)) + 3
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) - (size - 1) / 2
    distance = np.sqrt(xx**2 + yy**2)
    disc = np.clip((radius - distance) / softness + 0.5, 0, 1)
    rim = np.exp(-(((distance - radius * 0.88) / (radius * 0.12 + 0.5)) ** 2)) * 0.35
    return (disc * (0.75 + rim)).astype(np.float32)


def _skyline(height: int, width: int, seed: int) -> Image.Image:
    """Buildings along the bottom with lit windows, as RGBA (transparent above them)."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x = -int(rng.integers(0, width // 20))
    while x < width:
        w = int(rng.integers(width // 22, width // 9))
        top = height - int(rng.uniform(0.14, 0.36) * height)
        draw.rectangle([x, top, x + w, height], fill=(10, 16, 34, 255))
        cell = max(3, height // 70)
        for wy in range(top + cell, height - cell, 2 * cell):
            for wx in range(x + cell, x + w - cell, 2 * cell):
                if rng.random() < 0.35:
                    warm = rng.random() < 0.8
                    draw.rectangle(
                        [wx, wy, wx + cell - 1, wy + cell - 1],
                        fill=(255, 200, 120, 255) if warm else (160, 220, 255, 255),
                    )
        x += w + int(rng.integers(0, width // 40))
    return image


@dataclass
class _Bokeh:
    depth: float
    sprite: np.ndarray  # (size, size, 3) light to add, uint16 at full strength
    x: float
    y: float
    speed: float
    phase: float
    twinkle: float

    def add(self, frame: np.ndarray, seconds: float, width: int, height: int) -> None:
        x = (self.x + self.speed * seconds) % (width * 1.3) - 0.15 * width
        y = self.y + 0.02 * height * math.sin(0.6 * seconds + self.phase)
        level = round(256 * (0.8 + 0.2 * math.sin(self.twinkle * seconds * 2 * math.pi + self.phase)))
        size = self.sprite.shape[0]
        left, top = round(x) - size // 2, round(y) - size // 2
        x0, y0, x1, y1 = max(0, left), max(0, top), min(width, left + size), min(height, top + size)
        if x1 <= x0 or y1 <= y0:
            return
        region = frame[y0:y1, x0:x1]
        light = (self.sprite[y0 - top : y1 - top, x0 - left : x1 - left] * level) >> 8
        region[:] = np.minimum(region + light, 255)


def night_bokeh(width: int, height: int, seconds: float, rate: int = 30) -> Iterator[np.ndarray]:
    """City lights out of focus: coloured discs at many depths drifting and twinkling, the near ones larger,
    softer and faster, in front of and behind a skyline."""
    backdrop = to_uint8(
        vertical_gradient(height, width, [(0.0, "#050a1c"), (0.55, "#0c2240"), (1.0, "#2a2440")])
    )
    city = _skyline(height, width, 7)
    rng = np.random.default_rng(11)
    lights = []
    for _ in range(54):
        depth = float(rng.random())
        radius = (0.012 + 0.075 * depth**1.5) * height
        colour = hex_colour(_BOKEH_COLOURS[int(rng.integers(len(_BOKEH_COLOURS)))])
        strength = 0.45 + 0.4 * (1 - depth)
        sprite = _bokeh_disc(radius, 1 + 0.18 * radius * depth)[..., None] * colour * strength * 255
        lights.append(
            _Bokeh(
                depth,
                sprite.astype(np.uint16),
                float(rng.random()) * width,
                float(rng.uniform(0.05, 0.95)) * height,
                (0.01 + 0.05 * depth) * width,
                float(rng.random()) * 6.28,
                float(rng.uniform(0.5, 2.0)),
            )
        )
    lights.sort(key=lambda light: light.depth)
    far = [light for light in lights if light.depth <= 0.45]
    near = lights[len(far) :]
    for index in _frames(seconds, rate):
        t = index / rate
        frame = backdrop.astype(np.uint16)
        for light in far:
            light.add(frame, t, width, height)
        image = Image.fromarray(frame.astype(np.uint8))
        image.paste(city, (0, 0), city)  # the skyline sits between the far and the near lights
        frame = np.asarray(image).astype(np.uint16)
        for light in near:
            light.add(frame, t, width, height)
        yield frame.astype(np.uint8)


def _smooth_noise(count: int, seed: int, waves: int = 6) -> np.ndarray:
    """Periodic 1D noise in [0, 1] over `count` samples: a few sines of random frequency and phase."""
    rng = np.random.default_rng(seed)
    x = np.arange(count, dtype=np.float32) / count
    noise = sum(np.sin(2 * math.pi * (int(rng.integers(3, 40)) * x + rng.random())) for _ in range(waves))
    noise = np.asarray(noise, np.float32)
    return (noise - noise.min()) / (np.ptp(noise) + 1e-6)


def aurora(width: int, height: int, seconds: float, rate: int = 30) -> Iterator[np.ndarray]:
    """Curtains of green and violet light waving over mountains and their reflection in a still lake, under
    twinkling stars. The light is computed at a third of the size (it is soft) and scaled up."""
    small_w, small_h = width // 3, height // 3
    horizon = int(0.66 * small_h)
    sky = vertical_gradient(
        small_h, small_w, [(0.0, "#01030c"), (0.5, "#051226"), (0.66, "#0b2236"), (1.0, "#020812")]
    )
    rows = np.arange(horizon, dtype=np.float32)[:, None]
    columns = np.arange(small_w, dtype=np.float32) / small_w
    green, violet = hex_colour("#39ffa8"), hex_colour("#9b6bff")
    rays = [_smooth_noise(small_w * 2, seed) for seed in (5, 6)]
    rng = np.random.default_rng(3)
    stars = (rng.integers(0, int(0.6 * height), 220), rng.integers(0, width, 220), rng.random(220))
    lake_top = int(0.66 * height)
    ridge = _ridge(
        width,
        width,
        0.6 * height,
        [(0.05 * height, 2, 0.1), (0.03 * height, 5, 0.4), (0.01 * height, 19, 0.8)],
        9,
    )
    mountains = _silhouette(lake_top, width, np.minimum(ridge, lake_top - 1), "#0a1424", "#05080f", 0.0)
    depth = height - lake_top
    mirrored = lake_top - 1 - np.arange(depth)
    darker = np.array([round(value * 0.45) for value in range(256)], np.uint8)
    for index in _frames(seconds, rate):
        t = index / rate
        light = np.zeros((horizon, small_w, 3), np.float32)
        for curtain, (base, amplitude, drift, ray) in enumerate(
            ((0.34, 0.09, 0.05, rays[0]), (0.5, 0.06, -0.035, rays[1]))
        ):
            edge = (
                base
                + amplitude * np.sin(2 * math.pi * (1.2 * columns + drift * t + 0.3 * curtain))
                + 0.03 * np.sin(2 * math.pi * (3.3 * columns - 0.09 * t))
            ) * small_h
            above = edge[None, :] - rows  # how far above the curtain's lower edge
            shape = np.exp(np.where(above >= 0, -above / (0.22 * small_h), above / 1.2))
            streaks = 0.45 + 0.55 * np.roll(ray, int(t * 4 * (1 + curtain)))[:small_w]
            tint = np.clip(above / (0.3 * small_h), 0, 1)[..., None]  # green low, violet high
            light += (shape * streaks * (0.9 - 0.25 * curtain))[..., None] * (green + (violet - green) * tint)
        small = sky.copy()
        small[:horizon] += light
        image = Image.fromarray(to_uint8(small)).resize((width, height), Image.Resampling.BILINEAR)
        mountains.draw(image, t)
        frame = np.array(image)
        star_rows, star_cols, star_level = stars
        shine = (255 * star_level * (0.55 + 0.45 * np.sin(t * 3 + star_level * 40))).astype(np.uint8)
        frame[star_rows, star_cols] = np.maximum(frame[star_rows, star_cols], shine[:, None])
        # The lake mirrors the sky and mountains, darker, its rows rippling sideways.
        offsets = (3 * np.sin(np.arange(depth) * 0.35 + t * 2.5)).astype(np.intp)
        cols = (np.arange(width)[None, :] + offsets[:, None]) % width
        frame[lake_top:] = darker[frame[mirrored[:, None], cols]]
        yield frame


def brand_backdrop(width: int, height: int, seconds: float, rate: int = 30) -> Iterator[np.ndarray]:
    """Four soft colour fields drifting on slow loops over deep violet: an end-card background. Drawn at an
    eighth of the size and scaled up (nothing in it is sharp)."""
    small_w, small_h = max(8, width // 8), max(8, height // 8)
    yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    base = hex_colour("#1d1240")
    fields = [
        ("#ff5f6d", 0.30, 0.35, 0.23, 0.11),
        ("#ffc371", 0.72, 0.30, 0.17, 0.13),
        ("#6a5cff", 0.25, 0.75, 0.19, 0.07),
        ("#00c6ff", 0.78, 0.74, 0.13, 0.09),
    ]
    for index in _frames(seconds, rate):
        t = index / rate
        frame = np.broadcast_to(base, (small_h, small_w, 3)).copy()
        for number, (colour, fx, fy, speed, size) in enumerate(fields):
            cx = (fx + 0.12 * math.sin(speed * t * 2 * math.pi + number)) * small_w
            cy = (fy + 0.10 * math.cos(speed * t * 2 * math.pi * 0.8 + number)) * small_h
            reach = (0.32 + size) * small_w
            weight = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (reach / 2.4) ** 2))[..., None]
            frame += (hex_colour(colour) - frame) * weight * 0.8
        yield np.asarray(Image.fromarray(to_uint8(frame)).resize((width, height), Image.Resampling.BILINEAR))
