"""Round trips judged by what they render: a cut with a picture-in-picture (scale, position, opacity), fades, a
-6 dB clip gain and a crossfade goes out to .otio, FCP XML and EDL and comes back; frames at several times are
compared by PSNR and the mix by integrated loudness. What a format cannot carry is in its warnings, and the
comparison for it is against the project without exactly that."""

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

otio = pytest.importorskip("opentimelineio", reason="the otio extra is not installed")

from kijkocut import samples  # noqa: E402
from kijkocut.audio.loudness import integrated_loudness  # noqa: E402
from kijkocut.edit import Editor  # noqa: E402
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition  # noqa: E402
from kijkocut.interchange.otio import export_timeline, import_otio  # noqa: E402
from kijkocut.media.probe import import_media  # noqa: E402
from kijkocut.model import ClipElement, Project, ProjectSettings, Transform  # noqa: E402
from kijkocut.render.audio_mix import render_audio  # noqa: E402
from kijkocut.render.frames import render_frame  # noqa: E402

RATE = 30
# Frames in the fade-in, under the picture-in-picture, across the crossfade (frames 54..66), in the fade-out.
FRAMES = (3, 10, 20, 30, 45, 55, 60, 65, 75, 95, 102)
SAME_PICTURE_DB = 45.0  # the same frame decoded and composited again (floats in transforms) is far above this
SAME_LOUDNESS_DB = 0.1


def _adapter_installed(name: str) -> bool:
    return any(adapter.name == name for adapter in otio.plugins.ActiveManifest().adapters)


@pytest.fixture(scope="module")
def blue(tmp_path_factory):
    return samples.write_video(
        tmp_path_factory.mktemp("media") / "blue.mp4", seconds=4, width=160, height=90, hue=240, tone_hz=660
    )


@pytest.fixture
def project(engine_media, blue) -> Project:
    return scenario(engine_media.red, blue, engine_media.small, engine_media.music)


