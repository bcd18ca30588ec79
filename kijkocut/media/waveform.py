"""Audio waveform peaks for a media file: the min and max of the mono mix per time bucket, streamed so a long
file never sits in memory."""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np

from kijkocut.errors import MediaError
from kijkocut.media.audio_reader import AudioReader
from kijkocut.media.probe import probe_media

_CHUNK_SECONDS = Fraction(1, 2)


def bucket_peaks(
    samples: np.ndarray, first_sample: int, total_samples: int, mins: np.ndarray, maxs: np.ndarray
) -> None:
    """Fold a run of mono samples starting at `first_sample` into the per-bucket `mins`/`maxs` (in place)."""
    buckets = len(mins)
    index = (np.arange(first_sample, first_sample + len(samples)) * buckets) // max(total_samples, 1)
    index = np.minimum(index, buckets - 1)
    starts = np.concatenate([[0], np.flatnonzero(np.diff(index)) + 1])
    targets = index[starts]
    mins[targets] = np.minimum(mins[targets], np.minimum.reduceat(samples, starts))
    maxs[targets] = np.maximum(maxs[targets], np.maximum.reduceat(samples, starts))


def waveform_peaks(path: str | os.PathLike[str], buckets: int) -> list[tuple[float, float]]:
    """(min, max) of the mono mix (mean of the channels) per bucket, buckets spanning the whole duration at the
    file's own sample rate. Buckets with no samples (more buckets than samples) read (0, 0)."""
    if buckets < 1:
        raise ValueError("buckets must be at least 1")
    info = probe_media(path)
    if info.audio is None or info.duration is None:
        raise MediaError(str(path), "has no audio stream")
    rate = info.audio.sample_rate
    total = max(1, round(info.duration * rate))
    mins, maxs = np.full(buckets, np.inf, np.float32), np.full(buckets, -np.inf, np.float32)
    chunk = max(1, int(_CHUNK_SECONDS * rate))
    # Read the native channels (stereo at most) and average them ourselves: a mono source stays unscaled.
    with AudioReader(path, rate, min(info.audio.channels, 2)) as reader:
        for first in range(0, total, chunk):
            block = reader.read(Fraction(first, rate), min(chunk, total - first)).mean(axis=0)
            bucket_peaks(block, first, total, mins, maxs)
    empty = ~np.isfinite(mins)
    mins[empty], maxs[empty] = 0.0, 0.0
    return [(float(lo), float(hi)) for lo, hi in zip(mins, maxs)]
