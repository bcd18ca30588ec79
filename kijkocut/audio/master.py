"""The master bus of an export: a gain (loudness normalisation), then the true-peak limiter, with loudness and
true-peak meters on what comes out. It reads from any source with `mix(first, count)` and offers the same call,
hiding the limiter's look-ahead: sample i out is sample i in."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kijkocut.audio.levels import db_to_gain
from kijkocut.audio.limiter import PeakLimiter
from kijkocut.audio.loudness import LoudnessMeter
from kijkocut.audio.true_peak import TruePeakMeter

MixSource = Callable[[int, int], np.ndarray]


class MasterBus:
    def __init__(
        self,
        source: MixSource,
        rate: int,
        channels: int,
        *,
        gain_db: float = 0.0,
        ceiling_db: float | None = -1.0,
        source_loudness: float | None = None,
    ):
        self._source = source
        self.source_loudness = source_loudness  # LUFS of the mix before the gain, when it was measured
        self.gain = db_to_gain(gain_db)
        self.limiter = PeakLimiter(rate, channels, ceiling_db) if ceiling_db is not None else None
        self.meter = LoudnessMeter(rate, channels)
        self.true_peak = TruePeakMeter(rate, channels)
        self._next: int | None = None

    def _input(self, first: int, count: int) -> np.ndarray:
        samples = self._source(first, count)
        return samples if self.gain == 1 else samples * np.float32(self.gain)

    def mix(self, first: int, count: int) -> np.ndarray:
        """Master output samples [first, first + count); reads must follow on from each other."""
        if self.limiter is None:
            out = self._input(first, count)
        else:
            latency = self.limiter.latency
            if self._next is None:
                self.limiter.process(self._input(first, latency))  # fill the look-ahead
            elif first != self._next:
                raise ValueError(
                    f"master bus reads are sequential: expected sample {self._next}, got {first}"
                )
            out = self.limiter.process(self._input(first + latency, count))
        self._next = first + count
        self.meter.add(out)
        self.true_peak.add(out)
        return out


def measure(source: MixSource, first: int, last: int, rate: int, channels: int) -> LoudnessMeter:
    """Meter a source over [first, last) in one-second chunks."""
    meter = LoudnessMeter(rate, channels)
    for chunk_start in range(first, last, rate):
        meter.add(source(chunk_start, min(rate, last - chunk_start)))
    return meter
