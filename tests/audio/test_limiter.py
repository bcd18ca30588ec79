"""Look-ahead limiter: never above the ceiling, untouched below it, the same whatever the chunking."""

import numpy as np

from kijkocut.audio.levels import db_to_gain
from kijkocut.audio.limiter import PeakLimiter
from kijkocut.audio.master import MasterBus

RATE = 48000


def hot_signal(seconds: float = 4) -> np.ndarray:
    """Noise with bursts up to +12 dBFS and isolated one-sample spikes."""
    rng = np.random.default_rng(7)
    n = int(RATE * seconds)
    signal = rng.standard_normal((2, n)) * 0.3
    signal[:, RATE : RATE + RATE // 2] *= 8
    signal[0, [100, n // 2 + 5, n - 3]] = [3.0, -4.0, 2.5]
    return signal.astype(np.float32)


def limit_in_chunks(limiter: PeakLimiter, signal: np.ndarray, sizes) -> np.ndarray:
    out, offset = [], 0
    for size in sizes:
        out.append(limiter.process(signal[:, offset : offset + size]))
        offset += size
    out.append(limiter.process(signal[:, offset:]))
    return np.concatenate(out, axis=1)


def test_output_never_exceeds_the_ceiling():
    signal = hot_signal()
    for ceiling_db in (-1.0, -6.0, -0.1):
        limiter = PeakLimiter(RATE, 2, ceiling_db)
        out = limit_in_chunks(limiter, signal, [1601] * 110)
        tail = limiter.process(np.zeros((2, limiter.latency), np.float32))
        assert np.abs(out).max() <= db_to_gain(ceiling_db)
        assert np.abs(tail).max() <= db_to_gain(ceiling_db)
        # It limits, it does not silence: the loud burst still sits right at the ceiling.
        assert np.abs(out).max() > db_to_gain(ceiling_db) * 0.99


def test_transparent_below_the_ceiling():
    t = np.arange(RATE * 2) / RATE
    signal = np.stack([0.6 * np.sin(2 * np.pi * 261.63 * t), 0.6 * np.sin(2 * np.pi * 392 * t)]).astype(
        np.float32
    )
    limiter = PeakLimiter(RATE, 2, -1.0)
    out = limit_in_chunks(limiter, signal, [1600] * 50)
    latency = limiter.latency
    assert np.array_equal(out[:, latency:], signal[:, :-latency])
    assert not out[:, :latency].any()


def test_chunking_does_not_change_the_output():
    signal = hot_signal(2)
    whole = PeakLimiter(RATE, 2).process(signal)
    rng = np.random.default_rng(1)
    chunked = limit_in_chunks(PeakLimiter(RATE, 2), signal, rng.integers(1, 5000, size=30))
    assert np.allclose(whole, chunked, atol=1e-6)


def test_gain_recovers_after_a_peak():
    signal = np.full((2, RATE), 0.5, np.float32)
    signal[:, 1000] = 4.0
    limiter = PeakLimiter(RATE, 2, -1.0)
    out = limiter.process(signal)[:, limiter.latency :]
    assert np.abs(out).max() <= db_to_gain(-1)
    assert out[0, 999] < 0.5 * 0.5  # ramped down ahead of the spike (look-ahead)
    assert abs(out[0, RATE // 2] - 0.5) < 0.01  # back to unity within the release


def test_master_bus_hides_the_latency():
    signal = hot_signal(1)
    padded = np.concatenate([signal, np.zeros((2, RATE), np.float32)], axis=1)
    bus = MasterBus(lambda first, count: padded[:, first : first + count], RATE, 2, ceiling_db=-1.0)
    out = np.concatenate([bus.mix(i, 1600) for i in range(0, RATE, 1600)], axis=1)
    limiter = PeakLimiter(RATE, 2)
    latency = limiter.latency
    reference = limiter.process(np.concatenate([signal, np.zeros((2, latency), np.float32)], axis=1))
    assert np.allclose(out, reference[:, latency:], atol=1e-6)
    assert np.abs(out).max() <= db_to_gain(-1)


def test_window_min_matches_brute_force():
    from kijkocut.audio.limiter import _window_min

    rng = np.random.default_rng(5)
    for length, size in ((1, 1), (10, 1), (10, 3), (241, 241), (1000, 241), (1001, 240), (5, 9)):
        values = rng.random(length)
        expected = np.array([values[i : i + size].min() for i in range(length - size + 1)])
        assert np.array_equal(_window_min(values, size), expected)
