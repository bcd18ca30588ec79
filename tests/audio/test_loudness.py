"""BS.1770-4 meter against the standard's own numbers and EBU Tech 3341's test signals (minimum requirements:
the expected values within +-0.1 LU)."""

import math
from fractions import Fraction

import av
import numpy as np
import pytest

from kijkocut import samples
from kijkocut.audio.loudness import LoudnessMeter, integrated_loudness, k_weighting

RATE = 48000


def sine(level_dbfs: float, seconds: float, hz: float = 1000, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    wave = 10 ** (level_dbfs / 20) * np.sin(2 * np.pi * hz * t)
    return np.stack([wave, wave])


def meter_of(*parts: tuple[float, float], rate: int = RATE) -> float:
    """Stream (level dBFS, seconds) stretches of a stereo 1 kHz sine through one meter."""
    meter = LoudnessMeter(rate, 2)
    for level, seconds in parts:
        meter.add(sine(level, seconds, rate=rate))
    return meter.integrated()


def test_k_weighting_reproduces_the_standards_48k_coefficients():
    # ITU-R BS.1770-4, Tables 1 and 2.
    shelf, highpass = k_weighting(48000)
    assert np.allclose(
        shelf,
        [1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0, -1.69065929318241, 0.73248077421585],
        atol=1e-10,
    )
    assert np.allclose(highpass, [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621], atol=1e-10)


@pytest.mark.parametrize(("level", "expected"), [(-23, -23.0), (-33, -33.0), (-20, -20.0)])
def test_stereo_sine_reads_its_level(level, expected):
    # EBU Tech 3341 cases 1 and 2: a 1 kHz sine at -23 (-33) dBFS in both channels reads -23.0 (-33.0) LUFS.
    assert math.isclose(meter_of((level, 20)), expected, abs_tol=0.1)


def test_full_scale_sine_in_one_channel_reads_minus_3_01():
    # BS.1770-4 2.1: 0 dBFS 1 kHz in the left channel alone reads -3.01 LKFS (997 Hz here, off the FFT bins).
    wave = sine(0, 10, hz=997)
    wave[1] = 0
    assert math.isclose(integrated_loudness(wave, RATE), -3.01, abs_tol=0.05)


@pytest.mark.parametrize(
    ("parts", "case"),
    [
        (((-36, 10), (-23, 60), (-36, 10)), "3: relative gate"),
        (((-72, 10), (-36, 10), (-23, 60), (-36, 10), (-72, 10)), "4: absolute and relative gates"),
        (((-26, 20), (-20, 20.1), (-26, 20)), "5: level changes"),
    ],
)
def test_ebu_3341_gating_cases(parts, case):
    assert math.isclose(meter_of(*parts), -23.0, abs_tol=0.1), case


def test_other_sample_rates_and_silence():
    assert math.isclose(meter_of((-23, 20), rate=44100), -23.0, abs_tol=0.1)
    assert math.isclose(meter_of((-23, 20), rate=32000), -23.0, abs_tol=0.1)
    assert meter_of((-80, 5)) == -math.inf  # below the absolute gate
    assert integrated_loudness(np.zeros((2, RATE)), RATE) == -math.inf
    assert integrated_loudness(sine(-10, 0.3), RATE) == -math.inf  # shorter than one 400 ms block


def test_chunking_does_not_change_the_reading():
    rng = np.random.default_rng(3)
    signal = (rng.standard_normal((2, RATE * 6)) * np.linspace(0.01, 0.3, RATE * 6)).astype(np.float32)
    meter = LoudnessMeter(RATE, 2)
    offset = 0
    for size in rng.integers(1, 20000, size=1000):
        meter.add(signal[:, offset : offset + size])
        offset += size
        if offset >= signal.shape[1]:
            break
    assert math.isclose(meter.integrated(), integrated_loudness(signal, RATE), abs_tol=1e-9)
    assert meter.peak == np.abs(signal).max()


def ffmpeg_integrated(signal: np.ndarray, rate: int = RATE) -> float:
    """FFmpeg's own EBU R128 meter (the ebur128 filter), as an independent reference."""
    graph = av.filter.Graph()
    source = graph.add_abuffer(sample_rate=rate, format="fltp", layout="stereo", time_base=Fraction(1, rate))
    meter = graph.add("ebur128", "metadata=1")
    sink = graph.add("abuffersink")
    source.link_to(meter)
    meter.link_to(sink)
    graph.configure()
    last = None
    for offset in range(0, signal.shape[1], 4800):
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(signal[:, offset : offset + 4800]), format="fltp", layout="stereo"
        )
        frame.sample_rate, frame.pts, frame.time_base = rate, offset, Fraction(1, rate)
        source.push(frame)
        while True:
            try:
                last = sink.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                break
    return float(last.metadata["lavfi.r128.I"])


def test_agrees_with_ffmpegs_ebur128_on_programme_material():
    rng = np.random.default_rng(5)
    voice = np.repeat(samples.voice_like(12, RATE), 2, axis=0)
    music = samples.chord(12) * np.linspace(0.05, 1, 12 * RATE, dtype=np.float32)
    noise = rng.standard_normal((2, 12 * RATE)) * 0.05 * (np.arange(12 * RATE) % RATE < RATE // 3)
    for signal in (voice, music, noise.astype(np.float32), voice * 0.3 + music):
        signal = signal.astype(np.float32)
        assert math.isclose(integrated_loudness(signal, RATE), ffmpeg_integrated(signal), abs_tol=0.05)
