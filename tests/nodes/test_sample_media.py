"""Sample Media: each kind made offline into output/kijkocut/samples, probed like any media, written once and
reused, made again when deleted, and bad sizes refused before the graph runs (needs COMFYUI_PATH)."""

from __future__ import annotations

import os

import av
import pytest


@pytest.fixture
def sample_media(comfy, pack):
    return pack("nodes.sample_media")


def test_each_kind_is_made_offline_and_probed(sample_media, comfy):
    node = sample_media.SampleMedia
    clip, clip_seconds = node.execute("clip", 2.0, 320, 180, 120).args
    still, _ = node.execute("still", 2.0, 200, 100, 240).args
    music, music_seconds = node.execute("music", 3.0, 640, 360, 0).args
    voice, voice_seconds = node.execute("voice", 1.5, 640, 360, 0).args
    folder = comfy.output / "kijkocut" / "samples"
    assert {os.path.dirname(ref.path) for ref in (clip, still, music, voice)} == {str(folder)}
    assert (clip.info.kind, clip.info.width, clip.info.height) == ("video", 320, 180) and clip.info.audio
    assert clip_seconds == pytest.approx(2.0, abs=0.05)
    assert (still.info.kind, still.info.width, still.info.height) == ("image", 200, 100)
    assert (music.info.kind, music.info.audio.channels) == ("audio", 2)
    assert music_seconds == pytest.approx(3.0, abs=0.01)
    assert (voice.info.kind, voice.info.audio.channels) == ("audio", 1)
    assert voice_seconds == pytest.approx(1.5, abs=0.01)
    with av.open(clip.path) as container:
        assert container.streams.video[0].frames == 60
    assert not [name for name in os.listdir(folder) if "partial" in name]


def test_a_sample_is_written_once_and_made_again_when_deleted(sample_media, comfy):
    node = sample_media.SampleMedia
    # ComfyUI asks for the fingerprint before running the node: it is the state of the file, made then, so
    # the first run and an unchanged second run have the same one (the second is served from the cache).
    fingerprint = node.fingerprint_inputs("clip", 1.0, 64, 36, 30)
    first = node.execute("clip", 1.0, 64, 36, 30).args[0]
    assert node.fingerprint_inputs("clip", 1.0, 64, 36, 30) == fingerprint is not None
    written = os.stat(first.path).st_mtime_ns
    again = node.execute("clip", 1.0, 64, 36, 30).args[0]
    assert again.path == first.path and again.id == first.id and os.stat(first.path).st_mtime_ns == written
    os.unlink(first.path)
    assert (
        node.fingerprint_inputs("clip", 1.0, 64, 36, 30) != fingerprint
    )  # made again: the nodes below rerun
    assert os.path.isfile(first.path)
    assert node.fingerprint_inputs("film", 1.0, 64, 36, 30) is None  # validate_inputs names the problem


def test_music_and_voice_ignore_the_picture_inputs(sample_media):
    name = sample_media.sample_file_name
    assert name("music", 4.0, 640, 360, 0) == name("music", 4.0, 1920, 1080, 200) == "music_4s.wav"
    assert name("still", 4.0, 640, 360, 10) == name("still", 9.0, 640, 360, 10)
    assert name("clip", 4.0, 640, 360, 10) != name("clip", 4.0, 640, 360, 11)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (("clip", 2.0, 321, 180, 0), "width and height must be even and at least 16, got 321x180"),
        (("still", 2.0, 8, 8, 0), "at least 16"),
        (("music", 0.0, 640, 360, 0), "seconds must be more than 0"),
        (("film", 2.0, 640, 360, 0), "unknown sample kind 'film' (use clip, still, music, voice)"),
    ],
)
def test_bad_inputs_are_refused_before_running(sample_media, inputs, message):
    assert message in sample_media.SampleMedia.validate_inputs(*inputs)
