"""Lossless intermediate files for media that arrives as tensors (IMAGE batches, AUDIO dicts, VIDEO
components): frames are streamed to disk one at a time, never gathered in RAM, and the file is named by a
hash of its content, so re-running a graph with the same frames reuses the file instead of writing it again.

Video: FFV1 (RGB as bgr0, bit-exact) in Matroska, with 32-bit float PCM audio when given. Audio: float WAV."""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from kijkocut.atomic import empty_partial

VIDEO_SUFFIX = ".mkv"
AUDIO_SUFFIX = ".wav"


def _finish(partial: str, folder: str, stem: str, digest: str, suffix: str) -> Path:
    final = Path(folder) / f"{stem}_{digest[:16]}{suffix}"
    if final.exists():
        os.unlink(partial)  # identical content already on disk
    else:
        os.replace(partial, final)
    return final


def _partial(folder: str, suffix: str) -> str:
    return empty_partial(folder, ".kijkocut-", f".partial{suffix}")


def _encode_audio(container, stream, samples: np.ndarray, sample_rate: int) -> None:
    # PCM encoders take packed (interleaved) samples: one plane of channels * samples.
    packed = np.ascontiguousarray(samples.T, dtype=np.float32).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(
        packed, format="flt", layout="mono" if samples.shape[0] == 1 else "stereo"
    )
    frame.sample_rate = sample_rate
    frame.pts = 0
    for packet in stream.encode(frame):
        container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)


def _audio_layout(samples: np.ndarray) -> np.ndarray:
    if samples.ndim != 2 or samples.shape[0] < 1:
        raise ValueError(f"audio must be (channels, samples), got shape {samples.shape}")
    # The engine mixes mono or stereo; more channels are folded down to their first two.
    return samples[:2]


def _check_frame(frame_rgb: np.ndarray, index: int, size: tuple[int, int] | None) -> None:
    if frame_rgb.dtype != np.uint8 or frame_rgb.ndim != 3 or frame_rgb.shape[2] != 3:
        raise ValueError(f"frames must be uint8 (H, W, 3), got {frame_rgb.dtype} {frame_rgb.shape}")
    if size is not None and frame_rgb.shape[:2] != size:
        raise ValueError(
            f"frame {index} is {frame_rgb.shape[1]}x{frame_rgb.shape[0]}, the first was {size[1]}x{size[0]}"
        )


def write_frames(
    frames: Iterable[np.ndarray],
    frame_rate: Fraction,
    folder: str,
    *,
    stem: str = "frames",
    audio: tuple[np.ndarray, int] | None = None,
) -> Path:
    """Encode RGB uint8 frames (H, W, 3) losslessly; returns the content-named file in `folder`."""
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise ValueError("no frames to write")
    _check_frame(first, 0, None)
    size = first.shape[:2]
    digest = hashlib.sha256(f"{frame_rate}{first.shape}".encode())
    partial = _partial(folder, VIDEO_SUFFIX)
    try:
        with av.open(partial, "w", format="matroska") as container:
            # Every stream must exist before the first packet is muxed (the header is written then).
            stream = container.add_stream("ffv1", rate=frame_rate)
            stream.width, stream.height, stream.pix_fmt = size[1], size[0], "bgr0"
            audio_stream = samples = None
            if audio is not None:
                samples, sample_rate = _audio_layout(np.asarray(audio[0], dtype=np.float32)), int(audio[1])
                audio_stream = container.add_stream(
                    "pcm_f32le", rate=sample_rate, layout="mono" if samples.shape[0] == 1 else "stereo"
                )
            for index, frame_rgb in enumerate(itertools.chain([first], frames)):
                _check_frame(frame_rgb, index, size)
                digest.update(memoryview(np.ascontiguousarray(frame_rgb)).cast("B"))
                frame = av.VideoFrame.from_ndarray(frame_rgb, format="rgb24").reformat(format="bgr0")
                frame.pts = index
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)
            if audio_stream is not None:
                digest.update(f"{sample_rate}{samples.shape}".encode() + samples.tobytes())
                _encode_audio(container, audio_stream, samples, sample_rate)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return _finish(partial, folder, stem, digest.hexdigest(), VIDEO_SUFFIX)


def write_audio(samples: np.ndarray, sample_rate: int, folder: str, *, stem: str = "audio") -> Path:
    """Float32 (channels, samples) audio as a 32-bit float WAV; returns the content-named file."""
    samples = _audio_layout(np.asarray(samples, dtype=np.float32))
    if samples.shape[1] == 0:
        raise ValueError("the audio has no samples")
    digest = hashlib.sha256(f"{sample_rate}{samples.shape}".encode() + samples.tobytes())
    partial = _partial(folder, AUDIO_SUFFIX)
    try:
        with av.open(partial, "w", format="wav") as container:
            stream = container.add_stream(
                "pcm_f32le", rate=int(sample_rate), layout="mono" if samples.shape[0] == 1 else "stereo"
            )
            _encode_audio(container, stream, samples, int(sample_rate))
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return _finish(partial, folder, stem, digest.hexdigest(), AUDIO_SUFFIX)
