"""One rule for export options in every front end (preset + overrides, range against the timeline)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kijkocut.model import Project
from kijkocut.render.presets import PRESETS
from kijkocut.service.actions import apply_action
from kijkocut.service.errors import ServiceError
from kijkocut.service.export import ExportOptions, container_for_suffix, export_settings


@pytest.fixture
def project() -> Project:
    project = Project()
    apply_action(project, "add_text", {"text": "x", "start": 0, "duration": 15})
    return project


def test_a_preset_keeps_its_codecs_where_the_new_container_holds_them(project):
    master = export_settings(project, ExportOptions(preset="prores_master", container="mkv"))
    assert (master.codec, master.audio_codec_name) == ("prores", "pcm")
    as_mp4 = export_settings(project, ExportOptions(preset="prores_master", container="mp4"))
    assert (as_mp4.codec, as_mp4.audio_codec_name) == ("h264", "aac")
    hevc_mkv = export_settings(project, ExportOptions(preset="hevc", container="mkv"))
    assert hevc_mkv.codec == "h265"


def test_an_explicit_codec_that_does_not_fit_is_an_error_not_a_switch(project):
    with pytest.raises(ServiceError, match="h264 video cannot go in a webm file"):
        export_settings(project, ExportOptions(container="webm", video_codec="h264"))


def test_every_speed_the_engine_knows_is_accepted(project):
    assert export_settings(project, ExportOptions(speed="slower")).speed == "slower"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("14", "40", "end 40.000 s is outside the timeline"),
        ("5", "2", "must come after start"),
        ("16", None, "start 16.000 s is outside"),
    ],
)
def test_ranges_are_checked_against_the_timeline(project, start, end, message):
    with pytest.raises(ServiceError, match=message):
        export_settings(project, ExportOptions(start=start, end=end))


def test_range_accepts_timecode_and_snaps(project):
    settings = export_settings(project, ExportOptions(start="00:00:01:15", end="f300"))
    assert (settings.start, settings.end) == (Fraction(3, 2), Fraction(10))


def test_unknown_preset_lists_the_presets(project):
    with pytest.raises(ServiceError, match="tiktok"):
        export_settings(project, ExportOptions(preset="vine"))


def test_suffix_decides_the_container():
    assert container_for_suffix(".MKV") == "mkv" and container_for_suffix(".avi") is None
    assert set(PRESETS) >= {"default", "tiktok"}
