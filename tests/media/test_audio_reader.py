"""AudioReader: sample-accurate reads at any offset, resampling and channel mapping checked numerically,
and damage surfacing as MediaError."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from kijkocut.errors import MediaError
from kijkocut.media.audio_reader import AudioReader
from tests.media.fixtures import cut

RATE = 48000


def sine(start: int, count: int, hz: float = 440, level: float = 0.3) -> np.ndarray:
    """The 0.3 sine of the tone fixtures, sampled at 48 kHz from sample `start`."""
    return level * np.sin(2 * math.pi * hz * np.arange(start, start + count) / RATE)


@pytest.mark.parametrize(
    "name,tolerance",
    [("tone.wav", 0.002), ("mono.flac", 0.002), ("tone.m4a", 0.02), ("tone.ogg", 0.02), ("tone.mp3", 0.04)],
)
def test_reads_are_sample_accurate_at_any_offset(media, name, tolerance):
    """tone.wav and tone.mp3 are 44.1 kHz: the 48 kHz reads also check the resampler's timing."""
    with AudioReader(media(name), RATE, 2) as reader:
        level = 0.3 * (math.sqrt(0.5) if name == "mono.flac" else 1)  # mono -> stereo: -3 dB per channel
        for start in (12345, 30001, 100, 20000):  # forward, then backwards
            samples = reader.read(Fraction(start, RATE), 2000)
            assert samples.shape == (2, 2000) and samples.dtype == np.float32
            expected = sine(start, 2000, level=level)
            assert np.abs(samples - expected).max() < tolerance, (name, start)


def test_mono_to_stereo_is_minus_3_db_per_channel(media):
    with AudioReader(media("mono.flac"), RATE, 2) as reader:
        left, right = reader.read(Fraction(1, 4), 4800)
    assert np.array_equal(left, right)
    gain_db = 20 * math.log10(np.sqrt(np.mean(left**2)) / (0.3 / math.sqrt(2)))
    assert abs(gain_db + 3.01) < 0.05


def test_stereo_to_mono_and_native_rate(media):
    with AudioReader(media("tone.wav"), 44100, 1) as reader:
        mono = reader.read(Fraction(1, 2), 441)
    assert mono.shape == (1, 441)
    assert np.sqrt(np.mean(mono**2)) > 0.1  # the tone survives the down-mix


def test_reading_in_pieces_equals_one_read(media):
    start, total = Fraction(3, 10), 9000
    with AudioReader(media("tone.mp3"), RATE, 2) as reader:
        whole = reader.read(start, total)
    with AudioReader(media("tone.mp3"), RATE, 2) as reader:
        sizes, pieces, offset = [1, 1023, 1024, 3000, 952, 3000], [], 0
        for size in sizes:
            pieces.append(reader.read(start + Fraction(offset, RATE), size))
            offset += size
    assert np.array_equal(np.concatenate(pieces, axis=1), whole)


def test_seeking_backwards_rereads_the_same_samples(media):
    with AudioReader(media("chord.flac"), RATE, 2) as reader:
        first = reader.read(Fraction(1, 2), 4800)
        reader.read(Fraction(3, 2), 4800)
        again = reader.read(Fraction(1, 2), 4800)
    assert np.abs(first - again).max() < 1e-6


def test_outside_the_media_is_silence(media):
    with AudioReader(media("tone.wav"), RATE, 2) as reader:
        tail = reader.read(Fraction(99, 100), 4800)
        beyond = reader.read(Fraction(5), 100)
    assert np.abs(tail[:, :400]).max() > 0.1 and not tail[:, 1000:].any() and not beyond.any()


def test_truncated_audio_raises_from_read(media, tmp_path):
    damaged = cut(media("chord.flac"), tmp_path / "cut.flac", 0.5)  # STREAMINFO still says 2 s
    with AudioReader(damaged, RATE, 2) as reader:
        assert np.abs(reader.read(Fraction(1, 10), 1000)).max() > 0.1
        with pytest.raises(MediaError, match="truncated or damaged") as caught:
            reader.read(Fraction(17, 10), 4800)
    assert caught.value.path == str(damaged)


def test_no_audio_stream(media):
    with pytest.raises(MediaError, match="no audio stream"):
        AudioReader(media("vp9.webm"), RATE, 2)
