"""Tempo change with the pitch kept: FFmpeg's `atempo` (WSOLA) through a PyAV filter graph, fed and drained
chunk by chunk. atempo takes 0.5x to 100x, but it skips input above 2x and repeats more below 0.5x, so
speeds are split into a chain of stages within [0.5, 2]."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import cast

import av
import numpy as np

STAGE_MIN, STAGE_MAX = 0.5, 2.0
# atempo's output leads its input by a fraction of its window per stage (energy centroid of impulses measured
# at 48 kHz: ~0.3 windows at 1x..2x, ~0.45 below 1x); compensating it keeps sped-up sound within a few ms of
# the picture at every speed from 0.1x to 10x.
LEAD_WINDOWS = 0.3
SLOW_LEAD_WINDOWS = 0.45


def tempo_stages(speed: float) -> list[float]:
    """Factors within [0.5, 2] whose product is `speed`, as few as possible."""
    stages: list[float] = []
    remaining = speed
    while remaining > STAGE_MAX or remaining < STAGE_MIN:
        step = STAGE_MAX if remaining > STAGE_MAX else STAGE_MIN
        stages.append(step)
        remaining /= step
    if not math.isclose(remaining, 1.0, abs_tol=1e-12) or not stages:
        stages.append(remaining)
    return stages


def atempo_window(rate: int) -> int:
    """atempo's analysis window: rate / 24 rounded up to a power of two (af_atempo.c)."""
    return 1 << math.ceil(math.log2(rate / 24))


class TempoStretcher:
    """Streaming time-stretch of (channels, n) float32 chunks by `speed` (2 = twice as fast, same pitch).
    Output sample i corresponds to input sample i * speed, `lead` samples early (see LEAD_WINDOWS)."""

    def __init__(self, rate: int, channels: int, speed: float):
        self.rate = rate
        self.speed = speed
        self._layout = "mono" if channels == 1 else "stereo"
        self.stages = tempo_stages(speed)
        window = atempo_window(rate)
        # A stage's lead is in its own output samples; later stages scale it by their tempo.
        self.lead = sum(
            (SLOW_LEAD_WINDOWS if stage < 1 else LEAD_WINDOWS) * window / math.prod(self.stages[i + 1 :])
            for i, stage in enumerate(self.stages)
        )
        self._graph = av.filter.Graph()
        self._source = self._graph.add_abuffer(
            sample_rate=rate, format="fltp", layout=self._layout, time_base=Fraction(1, rate)
        )
        previous = self._source
        for stage in self.stages:
            node = self._graph.add("atempo", f"{stage:.12g}")
            previous.link_to(node)
            previous = node
        # atempo may answer in a packed format; the sink asks for planar float in our layout.
        convert = self._graph.add("aformat", f"sample_fmts=fltp:channel_layouts={self._layout}")
        previous.link_to(convert)
        self._sink = self._graph.add("abuffersink")
        convert.link_to(self._sink)
        self._graph.configure()
        self._pts = 0

    def push(self, chunk: np.ndarray) -> np.ndarray:
        """Feed input; returns whatever output is ready (possibly none)."""
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(chunk, dtype=np.float32), format="fltp", layout=self._layout
        )
        frame.sample_rate, frame.pts, frame.time_base = self.rate, self._pts, Fraction(1, self.rate)
        self._pts += chunk.shape[1]
        self._source.push(frame)
        ready = []
        while True:
            try:
                ready.append(cast(av.AudioFrame, self._sink.pull()).to_ndarray())  # an audio sink
            except (av.error.BlockingIOError, av.error.EOFError):
                break
        if not ready:
            return np.zeros((chunk.shape[0], 0), np.float32)
        return np.concatenate(ready, axis=1).astype(np.float32, copy=False)
