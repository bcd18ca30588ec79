"""OpenTimelineIO interchange: structure of the exported timeline, exact round trips (project JSON and rendered
frames), edits made in another tool, foreign files, missing media, FCP XML and EDL through OTIO's adapters."""

import json
import sys
from fractions import Fraction

import numpy as np
import pytest

otio = pytest.importorskip("opentimelineio", reason="the otio extra is not installed")

from kijkocut.animation import Keyframe  # noqa: E402
from kijkocut.edit import Editor  # noqa: E402
from kijkocut.edit.commands import (  # noqa: E402
    AddElement,
    AddMarker,
    AddMedia,
    AddTrack,
    AddTransition,
    SetKeyframes,
    UpdateTrack,
)
from kijkocut.errors import KijkoCutError  # noqa: E402
from kijkocut.interchange.otio import (  # noqa: E402
    export_otio,
    export_timeline,
    from_otio,
    import_otio,
    to_otio,
)
from kijkocut.interchange.timing import exact_rate, require_otio  # noqa: E402
from kijkocut.media.probe import import_media  # noqa: E402
from kijkocut.model import (  # noqa: E402
    AdjustmentElement,
    ClipElement,
    Effect,
    Project,
    ProjectSettings,
    TextElement,
    TextStyle,
    Transform,
)
from kijkocut.project_io import project_to_dict  # noqa: E402
from kijkocut.render.frames import iter_frames  # noqa: E402

NTSC = Fraction(30000, 1001)
FRAME = 1 / NTSC


def _adapter_installed(name: str) -> bool:
    return any(adapter.name == name for adapter in otio.plugins.ActiveManifest().adapters)


