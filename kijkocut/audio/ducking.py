"""Ducking: lower a track (music) by `amount_db` while another track (a voice) is above `threshold_db`.

The voice's level is its power smoothed over DETECTOR seconds; once it drops below the threshold the music
stays down for HOLD seconds (so it does not pump between syllables), then recovers. The gain moves in a
straight line in dB: `amount_db` over `attack` seconds going down, over `release` going up. All state carries
over between chunks, so the result is the same sample for sample however the mix is chunked."""

from __future__ import annotations

import numpy as np

from kijkocut.audio.iir import BiquadCascade
from kijkocut.model import Ducking

DETECTOR = 0.01  # seconds: level follows syllables, ignores single waveform cycles
HOLD = 0.2  # seconds: bridges the gaps between syllables and words


class Ducker:
    def __init__(self, ducking: Ducking, rate: int):
        self.amount_db = ducking.amount_db
        self.threshold_power = 10 ** (ducking.threshold_db / 10)
        # dB per sample; zero times mean an instant change.
        self.down_step = (-ducking.amount_db / float(ducking.attack * rate)) if ducking.attack else np.inf
        self.up_step = (-ducking.amount_db / float(ducking.release * rate)) if ducking.release else np.inf
        self.hold = round(HOLD * rate)
        self._rate = rate
        # One-pole smoothing of the voice's power: level[n] = (1 - c) power[n] + c level[n - 1].
        coefficient = float(np.exp(-1 / (DETECTOR * rate)))
        self._smoothing = (1 - coefficient, 0, 0, 1, -coefficient, 0)
        self.reset()

    def reset(self) -> None:
        self._detector = BiquadCascade([self._smoothing], self._rate, 1)  # a fresh filter: no state carried
        self._since_active = self.hold + 1  # samples since the voice was last above the threshold
        self._gain_db = 0.0

    def gains(self, sidechain: np.ndarray) -> np.ndarray:
        """Linear gains (n,) for the ducked track over the chunk that `sidechain` (channels, n) covers."""
        n = sidechain.shape[1]
        power = np.mean(sidechain.astype(np.float64) ** 2, axis=0)
        level = self._detector.process(power[None, :])[0]
        index = np.arange(n)
        last_active = np.maximum.accumulate(
            np.where(level > self.threshold_power, index, -self._since_active)
        )
        ducked = index - last_active <= self.hold
        self._since_active = int(n - last_active[-1]) if n else self._since_active
        return 10 ** (self._slew(np.where(ducked, self.amount_db, 0.0)) / 20)

    def _slew(self, target_db: np.ndarray) -> np.ndarray:
        """Follow the target (0 dB or amount_db) at the attack and release rates, run by run."""
        out = np.empty_like(target_db)
        edges = np.flatnonzero(np.diff(target_db)) + 1
        current = self._gain_db
        for lo, hi in zip(np.r_[0, edges], np.r_[edges, target_db.size]):
            target = target_db[lo]
            steps = np.arange(1, hi - lo + 1)
            if target < current:
                out[lo:hi] = np.maximum(target, current - self.down_step * steps)
            else:
                out[lo:hi] = np.minimum(target, current + self.up_step * steps)
            current = float(out[hi - 1])
        self._gain_db = current
        return out
