"""Media fixtures for the media I/O tests, generated on first use into one session folder."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from kijkocut import samples
from tests.media.fixtures import require_encoder, write_frames

# name -> (encoder that must exist, recipe(path)); the file extension is the name's.
VFR_PTS_MS = [0, 40, 80, 200, 220, 240, 260, 500, 540, 900, 1000]
RECIPES: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "h264.mp4": (
        "libx264",
        lambda p: samples.write_video(
            p, seconds=1, width=160, height=90, rate=25, tone_hz=440, options={"preset": "ultrafast"}
        ),
    ),
    "h264.mov": ("libx264", lambda p: write_frames(p)),
    "h265.mp4": ("libx265", lambda p: write_frames(p, codec="libx265")),
    "av1.mkv": ("libsvtav1", lambda p: write_frames(p, codec="libsvtav1")),
    "vp8.webm": (
        "libvpx",
        lambda p: samples.write_video(
            p,
            seconds=1,
            width=160,
            height=90,
            rate=25,
            codec="libvpx",
            tone_hz=440,
            options={"deadline": "realtime", "cpu-used": "8"},
        ),
    ),
    "vp9.webm": ("libvpx-vp9", lambda p: write_frames(p, codec="libvpx-vp9")),
    "prores.mov": ("prores_ks", lambda p: write_frames(p, codec="prores_ks", pixel_format="yuv422p10le")),
    "mpeg4.avi": ("mpeg4", lambda p: write_frames(p, codec="mpeg4", options={"qscale": "2"})),
    "msmpeg4.avi": ("msmpeg4", lambda p: write_frames(p, codec="msmpeg4", options={"qscale": "2"})),
    "wmv2.wmv": ("wmv2", lambda p: write_frames(p, codec="wmv2", options={"qscale": "2"})),
    "vfr.mp4": ("libx264", lambda p: write_frames(p, pts_ms=VFR_PTS_MS)),
    "rot_cw90.mp4": ("libx264", lambda p: write_frames(p, width=160, height=96, count=3, rotation=-90)),
    "rot_180.mp4": ("libx264", lambda p: write_frames(p, width=160, height=96, count=3, rotation=180)),
    "rot_cw270.mp4": ("libx264", lambda p: write_frames(p, width=160, height=96, count=3, rotation=90)),
    "odd.webm": ("libvpx-vp9", lambda p: write_frames(p, codec="libvpx-vp9", width=321, height=181, count=5)),
    "odd.mkv": ("ffv1", lambda p: write_frames(p, codec="ffv1", width=321, height=181, count=5)),
    "anamorphic.mp4": (
        "libx264",
        lambda p: write_frames(p, width=120, height=90, count=5, sample_aspect=Fraction(4, 3)),
    ),
    "alpha_vp9.webm": (
        "libvpx-vp9",
        lambda p: write_frames(p, codec="libvpx-vp9", pixel_format="yuva420p", count=5, alpha=True),
    ),
    "prores4444.mov": (
        "prores_ks",
        lambda p: write_frames(
            p, codec="prores_ks", pixel_format="yuva444p10le", options={"profile": "4"}, count=5, alpha=True
        ),
    ),
    "faststart.mp4": (
        "libx264",
        lambda p: write_frames(
            p,
            count=50,
            options={"preset": "ultrafast", "g": "5"},
            container_options={"movflags": "faststart"},
        ),
    ),
    "long.mkv": ("libx264", lambda p: write_frames(p, count=50, options={"preset": "ultrafast", "g": "5"})),
    "tone.wav": (
        "pcm_s16le",
        lambda p: samples.write_audio(p, samples.tone(440, 1, 44100, channels=2), 44100),
    ),
    "voice.wav": ("pcm_s16le", lambda p: samples.write_audio(p, samples.voice_like(1, 44100), 44100)),
    "mono.flac": ("flac", lambda p: samples.write_audio(p, samples.tone(440, 1, 48000), 48000)),
    "tone.mp3": (
        "libmp3lame",
        lambda p: samples.write_audio(p, samples.tone(440, 1, 44100, channels=2), 44100),
    ),
    "tone.m4a": ("aac", lambda p: samples.write_audio(p, samples.tone(440, 1, 48000, channels=2), 48000)),
    "tone.ogg": ("libopus", lambda p: samples.write_audio(p, samples.tone(440, 1, 48000, channels=2), 48000)),
    "chord.flac": ("flac", lambda p: samples.write_audio(p, samples.chord(2, 48000), 48000)),
    "still.png": ("png", lambda p: samples.write_image(p, 64, 48, alpha=True)),
    "still.jpg": ("mjpeg", lambda p: samples.write_image(p, 64, 48)),
    "still.webp": ("png", lambda p: samples.write_image(p, 64, 48)),
}


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> Callable[[str], Path]:
    """`media("h264.mp4")` -> the path of that fixture, made on first use (skipped when its encoder is absent)."""
    folder = tmp_path_factory.mktemp("media_io")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            encoder, recipe = RECIPES[name]
            require_encoder(encoder)
            made[name] = recipe(folder / name)
        return made[name]

    return get
