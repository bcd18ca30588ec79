"""True peak (BS.1770-4 Annex 2) against signals whose peak between samples is known exactly."""

import math

import numpy as np
import pytest

from kijkocut.audio.levels import db_to_gain, gain_to_db
from kijkocut.audio.limiter import PeakLimiter
from kijkocut.audio.true_peak import TAPS_PER_PHASE, TruePeakDetector, TruePeakMeter, oversampling, true_peak

RATE = 48000
EDGE = 4 * TAPS_PER_PHASE  # samples at each end where the filter still sees the silence around the signal


def sine(frequency: float, phase: float, amplitude: float = 1.0, seconds: float = 1.0, rate: int = RATE):
    n = np.arange(round(seconds * rate))
    return (amplitude * np.sin(2 * np.pi * frequency * n / rate + phase))[None, :]


def steady_true_peak(signal: np.ndarray, rate: int = RATE) -> float:
    """The detector's reading away from the signal's abrupt start and end."""
    return float(TruePeakDetector(rate, signal.shape[0]).process(signal)[EDGE:-EDGE].max())


def bandlimited_peak(periodic: np.ndarray, factor: int = 64) -> float:
    """Exact peak of the band-limited waveform through the samples of a whole number of periods (FFT
    zero-padding interpolates periodic signals without error): an independent reference."""
    spectrum = np.fft.rfft(periodic, axis=-1)
    n = periodic.shape[-1]
    return float(np.abs(np.fft.irfft(spectrum, n * factor, axis=-1) * factor).max())


def test_quarter_rate_sine_sampled_off_its_crests():
    """At fs/4 and 45 degrees every sample is +-0.707: the sample peak reads -3 dB, the true peak 0 dB."""
    signal = sine(RATE / 4, math.pi / 4)
    assert gain_to_db(np.abs(signal).max()) == pytest.approx(-3.01, abs=0.01)
    assert gain_to_db(bandlimited_peak(signal)) == pytest.approx(0.0, abs=1e-6)
    assert gain_to_db(steady_true_peak(signal)) == pytest.approx(0.0, abs=0.05)


def grid_under_read_db(frequency: float, rate: int = RATE, factor: int = 4) -> float:
    """How far below its crest a sine can read when the crest falls midway between two oversampled points:
    the accuracy BS.1770's 4x oversampling allows."""
    return -gain_to_db(math.cos(math.pi * frequency / (rate * factor)))


@pytest.mark.parametrize("frequency", [997, 3000, 6000, 9600, 16000])
def test_true_peak_of_sines_within_the_oversampling_accuracy(frequency):
    for phase in np.linspace(0, math.pi, 7):
        signal = sine(frequency, phase, amplitude=0.5)
        error = gain_to_db(steady_true_peak(signal)) - gain_to_db(0.5)
        assert -grid_under_read_db(frequency) - 0.02 <= error <= 0.05
        assert steady_true_peak(signal) >= np.abs(signal[:, EDGE:-EDGE]).max()  # never below the samples


def test_a_constant_passes_unchanged():
    reading = TruePeakDetector(RATE, 1).process(np.full((1, 2000), 0.25))
    assert np.allclose(reading[EDGE:], 0.25, atol=1e-12)


def test_chunked_equals_whole():
    signal = np.random.default_rng(4).standard_normal((2, 20000))
    whole = TruePeakDetector(RATE, 2).process(signal)
    detector = TruePeakDetector(RATE, 2)
    cuts = [0, 1, 2, 700, 703, 9000, 20000]
    parts = np.concatenate([detector.process(signal[:, a:b]) for a, b in zip(cuts, cuts[1:])])
    assert np.allclose(whole, parts, atol=1e-12)


def test_meter_flushes_the_tail_and_matches_the_whole_signal_reading():
    signal = sine(RATE / 4, math.pi / 4, amplitude=0.5, seconds=0.1)
    meter = TruePeakMeter(RATE, 1)
    for start in range(0, signal.shape[1], 333):
        meter.add(signal[:, start : start + 333])
    assert meter.finish() == pytest.approx(true_peak(signal, RATE))
    assert gain_to_db(meter.peak) > gain_to_db(np.abs(signal).max()) + 2.5


def test_oversampling_by_rate():
    assert [oversampling(r) for r in (44100, 48000, 96000, 192000)] == [4, 4, 2, 1]
    signal = sine(1000, 0.3, rate=192000)
    assert true_peak(signal, 192000) == pytest.approx(np.abs(signal).max())


def test_limiter_keeps_intersample_peaks_under_the_ceiling():
    """The sample peak (-3 dB) is under a -1 dB ceiling but the waveform (0 dBTP) is not: the true-peak limiter
    turns it down; a sample-peak limiter would let it through."""
    signal = sine(RATE / 4, math.pi / 4, seconds=1.0).repeat(2, axis=0).astype(np.float32)
    ceiling = -1.0
    settled = slice(RATE // 2, RATE // 2 + 4800)  # a whole number of periods, after the gain has settled

    limiter = PeakLimiter(RATE, 2, ceiling)
    limited = limiter.process(signal)[:, limiter.latency :]
    assert gain_to_db(bandlimited_peak(limited[:, settled])) <= ceiling + 0.05
    assert gain_to_db(bandlimited_peak(limited[:, settled])) >= ceiling - 0.2  # limited, not squashed

    sample_only = PeakLimiter(RATE, 2, ceiling, true_peak=False)
    passed = sample_only.process(signal)[:, sample_only.latency :]
    assert gain_to_db(bandlimited_peak(passed[:, settled])) == pytest.approx(0.0, abs=0.01)
    assert np.abs(limited).max() <= db_to_gain(ceiling)
