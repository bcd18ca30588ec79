"""Streaming IIR filtering: a cascade of biquads run by FFmpeg's `biquad` filter in double precision, through
PyAV, which the engine loads anyway. The filter state carries across chunks, so chunked and whole filtering
agree. (SciPy's `sosfilt` computes the same, but importing `scipy.signal` costs about 80 MB of memory and a
second of start-up in every export.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import av
import av.filter
import numpy as np

Section = Sequence[float]  # b0, b1, b2, a0, a1, a2
Sections = Sequence[Section] | np.ndarray  # or an (n, 6) array
COEFFICIENTS = ("b0", "b1", "b2", "a0", "a1", "a2")


class BiquadCascade:
    def __init__(self, sections: Sections, rate: int, channels: int):
        if len(sections) == 0:
            raise ValueError("a biquad cascade needs at least one section")
        self._rate = rate
        self._layout = {1: "mono", 2: "stereo"}.get(channels) or f"{channels}c"
        self._graph = av.filter.Graph()
        source = self._graph.add_abuffer(format="dblp", sample_rate=rate, layout=self._layout)
        previous = source
        for section in sections:
            coefficients = ":".join(
                f"{name}={float(value)!r}" for name, value in zip(COEFFICIENTS, section, strict=True)
            )
            stage = self._graph.add("biquad", f"{coefficients}:precision=f64")
            previous.link_to(stage)
            previous = stage
        sink = self._graph.add("abuffersink")
        previous.link_to(sink)
        self._graph.configure()
        self._samples = 0  # timestamps must rise; they count samples

    def process(self, samples: np.ndarray) -> np.ndarray:
        """(channels, n) in, float64 (channels, n) out."""
        n = samples.shape[1]
        if not n:
            return np.zeros(samples.shape, np.float64)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, np.float64), format="dblp", layout=self._layout
        )
        frame.sample_rate, frame.pts = self._rate, self._samples
        self._samples += n
        self._graph.push(frame)
        filtered = []
        got = 0
        while got < n:  # the biquad passes each frame straight through; keep pulling in case FFmpeg splits it
            out = cast(av.AudioFrame, self._graph.pull())  # an audio graph
            filtered.append(out.to_ndarray())
            got += out.samples
        return np.concatenate(filtered, axis=1) if len(filtered) > 1 else filtered[0]
