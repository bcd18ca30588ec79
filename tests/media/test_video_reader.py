"""VideoReader / StillReader: the right picture by presentation time for every codec, seeking both ways,
variable frame rates, alpha, odd sizes, and damage surfacing as MediaError."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from kijkocut.errors import MediaError
from kijkocut.media.video_reader import StillReader, VideoReader
from kijkocut.samples import pattern_frame
from tests.media.conftest import VFR_PTS_MS
from tests.media.fixtures import alpha_mask, cut, frame_index, psnr

CODEC_FIXTURES = [
    "h264.mp4",
    "h264.mov",
    "h265.mp4",
    "av1.mkv",
    "vp8.webm",
    "vp9.webm",
    "prores.mov",
    "mpeg4.avi",
    "msmpeg4.avi",
    "wmv2.wmv",
]


def rgb_at(reader: VideoReader, t: Fraction) -> np.ndarray:
    return reader.frame_at(t).to_ndarray(format="rgb24")


@pytest.mark.parametrize("name", CODEC_FIXTURES)
def test_exact_frames_by_time(media, name):
    with VideoReader(media(name)) as reader:
        # forward, then backwards (a seek), then a jump ahead; mid-frame times round down to the frame shown
        for index in (0, 3, 13, 24, 6, 1, 20):
            t = Fraction(index, 25) + Fraction(1, 100)
            found, score = frame_index(rgb_at(reader, t), range(max(0, index - 2), min(25, index + 3)))
            assert found == index and score > 25, (name, index, found, score)


def test_time_exactly_on_a_frame_and_past_the_end(media):
    with VideoReader(media("long.mkv")) as reader:  # Matroska: millisecond timestamps
        for index in (10, 11, 12, 40):
            assert frame_index(rgb_at(reader, Fraction(index, 25)), range(index - 1, index + 2))[0] == index
        assert frame_index(rgb_at(reader, Fraction(5)), range(47, 50))[0] == 49  # holds the last frame


def test_variable_frame_rate_maps_by_presentation_time(media):
    """Project frames at 25 fps show the source frame presented last at or before their time."""
    with VideoReader(media("vfr.mp4")) as reader:
        for project_frame in range(0, 26):
            t = Fraction(project_frame, 25)
            expected = max(i for i, ms in enumerate(VFR_PTS_MS) if Fraction(ms, 1000) <= t)
            found, score = frame_index(rgb_at(reader, t), range(len(VFR_PTS_MS)))
            assert (found, project_frame) == (expected, project_frame) and score > 28


@pytest.mark.parametrize("name", ["odd.webm", "odd.mkv"])
def test_odd_sizes_decode(media, name):
    with VideoReader(media(name)) as reader:
        frame = reader.frame_at(Fraction(2, 25))
        assert (frame.width, frame.height) == (321, 181)
        assert psnr(frame.to_ndarray(format="rgb24"), pattern_frame(2, 321, 181)) > 30


@pytest.mark.parametrize("name", ["alpha_vp9.webm", "prores4444.mov"])
def test_alpha_sources_keep_their_alpha(media, name):
    with VideoReader(media(name), alpha=True) as reader:
        frame = reader.frame_at(Fraction(1, 25))
        assert frame.format.name.startswith("yuva")
        rgba = frame.to_ndarray(format="rgba")
    mask = alpha_mask(160, 90)
    assert np.mean(np.abs(rgba[..., 3].astype(int) - mask)) < 8  # transparent corners, opaque middle
    assert psnr(rgba[..., :3][mask == 255], pattern_frame(1, 160, 90)[mask == 255]) > 28


def test_png_still_with_alpha(media):
    with StillReader(media("still.png")) as reader:
        frame = reader.frame_at(Fraction(7))
    assert frame.format.name == "rgba" and (frame.width, frame.height) == (64, 48)
    assert frame.to_ndarray()[0, 0, 3] == 0 and frame.to_ndarray()[24, 32, 3] == 255


def test_still_reader_error(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a jpeg")
    with pytest.raises(MediaError, match="cannot read image"):
        StillReader(bad)


def test_damage_after_the_header_raises_from_frame_at(media, tmp_path):
    """A faststart MP4 cut short still opens (its index is up front); asking for the lost part must fail
    clearly, promptly and as MediaError, while the intact start still decodes."""
    damaged = cut(media("faststart.mp4"), tmp_path / "cut.mp4", 0.5)
    with VideoReader(damaged) as reader:
        assert frame_index(rgb_at(reader, Fraction(1, 25)), range(3))[0] == 1
        with pytest.raises(MediaError, match="truncated or damaged") as caught:
            reader.frame_at(Fraction(19, 10))
    assert caught.value.path == str(damaged)


def test_truncated_matroska_raises_from_frame_at(media, tmp_path):
    damaged = cut(media("long.mkv"), tmp_path / "cut.mkv", 0.5)
    with VideoReader(damaged) as reader:
        reader.frame_at(Fraction(0))
        with pytest.raises(MediaError, match="truncated or damaged"):
            reader.frame_at(Fraction(18, 10))


def test_open_errors_are_media_errors(tmp_path, media):
    text = tmp_path / "notes.mp4"
    text.write_text("hello\n" * 100)
    with pytest.raises(MediaError, match="not a media file"):
        VideoReader(text)
    with pytest.raises(MediaError, match="no video stream"):
        VideoReader(media("tone.m4a"))


def test_bytes_damaged_mid_file_never_escape_as_raw_errors(media, tmp_path):
    data = bytearray(media("long.mkv").read_bytes())
    middle = len(data) // 2
    data[middle : middle + 3000] = np.random.default_rng(3).integers(0, 256, 3000, dtype=np.uint8).tobytes()
    damaged = tmp_path / "damaged.mkv"
    damaged.write_bytes(bytes(data))
    with VideoReader(damaged) as reader:
        for index in range(50):
            try:
                frame = reader.frame_at(Fraction(index, 25))
            except MediaError:
                continue  # a clear error is fine; a raw av exception or a hang is not
            assert (frame.width, frame.height) == (160, 90)
