"""probe_media / import_media: fields per container and codec, orientation, pixel aspect, alpha, variable
frame rate, size warnings, and clear errors for bad files."""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from kijkocut.errors import MediaError
from kijkocut.media.info import LARGE_FILE_BYTES, LONG_MEDIA_SECONDS
from kijkocut.media.probe import (
    MEDIA_EXTENSIONS,
    content_hash,
    display_rotation,
    display_size,
    import_media,
    is_truncated,
    is_variable_rate,
    probe_media,
    probe_warnings,
)
from tests.media.fixtures import cut

VIDEO_MATRIX = [  # fixture, container, codec, pixel format
    ("h264.mp4", "mp4", "h264", "yuv420p"),
    ("h264.mov", "mov", "h264", "yuv420p"),
    ("h265.mp4", "mp4", "hevc", "yuv420p"),
    ("av1.mkv", "matroska", "av1", "yuv420p"),
    ("vp8.webm", "webm", "vp8", "yuv420p"),
    ("vp9.webm", "webm", "vp9", "yuv420p"),
    ("prores.mov", "mov", "prores", "yuv422p10le"),
    ("mpeg4.avi", "avi", "mpeg4", "yuv420p"),
    ("msmpeg4.avi", "avi", "msmpeg4v3", "yuv420p"),
    ("wmv2.wmv", "asf", "wmv2", "yuv420p"),
]


@pytest.mark.parametrize("name,container,codec,pixel_format", VIDEO_MATRIX)
def test_probe_video_matrix(media, name, container, codec, pixel_format):
    info = probe_media(media(name))
    assert (info.kind, info.container, info.video.codec, info.video.pixel_format) == (
        "video",
        container,
        codec,
        pixel_format,
    )
    assert (info.video.width, info.video.height) == (160, 90) == (info.width, info.height)
    assert info.video.frame_rate == 25
    assert abs(info.duration - 1) < Fraction(1, 10)
    assert not info.video.has_alpha and info.video.rotation == 0 and not info.video.variable_frame_rate
    assert info.warnings == []


@pytest.mark.parametrize("name,audio_codec", [("h264.mp4", "aac"), ("vp8.webm", "opus")])
def test_probe_video_with_audio(media, name, audio_codec):
    audio = probe_media(media(name)).audio
    assert (audio.codec, audio.sample_rate, audio.channels, audio.layout) == (audio_codec, 48000, 2, "stereo")


@pytest.mark.parametrize(
    "name,container,codec,rate,channels,layout",
    [
        ("tone.wav", "wav", "pcm_s16le", 44100, 2, "stereo"),  # no channel mask: was "2 channels"
        ("voice.wav", "wav", "pcm_s16le", 44100, 1, "mono"),
        ("tone.mp3", "mp3", "mp3", 44100, 2, "stereo"),
        ("tone.m4a", "m4a", "aac", 48000, 2, "stereo"),
        ("mono.flac", "flac", "flac", 48000, 1, "mono"),
        ("tone.ogg", "ogg", "opus", 48000, 2, "stereo"),
    ],
)
def test_probe_audio(media, name, container, codec, rate, channels, layout):
    info = probe_media(media(name))
    assert (info.kind, info.container, info.video) == ("audio", container, None)
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels, info.audio.layout) == (
        codec,
        rate,
        channels,
        layout,
    )
    assert abs(info.duration - 1) < Fraction(1, 10)


@pytest.mark.parametrize(
    "name,fmt,alpha",
    [("still.png", "png", True), ("still.jpg", "jpeg", False), ("still.webp", "webp", False)],
)
def test_probe_image(media, name, fmt, alpha):
    info = probe_media(media(name))
    assert (info.kind, info.container, info.duration) == ("image", fmt, None)
    assert (info.width, info.height, info.video.has_alpha) == (64, 48, alpha)


def test_probe_image_exif_orientation(tmp_path):
    path = tmp_path / "portrait.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90 degrees clockwise to view
    Image.new("RGB", (64, 48), (200, 10, 10)).save(path, exif=exif)
    video = probe_media(path).video
    assert (video.display_width, video.display_height, video.rotation) == (48, 64, 0)


@pytest.mark.parametrize(
    "name,clockwise", [("rot_cw90.mp4", 90), ("rot_180.mp4", 180), ("rot_cw270.mp4", 270)]
)
def test_probe_rotation(media, name, clockwise):
    video = probe_media(media(name)).video
    assert video.rotation == clockwise
    assert (video.width, video.height) == (160, 96)
    assert (video.display_width, video.display_height) == ((96, 160) if clockwise != 180 else (160, 96))


def test_rotation_sign_follows_the_display_matrix(media):
    """Independent of PyAV's naming: apply the stored display matrix to the unit x vector, as a player does
    (FFmpeg display.h: x' = a*x + c*y, y' = b*x + d*y, y pointing down). Clockwise 90 maps +x to +y."""
    import av

    with av.open(str(media("rot_cw90.mp4"))) as container:
        frame = next(container.decode(video=0))
        matrix = next(
            np.frombuffer(bytes(sd), np.int32) for sd in frame.side_data if "DISPLAYMATRIX" in str(sd.type)
        )
    a, b = matrix[0] / 65536, matrix[1] / 65536
    assert (round(a), round(b)) == (0, 1)  # +x -> +y: a clockwise quarter turn on screen
    assert display_rotation(frame.rotation) == 90 == probe_media(media("rot_cw90.mp4")).video.rotation