@pytest.fixture
def project(engine_media):
    """Every kind of track and most KijkoCut-only properties, at 29.97 fps with an off-frame text start."""
    editor = Editor(
        Project(
            name="Round trip",
            settings=ProjectSettings(width=160, height=90, frame_rate=NTSC, background="#102030"),
        )
    )
    for key, path in (
        ("red", engine_media.red),
        ("green", engine_media.green),
        ("logo", engine_media.logo),
        ("music", engine_media.music),
        ("unused", engine_media.small),
    ):
        editor.apply(AddMedia(media=import_media(path, media_id=key)))
    for kind, track_id in (
        ("video", "v1"),
        ("overlay", "o1"),
        ("adjustment", "fx"),
        ("text", "t1"),
        ("audio", "a1"),
    ):
        editor.apply(AddTrack(kind=kind, track_id=track_id, name=f"{kind} track"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="r", media_id="red", start=0, duration=30 * FRAME, source_in=15 * FRAME),
        )
    )
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="g",
                media_id="green",
                start=30 * FRAME,
                duration=20 * FRAME,
                source_in=20 * FRAME,
                speed=2,
                reverse=True,
                effects=[Effect(kind="sepia", params={"amount": 0.5})],
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="r2", media_id="red", start=60 * FRAME, duration=15 * FRAME, source_in=0, freeze_frame=True
            ),
        )
    )
    editor.apply(
        AddTransition(from_id="r", to_id="g", duration=10 * FRAME, alignment="end", kind="wipe_left")
    )
    editor.apply(
        AddElement(
            track_id="o1",
            element=ClipElement(
                id="logo",
                media_id="logo",
                start=10 * FRAME,
                duration=40 * FRAME,
                fade_in=5 * FRAME,
                transform=Transform(x=40, y=30, scale=0.5, rotation=15, opacity=0.8),
                blend_mode="screen",
            ),
        )
    )
    editor.apply(
        SetKeyframes(
            element_id="logo",
            property="transform.scale",
            keyframes=[
                Keyframe(time=0, value=0.3),
                Keyframe(time=Fraction(1), value=0.6, interpolation="ease_out"),
            ],
        )
    )
    editor.apply(
        AddElement(
            track_id="fx",
            element=AdjustmentElement(
                id="adj", start=45 * FRAME, duration=20 * FRAME, effects=[Effect(kind="invert")]
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="t1",
            element=TextElement(
                id="title",
                text="Hello\nOTIO",
                start=Fraction(1, 7),
                duration=Fraction(3, 2),
                style=TextStyle(size=20, color="#ffff00", y=70, box_color="#000000aa", weight="bold"),
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="a1",
            element=ClipElement(
                id="m",
                media_id="music",
                start=5 * FRAME,
                duration=60 * FRAME,
                source_in=Fraction(1, 3),
                gain_db=-6,
                fade_out=10 * FRAME,
                pan=-0.5,
            ),
        )
    )
    editor.apply(UpdateTrack(track_id="a1", muted=False, locked=True))
    editor.apply(AddMarker(time=12 * FRAME, name="beat", color="#00ff00", marker_id="mk1"))
    editor.apply(AddMarker(time=Fraction(2, 3), name="off frame", marker_id="mk2"))
    return editor.project


def _comparable(project: Project) -> dict:
    doc = project_to_dict(project)
    doc.pop("history"), doc.pop("revision")
    return doc


def _without_ids(value):
    if isinstance(value, dict):
        return {
            k: _without_ids(v)
            for k, v in value.items()
            if k not in ("id", "from_id", "to_id", "media_id", "under_track_id")
        }
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _frames(project: Project) -> list[np.ndarray]:
    return list(iter_frames(project, width=64, height=36))


def test_exported_timeline_structure(project):
    timeline = to_otio(project)
    tracks = list(timeline.tracks)
    assert [t.kind for t in tracks] == ["Video"] * 4 + ["Audio"]
    video = tracks[0]
    items = list(video)
    assert [type(i).__name__ for i in items] == ["Clip", "Transition", "Clip", "Gap", "Clip"]
    first, transition, second, gap, third = items
    assert first.source_range == otio.opentime.TimeRange(
        otio.opentime.RationalTime(15, float(NTSC)), otio.opentime.RationalTime(30, float(NTSC))
    )
    assert first.media_reference.target_url == project.media["red"].path
    assert first.media_reference.available_range.duration.to_seconds() == pytest.approx(4, abs=0.05)
    assert (transition.in_offset.value, transition.out_offset.value) == (10, 0)
    assert transition.transition_type == otio.schema.TransitionTypes.Custom
    assert gap.duration().value == 10
    assert second.effects[0].time_scalar == -2.0 and isinstance(third.effects[0], otio.schema.FreezeFrame)
    gap_before, text_clip = list(tracks[3])
    assert gap_before.duration().to_seconds() == pytest.approx(1 / 7, abs=1e-12)
    assert text_clip.media_reference.generator_kind == "kijkocut.text"
    assert text_clip.media_reference.parameters["text"] == "Hello\nOTIO"
    assert [m.name for m in timeline.tracks.markers] == ["beat", "off frame"]
    assert timeline.tracks.markers[0].color == "GREEN"
    off_frame = timeline.tracks.markers[1].marked_range.start_time
    assert off_frame.rate == float(NTSC) and off_frame.value == pytest.approx(
        20000 / 1001
    )  # one rate throughout
    assert timeline.tracks.markers[1].metadata["kijkocut"]["time"] == "2/3"  # the exact value rides along


def test_round_trip_is_exact_in_json_and_frames(project, tmp_path):
    path = export_otio(project, tmp_path / "cut.otio")
    assert json.loads(path.read_text())["OTIO_SCHEMA"].startswith("Timeline.")
    back = import_otio(path)
    assert _comparable(back) == _comparable(project)
    assert _without_ids(_comparable(back)) == _without_ids(_comparable(project))
    original, again = _frames(project), _frames(back)
    assert len(original) == len(again) == 75
    for index, (a, b) in enumerate(zip(original, again)):
        assert np.array_equal(a, b), index
    assert len({a.tobytes() for a in original}) > 20  # the frames really differ over time
    assert [p.name for p in tmp_path.iterdir()] == ["cut.otio"]


def test_edits_made_in_another_tool_win_over_stale_metadata(project):
    timeline = to_otio(project)
    first = next(iter(timeline.tracks[0]))
    rate = first.source_range.duration.rate
    # Another editor trims the first clip's head by 5 frames (in point +5, duration -5) and adds a 5-frame gap.
    first.source_range = otio.opentime.TimeRange(
        otio.opentime.RationalTime(20, rate), otio.opentime.RationalTime(25, rate)
    )
    timeline.tracks[0].insert(0, otio.schema.Gap(duration=otio.opentime.RationalTime(5, rate)))
    back = from_otio(timeline)
    moved = back.element("r")
    assert (moved.start, moved.duration, moved.source_in) == (5 * FRAME, 25 * FRAME, 20 * FRAME)
    assert back.element("g").start == 30 * FRAME  # untouched clips keep their exact times
    assert back.element("title").start == Fraction(1, 7)


@pytest.fixture
def foreign_timeline(engine_media):
    """A timeline as another editor would write it: no KijkoCut metadata, a file URL, 24 fps, a dissolve."""
    rt, rate = otio.opentime.RationalTime, 24.0
    timeline = otio.schema.Timeline(name="Foreign", global_start_time=rt(86400, rate))
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    red = otio.schema.ExternalReference(
        target_url=engine_media.red.as_uri(),
        available_range=otio.opentime.TimeRange(rt(0, rate), rt(96, rate)),
    )
    green = otio.schema.ExternalReference(target_url="green.mp4")  # relative to the media root
    video.append(
        otio.schema.Clip(
            name="A", media_reference=red, source_range=otio.opentime.TimeRange(rt(12, rate), rt(24, rate))
        )
    )
    video.append(
        otio.schema.Transition(
            transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
            in_offset=rt(6, rate),
            out_offset=rt(6, rate),
        )
    )
    clip_b = otio.schema.Clip(
        name="B", media_reference=green, source_range=otio.opentime.TimeRange(rt(24, rate), rt(24, rate))
    )
    clip_b.effects.append(otio.schema.LinearTimeWarp(time_scalar=0.5))
    video.append(clip_b)
    video.append(otio.schema.Gap(duration=rt(12, rate)))
    video.append(
        otio.schema.Clip(
            name="A again",
            media_reference=otio.schema.ExternalReference(target_url=str(engine_media.red)),
            source_range=otio.opentime.TimeRange(rt(0, rate), rt(12, rate)),
        )
    )
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    audio.enabled = False
    audio.append(
        otio.schema.Clip(
            name="music",
            media_reference=otio.schema.ExternalReference(target_url=str(engine_media.music)),
            source_range=otio.opentime.TimeRange(rt(0, rate), rt(48, rate)),
        )
    )
    timeline.tracks.extend([video, audio])
    timeline.tracks.markers.append(
        otio.schema.Marker(
            name="cue", marked_range=otio.opentime.TimeRange(rt(30, rate), rt(0, rate)), color="RED"
        )
    )
    return timeline


def test_foreign_timeline_imports_with_defaults(foreign_timeline, engine_media):
    project = from_otio(foreign_timeline, media_root=engine_media.folder)
    assert project.settings.frame_rate == 24 and (project.settings.width, project.settings.height) == (
        160,
        90,
    )
    video, audio = project.tracks
    assert (video.kind, audio.kind, audio.muted) == ("video", "audio", True)
    layout = [
        (e.start, e.duration, e.source_in, e.speed, project.media[e.media_id].name) for e in video.elements
    ]
    assert layout == [
        (0, 1, Fraction(1, 2), 1, "red.mp4"),
        (1, 1, 1, 0.5, "green.mp4"),
        (Fraction(5, 2), Fraction(1, 2), 0, 1, "red.mp4"),
    ]
    assert len(project.media) == 3  # red.mp4 referenced twice (URL and path) is one media entry
    (transition,) = video.transitions
    assert (transition.duration, transition.alignment, transition.kind) == (
        Fraction(1, 2),
        "center",
        "crossfade",
    )
    assert [(m.time, m.name, m.color) for m in project.markers] == [(Fraction(5, 4), "cue", "#ff0000")]
    frames = list(iter_frames(project, width=32, height=18, every_nth=12))
    assert len(frames) == 6 and all(
        frame.mean() > 20 for frame in frames[:2]
    )  # real pictures, not a blank canvas


def test_missing_foreign_media_is_an_error_or_offline(foreign_timeline, tmp_path):
    with pytest.raises(KijkoCutError, match=r"clip 'B': media file .*green\.mp4 not found"):
        from_otio(foreign_timeline, media_root=tmp_path)
    project = from_otio(foreign_timeline, media_root=tmp_path, missing_media="offline")
    offline = [m for m in project.media.values() if m.info.warnings == ["offline: file not found"]]
    assert [m.name for m in offline] == ["green.mp4"]


def test_unsupported_structures_and_files(foreign_timeline, engine_media, tmp_path):
    nested = foreign_timeline.clone()
    nested.tracks[0].append(otio.schema.Stack(name="compound"))
    with pytest.raises(KijkoCutError, match="nested Stack 'compound' is not supported"):
        from_otio(nested, media_root=engine_media.folder)
    with pytest.raises(KijkoCutError, match=r"no OpenTimelineIO adapter for '\.foo'"):
        export_otio(Project(), tmp_path / "cut.foo")
    broken = tmp_path / "broken.otio"
    broken.write_text("{not json")
    with pytest.raises(KijkoCutError, match="broken.otio: cannot read it as otio_json"):
        import_otio(broken)


def test_missing_package_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "opentimelineio", None)
    with pytest.raises(KijkoCutError, match=r"pip install 'kijkocut\[otio\]'"):
        require_otio()


def test_exact_rates():
    assert (
        exact_rate(30000 / 1001) == NTSC
        and exact_rate(29.97) == NTSC
        and exact_rate(23.976) == Fraction(24000, 1001)
    )
    assert exact_rate(25.0) == 25 and exact_rate(59.94) == Fraction(60000, 1001)


def _cuts(project: Project) -> list:
    return [
        [
            (
                type(e).__name__,
                e.start,
                e.duration,
                getattr(e, "source_in", None),
                project.media[e.media_id].path if isinstance(e, ClipElement) else getattr(e, "text", None),
            )
            for e in track.elements
        ]
        for track in project.tracks
    ]


@pytest.mark.skipif(not _adapter_installed("fcp_xml"), reason="otio-fcp-adapter is not installed")
def test_fcp_xml_keeps_the_cuts(project, tmp_path):
    project.tracks = [t for t in project.tracks if t.kind in ("video", "text", "audio")]
    title = project.element("title")
    title.start, title.duration = 4 * FRAME, 45 * FRAME  # FCP XML counts frames
    project.element("m").source_in = 10 * FRAME
    project.markers = [m for m in project.markers if m.id == "mk1"]
    path = export_otio(project, tmp_path / "cut.xml")
    assert path.read_text().lstrip().startswith("<?xml")
    back = import_otio(path)
    assert _cuts(back) == _cuts(project)
    (transition,) = back.tracks[0].transitions
    assert (transition.duration, transition.alignment) == (10 * FRAME, "end")
    assert [m.time for m in back.markers] == [12 * FRAME]


@pytest.mark.skipif(not _adapter_installed("cmx_3600"), reason="otio-cmx3600-adapter is not installed")
def test_edl_keeps_the_cuts(engine_media, tmp_path):
    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=30)))
    for key, path in (("red", engine_media.red), ("green", engine_media.green)):
        editor.apply(AddMedia(media=import_media(path, media_id=key)))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    for element in (
        ClipElement(id="a", media_id="red", start=0, duration=1, source_in=Fraction(1, 2)),
        ClipElement(id="b", media_id="green", start=1, duration=Fraction(3, 2), source_in=1),
        ClipElement(id="c", media_id="red", start=3, duration=Fraction(1, 3), source_in=2),
    ):
        editor.apply(AddElement(track_id="v1", element=element))
    project = editor.project
    path = export_otio(project, tmp_path / "cut.edl")
    assert "FROM CLIP NAME:  green.mp4" in path.read_text()
    back = import_otio(path, rate=30)
    assert _cuts(back) == _cuts(project)
    two_tracks = project.model_copy(deep=True)
    editor = Editor(two_tracks)
    editor.apply(AddTrack(kind="overlay", track_id="v2", name="Picture in picture"))
    editor.apply(AddElement(track_id="v2", element=ClipElement(media_id="red", start=0, duration=1)))
    report = export_timeline(two_tracks, tmp_path / "two.edl")  # was: the adapter refused two video tracks
    assert _cuts(import_otio(report.path, rate=30)) == _cuts(project)  # the first video track
    (left_out,) = [w for w in report.warnings if w.property == "track"]
    assert left_out.element_id == "v2" and "'Picture in picture' (1 elements)" in left_out.subject
