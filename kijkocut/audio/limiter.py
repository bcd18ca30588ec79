"""Look-ahead true-peak limiter for the master bus.

The gain each sample needs (ceiling / peak across channels) is taken as the minimum over the next `lookahead`
samples, recovers exponentially (`release`), and is smoothed by a moving average as long as the look-ahead.
Every value averaged for a sample is at most the gain that sample needs, so the samples never exceed the
ceiling; a signal that stays below the ceiling comes out unchanged, only delayed by `latency` samples.

The peak each sample is checked against is its true peak (BS.1770-4 Annex 2, `true_peak`): the waveform that a
decoder reconstructs between samples stays under the ceiling too, within what 4x oversampling can see (under
0.1 dB below 12 kHz, 0.3 dB near 20 kHz). With `true_peak=False` only the samples are checked."""

from __future__ import annotations

import math

import numpy as np

from kijkocut.audio.levels import db_to_gain
from kijkocut.audio.true_peak import TruePeakDetector

LOOKAHEAD = 0.005  # seconds: a 5 ms gain ramp keeps limiting free of audible clicks
RELEASE = 0.1  # seconds (time constant of the gain recovery)


class PeakLimiter:
    def __init__(
        self,
        rate: int,
        channels: int,
        ceiling_db: float = -1.0,
        *,
        lookahead: float = LOOKAHEAD,
        release: float = RELEASE,
        true_peak: bool = True,
    ):
        self.ceiling = db_to_gain(ceiling_db)
        # float32 output: clip to the largest float32 not above the ceiling, so rounding cannot overshoot.
        ceiling32 = np.float32(self.ceiling)
        self._clip = ceiling32 if ceiling32 <= self.ceiling else np.nextafter(ceiling32, np.float32(0))
        # The detector's output trails the signal; the signal waits in `_aligned` to meet it.
        self._detector = TruePeakDetector(rate, channels) if true_peak else None
        align = self._detector.delay if self._detector else 0
        self._aligned = np.zeros((channels, align), np.float32)
        length = max(1, round(lookahead * rate))
        self.latency = length + align
        self._log_decay = -1.0 / (release * rate)  # ln of the per-sample decay of the gain reduction
        # Before the first sample: silence, needing no reduction.
        self._needed_tail = np.ones(length)
        self._gain_tail = np.ones(length)
        self._reduction = 0.0  # 1 - gain of the last sample's recovering envelope
        self._delay = np.zeros((channels, length), np.float32)

    def process(self, chunk: np.ndarray) -> np.ndarray:
        """The limited signal, `latency` samples behind `chunk` and as long."""
        n, length = chunk.shape[1], self._delay.shape[1]
        if not n:
            return chunk
        if self._detector is None:
            peaks = np.abs(chunk).max(axis=0).astype(np.float64)
        else:
            incoming = chunk
            aligned = np.concatenate([self._aligned, incoming], axis=1)
            chunk, self._aligned = aligned[:, :n], aligned[:, n:]
            peaks = np.maximum(np.abs(chunk).max(axis=0), self._detector.process(incoming))
        needed = np.minimum(1.0, self.ceiling / np.maximum(peaks, 1e-30))
        needed_all = np.concatenate([self._needed_tail, needed])
        # Least gain needed over each window of the current sample and the look-ahead after it.
        held = _window_min(needed_all, length + 1)
        gain = self._recover(held)
        gain_all = np.concatenate([self._gain_tail, gain])
        sums = np.cumsum(np.concatenate([[0.0], gain_all]))
        smooth = (sums[length + 1 :] - sums[:n]) / (length + 1)
        signal = np.concatenate([self._delay, chunk], axis=1)
        out = (signal[:, :n] * smooth).astype(np.float32)
        np.clip(out, -self._clip, self._clip, out=out)
        self._needed_tail = needed_all[n:]
        self._gain_tail = gain_all[n:]
        self._delay = signal[:, n:]
        return out

    def _recover(self, held: np.ndarray) -> np.ndarray:
        """Gain that falls at once to `held` and recovers towards 1 exponentially: the reduction
        r[i] = max(1 - held[i], r[i-1] * decay), computed without a loop as a running maximum in log space."""
        index = np.arange(held.size)
        with np.errstate(divide="ignore"):
            logs = np.log(1.0 - held) - index * self._log_decay
            start = math.log(self._reduction) + self._log_decay if self._reduction > 0 else -math.inf
        reduction = np.exp(np.maximum.accumulate(np.maximum(logs, start)) + index * self._log_decay)
        self._reduction = float(reduction[-1])
        return 1.0 - reduction


def _window_min(values: np.ndarray, size: int) -> np.ndarray:
    """min(values[i : i + size]) for every full window, in three passes whatever the size (van Herk /
    Gil-Werman): a window as long as a block spans the tail of one block and the head of the next."""
    count = values.size - size + 1
    if count <= 0:
        return np.empty(0)
    blocks = np.concatenate([values, np.full(-values.size % size, np.inf)]).reshape(-1, size)
    head = np.minimum.accumulate(blocks, axis=1).ravel()  # min from the block's start to here
    tail = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()  # min from here to the block's end
    return np.minimum(tail[:count], head[size - 1 : size - 1 + count])