def scenario(red: Path, blue: Path, small: Path, music: Path) -> Project:
    """Red (a 440 Hz tone) fades in and crossfades into blue (660 Hz), which fades out; a silent video sits
    small, top right and translucent over them; music under it all at -6 dB, fading out."""
    editor = Editor(
        Project(name="Round trip", settings=ProjectSettings(width=160, height=90, frame_rate=RATE))
    )
    for key, path in (("red", red), ("blue", blue), ("small", small), ("music", music)):
        editor.apply(AddMedia(media=import_media(path, media_id=key)))
    for kind, track_id in (("video", "v1"), ("overlay", "o1"), ("audio", "a1")):
        editor.apply(AddTrack(kind=kind, track_id=track_id, name=f"{kind} track"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="a", media_id="red", start=0, duration=2, source_in=Fraction(1, 2), fade_in=Fraction(1, 2)
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="b",
                media_id="blue",
                start=2,
                duration=Fraction(3, 2),
                source_in=1,
                fade_out=Fraction(1, 3),
            ),
        )
    )
    editor.apply(AddTransition(from_id="a", to_id="b", duration=Fraction(2, 5), alignment="center"))
    editor.apply(
        AddElement(
            track_id="o1",
            element=ClipElement(
                id="pip",
                media_id="small",
                start=Fraction(1, 2),
                duration=2,
                source_in=Fraction(1, 3),
                transform=Transform(x=120, y=30, scale=0.4, opacity=0.7),
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="a1",
            element=ClipElement(
                id="music", media_id="music", start=0, duration=3, gain_db=-6, fade_out=Fraction(1, 2)
            ),
        )
    )
    return editor.project


def elements(project: Project, kind: str) -> list:
    return [element for track in project.tracks if track.kind == kind for element in track.elements]


def psnr(actual: np.ndarray, expected: np.ndarray) -> float:
    error = np.mean((actual.astype(np.float64) - expected.astype(np.float64)) ** 2)
    return float("inf") if error == 0 else float(10 * np.log10(255.0**2 / error))


def picture_psnrs(before: Project, after: Project) -> dict[int, float]:
    return {
        frame: psnr(render_frame(after, Fraction(frame, RATE)), render_frame(before, Fraction(frame, RATE)))
        for frame in FRAMES
    }


def loudness(project: Project) -> float:
    return integrated_loudness(render_audio(project), project.settings.sample_rate)


def assert_renders_alike(before: Project, after: Project) -> None:
    psnrs = picture_psnrs(before, after)
    assert min(psnrs.values()) >= SAME_PICTURE_DB, psnrs
    assert loudness(after) == pytest.approx(loudness(before), abs=SAME_LOUDNESS_DB)


def test_the_scenario_shows_what_it_tests(project):
    """Each property under test changes the render: without it frames or loudness differ."""
    full_frame = project.model_copy(deep=True)
    full_frame.element("pip").transform = Transform()
    opaque = project.model_copy(deep=True)
    opaque.element("pip").transform.opacity = 1
    no_fades = project.model_copy(deep=True)
    no_fades.element("a").fade_in = no_fades.element("b").fade_out = Fraction(0)
    no_crossfade = project.model_copy(deep=True)
    no_crossfade.tracks[0].transitions = []
    for changed, frame in (
        (full_frame, 30),
        (opaque, 30),
        (no_fades, 3),
        (no_fades, 102),
        (no_crossfade, 60),
    ):
        assert picture_psnrs(project, changed)[frame] < 30
    unity = project.model_copy(deep=True)
    unity.element("music").gain_db = 0
    assert loudness(unity) - loudness(project) > 1


def test_otio_round_trip_renders_the_same(project, tmp_path):
    report = export_timeline(project, tmp_path / "cut.otio")
    assert report.warnings == []
    assert_renders_alike(project, import_otio(report.path))


@pytest.mark.skipif(not _adapter_installed("fcp_xml"), reason="otio-fcp-adapter is not installed")
def test_fcp_xml_round_trip_renders_the_same(project, tmp_path):
    report = export_timeline(project, tmp_path / "cut.xml")
    assert (report.format, report.warnings) == ("FCP XML", [])  # the scenario is all FCP XML can say
    back = import_otio(report.path)
    assert_renders_alike(project, back)
    (a, _), (pip,), (music,) = (elements(back, kind) for kind in ("video", "overlay", "audio"))
    assert (pip.transform.x, pip.transform.y, pip.transform.opacity) == (120, 30, 0.7)
    assert pip.transform.scale == pytest.approx(0.4)
    assert (music.gain_db, music.fade_out, a.fade_in) == (-6, Fraction(1, 2), Fraction(1, 2))
    (crossfade,) = back.tracks[0].transitions
    assert (crossfade.duration, crossfade.alignment, crossfade.audio) == (Fraction(2, 5), "center", True)
    assert [t.kind for t in back.tracks] == [
        "video",
        "overlay",
        "audio",
    ]  # the clips' sound rejoined its picture


@pytest.mark.skipif(not _adapter_installed("cmx_3600"), reason="otio-cmx3600-adapter is not installed")
def test_edl_round_trip_renders_what_the_edl_keeps(project, tmp_path):
    report = export_timeline(project, tmp_path / "cut.edl")
    lost = {(w.element_id, w.property) for w in report.warnings}
    assert lost == {(None, "settings"), ("o1", "track"), ("music", "gain_db")}
    kept = project.model_copy(deep=True)  # the project as an EDL can say it
    kept.tracks = [t for t in kept.tracks if t.id != "o1"]
    kept.element("music").gain_db = 0
    back = import_otio(report.path, rate=RATE)
    assert_renders_alike(kept, back)
    text = report.path.read_text()
    assert "AA/V  D    015" in text and "BL       AA/V  D    010" in text  # fade in, fade out through black
    assert "NONE " in text and "AUD  3    4" in text  # the music on audio channels 3 and 4
    assert [t.kind for t in back.tracks] == ["video", "audio"]
