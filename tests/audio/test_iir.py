"""Biquad cascades through FFmpeg against the difference equation written out sample by sample."""

import numpy as np
import pytest

from kijkocut.audio.iir import BiquadCascade
from kijkocut.audio.loudness import k_weighting

SECTIONS = [
    (0.2, 0.3, 0.1, 1.0, -0.5, 0.2),
    (1.0, -2.0, 1.0, 1.0, -1.9, 0.905),
    (0.5, 0.0, 0.0, 2.0, -0.2, 0.0),
]


def difference_equation(signal: np.ndarray, sections) -> np.ndarray:
    """y[n] = (b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]) / a0, per channel, section after
    section: the textbook recursion, slow and plain."""
    out = signal.astype(np.float64).copy()
    for b0, b1, b2, a0, a1, a2 in sections:
        for channel in out:
            x1 = x2 = y1 = y2 = 0.0
            for n, x in enumerate(channel):
                y = (b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0
                x2, x1, y2, y1 = x1, x, y1, y
                channel[n] = y
    return out


@pytest.mark.parametrize("channels", [1, 2])
def test_cascade_follows_the_difference_equation_across_chunks(channels):
    signal = np.random.default_rng(channels).standard_normal((channels, 3000))
    cascade = BiquadCascade(SECTIONS, 48000, channels)
    cuts = [0, 1, 2, 500, 2999, 3000]
    filtered = np.concatenate([cascade.process(signal[:, a:b]) for a, b in zip(cuts, cuts[1:])], axis=1)
    assert filtered.shape == signal.shape and filtered.dtype == np.float64
    np.testing.assert_allclose(filtered, difference_equation(signal, SECTIONS), rtol=0, atol=1e-9)


def test_k_weighting_boosts_highs_and_cuts_lows():
    rate = 48000
    t = np.arange(rate) / rate
    gains = {}
    for frequency in (20, 1000, 10000):
        tone = np.sin(2 * np.pi * frequency * t)[None, :]
        weighted = BiquadCascade(k_weighting(rate), rate, 1).process(tone)[0, rate // 2 :]
        gains[frequency] = 20 * np.log10(np.sqrt(2 * np.mean(weighted**2)))
    assert gains[20] < -10 and abs(gains[1000]) < 0.8 and 3.5 < gains[10000] < 4.5


def test_an_empty_cascade_is_refused():
    with pytest.raises(ValueError, match="at least one section"):
        BiquadCascade([], 48000, 2)
