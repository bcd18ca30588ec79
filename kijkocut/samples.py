"""Deterministic synthetic media for the tests and the benchmarks: moving test patterns with a frame counter,
tones and chords, a speech-like voice and still images, and the writers the demo's designed media use
(`kijkocut.demo_media`). No network, no external tools."""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

from kijkocut.render.colour import SWS_BT709, declare_bt709


@lru_cache(maxsize=16)
def _gradient(width: int, height: int, hue: int) -> np.ndarray:
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    phase = (hue / 360.0) * 2 * math.pi
    red = 0.5 + 0.5 * np.sin(2 * math.pi * x + phase) * np.ones_like(y)
    green = 0.5 + 0.5 * np.sin(2 * math.pi * y + phase + 2.1) * np.ones_like(x)
    blue = 0.5 + 0.5 * np.sin(2 * math.pi * (x + y) / 2 + phase + 4.2)
    return (np.stack([red, green, blue], axis=-1) * 200 + 20).astype(np.uint8)


def pattern_frame(index: int, width: int, height: int, hue: int = 0) -> np.ndarray:
    """An RGB frame: smooth colour fields shifted by `hue`, a moving square, and the frame index in large
    digits, so a frame's identity can be read back from pixels."""
    image = Image.fromarray(_gradient(width, height, hue))
    draw = ImageDraw.Draw(image)
    size = max(4, height // 8)
    left = (index * 7) % max(1, width - size)
    draw.rectangle(
        [left, height // 2 - size // 2, left + size, height // 2 + size // 2], fill=(255, 255, 255)
    )
    draw.text((width // 20, height // 20), f"{index:05d}", fill=(0, 0, 0), font_size=max(8, height // 6))
    return np.asarray(image)


def write_video(
    path: str | Path,
    *,
    seconds: float,
    width: int = 320,
    height: int = 180,
    rate: Fraction | int = 30,
    hue: int = 0,
    codec: str = "libx264",
    tone_hz: float | None = None,
    sample_rate: int = 48000,
    pixel_format: str = "yuv420p",
    options: dict | None = None,
    gop: int | None = None,
) -> Path:
    """A test-pattern video; with `tone_hz`, also a sine audio track (AAC or Opus to fit the container)."""
    path = Path(path)
    rate = Fraction(rate)
    frames = round(seconds * rate)
    with av.open(str(path), "w") as container:
        video = container.add_stream(codec, rate=rate)
        video.width, video.height, video.pix_fmt = width, height, pixel_format
        video.options = dict(options or ({"preset": "ultrafast", "crf": "18"} if codec == "libx264" else {}))
        declare_bt709(video.codec_context)
        if gop:
            video.codec_context.gop_size = gop
        audio = None
        if tone_hz is not None:
            audio_codec = "libopus" if path.suffix.lower() in (".webm", ".ogg") else "aac"
            audio = container.add_stream(audio_codec, rate=sample_rate, layout="stereo")
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(pattern_frame(index, width, height, hue), format="rgb24")
            container.mux(video.encode(frame.reformat(format=pixel_format, dst_colorspace=SWS_BT709)))
        container.mux(video.encode(None))
        if audio is not None and tone_hz is not None:
            samples = tone(tone_hz, seconds, sample_rate, channels=2)
            _encode_audio(container, audio, samples, sample_rate)
    return path


def write_clip(
    path: str | Path,
    frames: Iterable[np.ndarray],
    *,
    width: int,
    height: int,
    rate: Fraction | int = 30,
    crf: int = 18,
) -> Path:
    """An H.264 MP4 of RGB frames (height, width, 3) uint8, BT.709 and tagged so."""
    path = Path(path)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=Fraction(rate))
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": str(crf)}
        declare_bt709(video.codec_context)
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            container.mux(video.encode(frame.reformat(format="yuv420p", dst_colorspace=SWS_BT709)))
        container.mux(video.encode(None))
    return path


def tone(
    hz: float, seconds: float, sample_rate: int = 48000, *, channels: int = 1, level: float = 0.3
) -> np.ndarray:
    n = round(seconds * sample_rate)
    wave = (level * np.sin(2 * math.pi * hz * np.arange(n) / sample_rate)).astype(np.float32)
    return np.repeat(wave[None, :], channels, axis=0)


def chord(seconds: float, sample_rate: int = 48000) -> np.ndarray:
    """REF-1's music: L = C4+E4+G4, R = C4+E4+C5, each sine at 0.2."""
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    c4, e4, g4, c5 = (0.2 * np.sin(2 * math.pi * f * t) for f in (261.63, 329.63, 392.0, 523.25))
    return np.stack([c4 + e4 + g4, c4 + e4 + c5]).astype(np.float32)


def voice_like(seconds: float, sample_rate: int = 44100) -> np.ndarray:
    """Syllable-like bursts of a vowel formant mix: speech-shaped, deterministic, mono."""
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    pitch = 140 + 20 * np.sin(2 * math.pi * 0.7 * t)
    phase = 2 * math.pi * np.cumsum(pitch) / sample_rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 8))
    envelope = np.clip(np.sin(2 * math.pi * 3.1 * t), 0, None) ** 2 * (np.sin(2 * math.pi * 0.25 * t) > -0.6)
    return (0.25 * voiced * envelope)[None, :].astype(np.float32)


def write_audio(path: str | Path, samples: np.ndarray, sample_rate: int) -> Path:
    """Write float samples (channels, n) to WAV (s16), MP3, FLAC, OGG/Opus or M4A by extension."""
    path = Path(path)
    codec = {
        ".wav": "pcm_s16le",
        ".mp3": "libmp3lame",
        ".flac": "flac",
        ".ogg": "libopus",
        ".opus": "libopus",
        ".m4a": "aac",
        ".aac": "aac",
    }[path.suffix.lower()]
    if codec == "libopus" and sample_rate != 48000:
        raise ValueError("Opus needs 48 kHz")
    layout = "mono" if samples.shape[0] == 1 else "stereo"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=sample_rate, layout=layout)
        _encode_audio(container, stream, samples, sample_rate)
    return path


