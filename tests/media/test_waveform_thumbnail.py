"""waveform_peaks and media_thumbnail."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from kijkocut import samples
from kijkocut.errors import MediaError
from kijkocut.media.thumbnail import media_thumbnail
from kijkocut.media.waveform import bucket_peaks, waveform_peaks
from kijkocut.samples import pattern_frame
from tests.media.fixtures import frame_index, psnr


@pytest.mark.parametrize("name,tolerance", [("tone.wav", 0.002), ("mono.flac", 0.002), ("tone.mp3", 0.03)])
def test_peaks_of_a_tone(media, name, tolerance):
    peaks = waveform_peaks(media(name), 20)
    assert len(peaks) == 20
    for low, high in peaks[1:-1]:  # edges may hold codec padding
        assert abs(high - 0.3) < tolerance and abs(low + 0.3) < tolerance


def test_peaks_follow_loudness_over_time(tmp_path):
    loud_then_quiet = np.concatenate(
        [samples.tone(440, 0.5, 48000, level=0.8), samples.tone(440, 0.5, 48000, level=0.1)], axis=1
    )
    path = samples.write_audio(tmp_path / "steps.flac", loud_then_quiet, 48000)
    peaks = waveform_peaks(path, 4)
    assert [round(high, 2) for _, high in peaks] == [0.8, 0.8, 0.1, 0.1]


def test_peaks_of_a_video_soundtrack_and_more_buckets_than_samples(media, tmp_path):
    assert max(high for _, high in waveform_peaks(media("h264.mp4"), 8)) > 0.25
    path = samples.write_audio(tmp_path / "tiny.wav", samples.tone(1000, 0.001, 8000), 8000)  # 8 samples
    assert len(waveform_peaks(path, 32)) == 32


def test_bucket_peaks_is_streamable():
    signal = np.sin(np.arange(1000) / 7).astype(np.float32)
    whole_min, whole_max = np.full(7, np.inf), np.full(7, -np.inf)
    bucket_peaks(signal, 0, 1000, whole_min, whole_max)
    part_min, part_max = np.full(7, np.inf), np.full(7, -np.inf)
    for start in range(0, 1000, 333):
        bucket_peaks(signal[start : start + 333], start, 1000, part_min, part_max)
    assert np.array_equal(whole_min, part_min) and np.array_equal(whole_max, part_max)


def test_waveform_errors(media):
    with pytest.raises(MediaError, match="no audio"):
        waveform_peaks(media("vp9.webm"), 10)
    with pytest.raises(ValueError):
        waveform_peaks(media("tone.wav"), 0)


def test_thumbnail_at_a_time_and_size(media):
    rgb = media_thumbnail(media("h264.mp4"), Fraction(13, 25), 320)
    assert rgb.shape == (180, 320, 3) and rgb.dtype == np.uint8
    small = media_thumbnail(media("h264.mp4"), Fraction(13, 25), 80, 45)
    assert small.shape == (45, 80, 3)
    assert frame_index(media_thumbnail(media("h264.mp4"), Fraction(13, 25), 160), range(11, 16))[0] == 13


@pytest.mark.parametrize(
    "name,clockwise", [("rot_cw90.mp4", 90), ("rot_180.mp4", 180), ("rot_cw270.mp4", 270)]
)
def test_thumbnail_is_upright(media, name, clockwise):
    """What a player shows: the stored picture turned clockwise by the display rotation."""
    rgb = media_thumbnail(media(name), 0, 96 if clockwise != 180 else 160)
    expected = np.rot90(pattern_frame(0, 160, 96), -clockwise // 90)  # np.rot90 with k<0 turns clockwise
    assert rgb.shape == expected.shape and psnr(rgb, expected) > 28


def test_thumbnail_of_non_square_pixels_and_images(media):
    assert media_thumbnail(media("anamorphic.mp4"), 0, 160).shape == (90, 160, 3)
    still = media_thumbnail(media("still.png"), 3, 32)
    assert still.shape == (24, 32, 3)
