"""CMX 3600 EDLs: what KijkoCut writes (speed, freeze frames, channels) comes back, and an EDL as an NLE writes
it (record time from 01:00:00:00, a fade from black first, linked sound on A1/A2) imports as that NLE meant."""

from fractions import Fraction

import pytest

otio = pytest.importorskip("opentimelineio", reason="the otio extra is not installed")
if not any(adapter.name == "cmx_3600" for adapter in otio.plugins.ActiveManifest().adapters):
    pytest.skip("otio-cmx3600-adapter is not installed", allow_module_level=True)

from kijkocut.edit import Editor  # noqa: E402
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack  # noqa: E402
from kijkocut.interchange.edl.read import prepare  # noqa: E402
from kijkocut.interchange.otio import export_timeline, import_otio  # noqa: E402
from kijkocut.media.probe import import_media  # noqa: E402
from kijkocut.model import ClipElement, Project, ProjectSettings  # noqa: E402
from kijkocut.render.frames import render_frame  # noqa: E402

from .test_round_trip_renders import SAME_PICTURE_DB, psnr  # noqa: E402


def test_speed_freeze_frames_and_silent_clips_round_trip(engine_media, tmp_path):
    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=30)))
    for key, path in (("red", engine_media.red), ("green", engine_media.green)):
        editor.apply(AddMedia(media=import_media(path, media_id=key)))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    for element in (
        ClipElement(media_id="red", start=0, duration=1, speed=2),
        ClipElement(media_id="green", start=1, duration=1, source_in=Fraction(1, 2), freeze_frame=True),
        ClipElement(media_id="red", start=2, duration=1, source_in=1, audio_muted=True),
    ):
        editor.apply(AddElement(track_id="v1", element=element))
    project = editor.project
    report = export_timeline(project, tmp_path / "cut.edl")
    assert [w.property for w in report.warnings] == ["settings"]
    text = report.path.read_text()
    assert "M2   RED\t\t060.0" in text and "* * FREEZE FRAME" in text
    channels = [line.split()[2] for line in text.splitlines() if line[:3].isdigit()]
    assert channels == ["AA/V", "V", "V"]  # green has no sound; the third clip is muted
    back = import_otio(report.path, rate=30)
    (track,) = back.tracks
    assert [(e.start, e.duration, e.speed, e.freeze_frame, e.audio_muted) for e in track.elements] == [
        (0, 1, 2, False, False),
        (1, 1, 1, True, False),
        (2, 1, 1, False, True),
    ]
    for frame in (10, 40, 70):
        assert (
            psnr(render_frame(back, Fraction(frame, 30)), render_frame(project, Fraction(frame, 30)))
            >= SAME_PICTURE_DB
        )


EDL_FROM_AN_NLE = """TITLE: Edit
FCM: NON-DROP FRAME

001  BL       AA/V  C        00:00:00:00 00:00:00:00 01:00:00:00 01:00:00:00
001  RED      AA/V  D    015 00:00:01:00 00:00:02:00 01:00:00:00 01:00:01:00
* TO CLIP NAME:  red.mp4
* FROM FILE: {red}

002  RED      AA/V  C        00:00:02:00 00:00:02:00 01:00:01:00 01:00:01:00
002  GREEN    V     D    010 00:00:00:20 00:00:02:00 01:00:01:00 01:00:02:10
* FROM CLIP NAME:  red.mp4
* TO CLIP NAME:  green.mp4
* TO CLIP: {green}

003  MUSIC    NONE  C        00:00:00:00 00:00:02:00 01:00:00:15 01:00:02:15
AUD  3    4
* FROM CLIP NAME:  music.wav
* FROM CLIP: {music}
"""


def test_an_edl_from_another_editor(engine_media, tmp_path):
    path = tmp_path / "nle.edl"
    path.write_text(
        EDL_FROM_AN_NLE.format(red=engine_media.red, green=engine_media.green, music=engine_media.music)
    )
    with pytest.raises(Exception, match="Transitions can't be at the very beginning"):  # the adapter alone
        otio.adapters.read_from_file(str(path), adapter_name="cmx_3600", rate=30)
    project = import_otio(path, rate=30)
    video, music = project.tracks
    red, green = video.elements
    assert (red.start, red.duration, red.source_in, red.fade_in, red.audio_muted) == (
        0,
        1,
        1,
        Fraction(1, 2),
        False,
    )
    assert project.media[green.media_id].name == "green.mp4"  # the incoming side's file, not the outgoing's
    assert (green.start, green.duration, green.source_in) == (1, Fraction(4, 3), Fraction(2, 3))
    (dissolve,) = video.transitions
    assert (dissolve.duration, dissolve.alignment) == (Fraction(1, 3), "start")
    assert music.kind == "audio" and [(e.start, e.duration) for e in music.elements] == [(Fraction(1, 2), 2)]


def test_prepare_marks_fades_and_opens_channels():
    prepared, fades = prepare(EDL_FROM_AN_NLE.format(red="/r.mp4", green="/g.mp4", music="/m.wav"))
    assert [(f.tracks, f.record, f.frames, f.direction) for f in fades] == [
        (("V", "A1", "A2"), "01:00:00:00", 15, "in")
    ]
    assert prepared.splitlines()[2].startswith("000  BL       AA/V  C")  # before the dissolve that opens V
    assert "* FROM CLIP: /g.mp4" in prepared and "* FROM CLIP NAME:  red.mp4" in prepared


def test_speeds_at_ntsc_rates_come_back(engine_media, tmp_path):
    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=Fraction(30000, 1001))))
    editor.apply(AddMedia(media=import_media(engine_media.red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(media_id="red", start=0, duration=1, speed=2)))
    path = export_timeline(editor.project, tmp_path / "cut.edl").path
    assert "M2   RED\t\t59.940" in path.read_text()  # 2 x 29.97 fps, not rounded to 59.9
    for rate in (29.97, float(Fraction(30000, 1001))):
        (track,) = import_otio(path, rate=rate).tracks
        assert track.elements[0].speed == 2