def test_probe_odd_sizes(media):
    for name in ("odd.webm", "odd.mkv"):
        video = probe_media(media(name)).video
        assert (video.width, video.height, video.display_width, video.display_height) == (321, 181, 321, 181)


def test_probe_non_square_pixels(media):
    video = probe_media(media("anamorphic.mp4")).video
    assert video.sample_aspect_ratio == Fraction(4, 3)
    assert (video.width, video.height, video.display_width, video.display_height) == (120, 90, 160, 90)


def test_display_size():
    assert display_size(720, 480, Fraction(32, 27), 0) == (853, 480)
    assert display_size(720, 480, Fraction(32, 27), 90) == (480, 853)
    assert display_size(321, 181, Fraction(1), 180) == (321, 181)


@pytest.mark.parametrize("name", ["alpha_vp9.webm", "prores4444.mov"])
def test_probe_alpha(media, name):
    assert probe_media(media(name)).video.has_alpha


def test_probe_variable_frame_rate(media):
    assert probe_media(media("vfr.mp4")).video.variable_frame_rate
    assert not probe_media(media("long.mkv")).video.variable_frame_rate


def test_variable_rate_heuristic():
    assert not is_variable_rate([0, 33, 67, 100, 133, 167, 200])  # 30000/1001 in 1 ms ticks
    assert not is_variable_rate(list(range(0, 4000, 40)) + [4080])  # one dropped frame
    assert is_variable_rate([0, 40, 80, 200, 220, 240, 260, 500, 540, 900])
    assert not is_variable_rate([0])


def test_probe_warnings_helper():
    assert probe_warnings(LARGE_FILE_BYTES, Fraction(LONG_MEDIA_SECONDS)) == []
    warnings = probe_warnings(LARGE_FILE_BYTES + 1, Fraction(LONG_MEDIA_SECONDS + 1))
    assert [w.split(":")[0] for w in warnings] == ["large file", "long media"]


def test_probe_large_sparse_file_is_accepted_with_a_warning(media, tmp_path):
    # MP4 ignores bytes after its last box; WAV, FLAC, MP3 and Matroska would scan 2 GB of zeros for sync.
    path = tmp_path / "huge.mp4"
    path.write_bytes(media("h264.mp4").read_bytes())
    os.truncate(path, LARGE_FILE_BYTES + 1024**2)  # sparse: no disk space used
    info = probe_media(path)
    assert info.kind == "video" and any(w.startswith("large file") for w in info.warnings)
    assert len(content_hash(path)) == 64


def test_is_truncated():
    assert is_truncated(Fraction(2), Fraction(1))
    assert not is_truncated(Fraction(2), Fraction(199, 100))
    assert not is_truncated(None, Fraction(1)) and not is_truncated(Fraction(2), None)


@pytest.mark.parametrize(
    "content,problem",
    [
        (b"", "empty"),
        (b"this is a text file, not a video\n" * 20, "not a media file"),
        (np.random.default_rng(7).integers(0, 256, 50_000, dtype=np.uint8).tobytes(), "not a media file"),
    ],
)
def test_bad_files_raise_media_error_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    with pytest.raises(MediaError, match=problem) as caught:
        probe_media(path)
    assert caught.value.path == str(path) and str(path) in str(caught.value)


def test_missing_file_and_bad_image(tmp_path):
    with pytest.raises(MediaError, match="not found"):
        probe_media(tmp_path / "nope.mov")
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(MediaError, match="not a readable image"):
        probe_media(bad)


@pytest.mark.parametrize(
    "name", ["h264.mp4", "faststart.mp4", "long.mkv", "tone.mp3", "tone.m4a", "chord.flac"]
)
def test_truncated_files_are_rejected_by_the_probe(media, tmp_path, name):
    damaged = cut(media(name), tmp_path / f"cut_{name}", 0.5)
    with pytest.raises(MediaError, match="truncated|not a media file") as caught:
        probe_media(damaged)
    assert caught.value.path == str(damaged)


def test_truncated_png_is_rejected(media, tmp_path):
    damaged = cut(media("still.png"), tmp_path / "cut.png", 0.5)
    with pytest.raises(MediaError):
        probe_media(damaged)


def test_import_media(media):
    ref = import_media(media("h264.mp4"), "med_1", name="Clip")
    assert (ref.id, ref.name, ref.info.kind) == ("med_1", "Clip", "video")
    assert os.path.isabs(ref.path) and ref.content_hash == content_hash(media("h264.mp4"))


def test_media_extensions_cover_the_spec():
    assert {
        ".mp4",
        ".mov",
        ".mkv",
        ".webm",
        ".avi",
        ".wmv",
        ".mp3",
        ".wav",
        ".aac",
        ".m4a",
        ".flac",
        ".ogg",
        ".opus",
        ".png",
        ".jpg",
        ".jpeg",
        ".webp",
    } <= MEDIA_EXTENSIONS


def test_a_file_without_audio_or_video(tmp_path):
    subtitles = tmp_path / "subtitles.mp4"  # FFmpeg sniffs the content, not the name
    subtitles.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n")
    with pytest.raises(MediaError, match="no video or audio stream|not a media file"):
        probe_media(subtitles)


def test_missing_decoder_is_reported_as_unsupported(tmp_path):
    from types import SimpleNamespace

    from kijkocut.media.probe import _check_decoder

    stream = SimpleNamespace(type="video", codec_context=None)
    with pytest.raises(MediaError, match="unsupported video codec"):
        _check_decoder(stream, tmp_path / "clip.mkv")