def _encode_audio(container, stream, samples: np.ndarray, sample_rate: int) -> None:
    layout = stream.layout.name
    fmt = stream.codec_context.format.name if stream.codec_context.format else "fltp"
    resampler = av.AudioResampler(format=fmt, layout=layout, rate=stream.rate)
    fifo = av.AudioFifo()
    step = 4096
    for offset in range(0, samples.shape[1], step):
        chunk = np.ascontiguousarray(samples[:, offset : offset + step])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
        frame.sample_rate = sample_rate
        frame.pts = offset
        frame.time_base = Fraction(1, sample_rate)
        for out in resampler.resample(frame):
            fifo.write(out)
    for out in resampler.resample(None):
        fifo.write(out)
    size = stream.codec_context.frame_size or 1024
    while fifo.samples >= size:
        container.mux(stream.encode(fifo.read(size)))
    if fifo.samples:
        container.mux(stream.encode(fifo.read()))
    container.mux(stream.encode(None))


def write_image(
    path: str | Path, width: int = 320, height: int = 240, *, alpha: bool = False, hue: int = 90
) -> Path:
    path = Path(path)
    rgb = pattern_frame(0, width, height, hue)
    if alpha:
        yy, xx = np.mgrid[0:height, 0:width]
        inside = ((xx - width / 2) ** 2 / (width / 2) ** 2 + (yy - height / 2) ** 2 / (height / 2) ** 2) <= 1
        rgba = np.dstack([rgb, np.where(inside, 255, 0).astype(np.uint8)])
        Image.fromarray(rgba, "RGBA").save(path)
    else:
        Image.fromarray(rgb).save(path)
    return path
