"""True peak per ITU-R BS.1770-4 Annex 2: the signal oversampled (4x below 96 kHz, 2x below 192 kHz) by a
polyphase interpolation filter, then its largest magnitude. A DAC or a lossy decoder reconstructs the waveform
between samples, where it can rise above every sample: a sine at a quarter of the sample rate, sampled 45 degrees
off its crests, has a sample peak 3 dB below its true peak.

Streaming: `TruePeakDetector.process` takes (channels, n) chunks of any size and keeps the filter's history, so
chunked and whole processing agree."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

HALF_SPAN = 6  # input samples the interpolator reaches on each side: 49 taps at 4x
TAPS_PER_PHASE = 2 * HALF_SPAN + 1


def oversampling(rate: int) -> int:
    return 4 if rate < 96000 else 2 if rate < 192000 else 1


@lru_cache(maxsize=8)
def phase_matrix(factor: int) -> np.ndarray:
    """(TAPS_PER_PHASE, factor): column p holds the taps of output phase p, oldest input first.

    A Kaiser-windowed sinc low-pass cut at the input's Nyquist frequency, of odd length and centred on an input
    sample: phase 0 is that sample itself, so the true peak never reads below the sample peak, and the other
    phases fall exactly 1/factor, 2/factor... of a sample after it. Each phase sums to 1 (a constant passes)."""
    length = 2 * factor * HALF_SPAN + 1
    n = np.arange(length)
    prototype = np.sinc((n - factor * HALF_SPAN) / factor) * np.kaiser(length, 5.0)
    padded = np.concatenate([prototype, np.zeros(factor * TAPS_PER_PHASE - length)])
    # Row k of the reshaped prototype multiplies input m - k; reversed, the newest input comes last.
    phases = padded.reshape(TAPS_PER_PHASE, factor)[::-1]
    return phases / phases.sum(axis=0, keepdims=True)


class TruePeakDetector:
    """Per-sample true peak across channels: `process(chunk)[i]` is the largest magnitude of the waveform from
    input sample i - `delay` - 1 to just before sample i - `delay` + 1, read at `factor` points per sample."""

    def __init__(self, rate: int, channels: int):
        self.factor = oversampling(rate)
        self.delay = HALF_SPAN if self.factor > 1 else 0
        self._phases = phase_matrix(self.factor) if self.factor > 1 else None
        self._history = np.zeros((channels, TAPS_PER_PHASE - 1))
        self._previous = 0.0  # the last output value, for the one-sample widening across chunks

    def process(self, chunk: np.ndarray) -> np.ndarray:
        n = chunk.shape[1]
        if not n:
            return np.zeros(0)
        if self._phases is None:
            return np.abs(chunk).max(axis=0).astype(np.float64)
        padded = np.concatenate([self._history, chunk.astype(np.float64)], axis=1)
        self._history = padded[:, n:]
        windows = sliding_window_view(padded, TAPS_PER_PHASE, axis=1)  # (channels, n, taps)
        peaks = np.abs(windows @ self._phases).max(axis=(0, 2))
        # A peak between two samples belongs to both: widen by one sample so alignment can't miss it.
        widened = np.maximum(peaks, np.concatenate([[self._previous], peaks[:-1]]))
        self._previous = float(peaks[-1])
        return widened


class TruePeakMeter:
    """Running true peak of a stream of (channels, n) chunks."""

    def __init__(self, rate: int, channels: int):
        self._detector = TruePeakDetector(rate, channels)
        self._channels = channels
        self.peak = 0.0  # linear

    def add(self, chunk: np.ndarray) -> None:
        peaks = self._detector.process(chunk)
        if peaks.size:
            self.peak = max(self.peak, float(peaks.max()))

    def finish(self) -> float:
        """The true peak once the stream has ended: the filter's tail flushed with the silence after it."""
        self.add(np.zeros((self._channels, self._detector.delay + 1)))
        return self.peak


def true_peak(samples: np.ndarray, rate: int) -> float:
    """Linear true peak of a whole (channels, n) signal."""
    meter = TruePeakMeter(rate, samples.shape[0])
    meter.add(samples)
    return meter.finish()
