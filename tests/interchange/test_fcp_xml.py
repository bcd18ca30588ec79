"""FCP 7 XML: the geometry and fades it is written in, round trips of what the scenario test does not cover
(crop, rotation, fits, stills, composite modes), and a file as another editor writes it."""

from fractions import Fraction

import pytest

otio = pytest.importorskip("opentimelineio", reason="the otio extra is not installed")
if not any(adapter.name == "fcp_xml" for adapter in otio.plugins.ActiveManifest().adapters):
    pytest.skip("otio-fcp-adapter is not installed", allow_module_level=True)

from kijkocut.edit import Editor  # noqa: E402
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack  # noqa: E402
from kijkocut.interchange.fcp_xml.curves import keyed_value  # noqa: E402
from kijkocut.interchange.fcp_xml.fades import fade_keys, fades_from_keys  # noqa: E402
from kijkocut.interchange.fcp_xml.filters import Key  # noqa: E402
from kijkocut.interchange.fcp_xml.motion import from_basic_motion, to_basic_motion  # noqa: E402
from kijkocut.interchange.otio import export_timeline, import_otio  # noqa: E402
from kijkocut.media.probe import import_media  # noqa: E402
from kijkocut.model import ClipElement, Crop, Project, ProjectSettings, Transform  # noqa: E402
from kijkocut.render.frames import render_frame  # noqa: E402

from .test_round_trip_renders import SAME_PICTURE_DB, psnr  # noqa: E402


@pytest.mark.parametrize(
    "transform",
    [
        Transform(),
        Transform(x=40, y=70, scale=0.5, rotation=30, crop=Crop(left=0.1, right=0.3, top=0.2)),
        Transform(x=-20, scale=3, rotation=-90, crop=Crop(bottom=0.5)),
    ],
)
def test_basic_motion_gives_back_the_transform(transform):
    motion = to_basic_motion(transform, 64, 48, 160, 90)
    back = from_basic_motion(motion, 1.0, 64, 48, 160, 90)
    assert back.crop == transform.crop and (back.x is None) == (transform.x is None)
    for name in ("x", "y", "scale", "rotation"):
        assert getattr(back, name) == pytest.approx(getattr(transform, name)), name


def test_basic_motion_is_fcps_own_terms():
    # A 64x48 source fitted into 160x90 is drawn 1.875x; half of that is 93.75 % of its pixels. Its centre
    # 40 px right of the frame's centre is a quarter of the frame's width.
    motion = to_basic_motion(Transform(x=120, y=45, scale=0.5), 64, 48, 160, 90)
    assert (motion.scale, motion.center_h, motion.center_v, motion.crops) == (93.75, 0.25, 0, False)


@pytest.mark.parametrize(
    "fade_in, fade_out, duration", [(15, 0, 60), (0, 10, 60), (15, 10, 60), (40, 40, 60)]
)
def test_fades_round_trip_as_keyframes(fade_in, fade_out, duration):
    keys = fade_keys(duration, fade_in, fade_out, 70.0)
    decoded = fades_from_keys(keys, duration)
    if fade_in + fade_out <= duration:
        assert decoded == (fade_in, fade_out, 70.0)
    else:  # ramps that cross before reaching the value: shorter fades to a lower value draw the same
        assert decoded is not None
        again = fade_keys(duration, *decoded)
        assert [keyed_value(again, f) for f in range(duration + 1)] == pytest.approx(
            [keyed_value(keys, f) for f in range(duration + 1)]
        )


def test_a_fade_with_fewer_keys_is_still_a_fade():
    assert fades_from_keys([Key(0, 0), Key(15, 60)], 60) == (15, 0, 60)  # held after the last key
    assert fades_from_keys([Key(50, 80), Key(60, 0)], 60) == (0, 10, 80)


def test_an_animation_is_not_taken_for_a_fade():
    assert fades_from_keys([Key(0, 0), Key(10, 100), Key(20, 50), Key(60, 0)], 60) is None
    assert fades_from_keys([Key(0, 20), Key(60, 80)], 60) is None
    assert fades_from_keys([Key(5, 0), Key(15, 60)], 60) is None  # black for five frames first


def test_crop_rotation_fits_stills_and_composite_modes_round_trip(engine_media, tmp_path):
    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=30)))
    for key, path in (("red", engine_media.red), ("small", engine_media.small), ("logo", engine_media.logo)):
        editor.apply(AddMedia(media=import_media(path, media_id=key)))
    for kind, track_id in (("video", "v1"), ("overlay", "o1"), ("overlay", "o2")):
        editor.apply(AddTrack(kind=kind, track_id=track_id))
    editor.apply(AddElement(track_id="v1", element=ClipElement(media_id="red", start=0, duration=2)))
    editor.apply(
        AddElement(
            track_id="o1",
            element=ClipElement(
                media_id="small",
                start=0,
                duration=2,
                blend_mode="screen",
                transform=Transform(
                    x=50, y=40, scale=0.8, rotation=25, fit="cover", crop=Crop(left=0.2, top=0.1, bottom=0.3)
                ),
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="o2",
            element=ClipElement(  # a still: the old export crashed on it
                media_id="logo",
                start=Fraction(1, 2),
                duration=1,
                transform=Transform(x=130, y=60, scale=0.5, opacity=0.8),
            ),
        )
    )
    project = editor.project
    report = export_timeline(project, tmp_path / "cut.xml")
    assert report.warnings == []
    back = import_otio(report.path)
    for frame in (5, 20, 40):
        t = Fraction(frame, 30)
        assert psnr(render_frame(back, t), render_frame(project, t)) >= SAME_PICTURE_DB, frame
    assert [e.blend_mode for t in back.tracks for e in t.elements] == ["normal", "screen", "normal"]


def test_a_file_from_another_editor(engine_media, tmp_path, caplog):
    """Premiere-style: the clip's sound on a linked audio clipitem with its own level, a scaled and moved
    picture fading in by opacity keyframes (`when` counts from the clip's media in point), a filter KijkoCut
    does not have."""
    rate = "<rate><timebase>30</timebase><ntsc>FALSE</ntsc></rate>"
    file = (
        f'<file id="file-1"><name>red.mp4</name><pathurl>{engine_media.red.as_uri()}</pathurl>{rate}'
        "<duration>120</duration><media><video><samplecharacteristics><width>160</width><height>90</height>"
        "</samplecharacteristics></video><audio><channelcount>2</channelcount></audio></media></file>"
    )
    timing = f"{rate}<start>15</start><end>75</end><in>30</in><out>90</out>"
    motion = (
        "<filter><effect><name>Basic Motion</name><effectid>basic</effectid><effectcategory>motion"
        "</effectcategory><effecttype>motion</effecttype><mediatype>video</mediatype>"
        "<parameter><parameterid>scale</parameterid><name>Scale</name><value>50</value></parameter>"
        "<parameter><parameterid>center</parameterid><name>Center</name><value><horiz>0.25</horiz>"
        "<vert>-0.25</vert></value></parameter></effect></filter>"
    )
    opacity = (
        "<filter><effect><name>Opacity</name><effectid>opacity</effectid><effectcategory>motion"
        "</effectcategory><effecttype>motion</effecttype><mediatype>video</mediatype><parameter>"
        "<parameterid>opacity</parameterid><name>Opacity</name><value>60</value>"
        "<keyframe><when>30</when><value>0</value></keyframe>"
        "<keyframe><when>45</when><value>60</value></keyframe></parameter></effect></filter>"
    )
    blur = (
        "<filter><effect><name>Gaussian Blur</name><effectid>GaussianBlur</effectid><effecttype>filter"
        "</effecttype><mediatype>video</mediatype></effect></filter>"
    )
    level = (
        "<filter><effect><name>Audio Levels</name><effectid>audiolevels</effectid><effectcategory>"
        "audiolevels</effectcategory><effecttype>audiolevels</effecttype><mediatype>audio</mediatype>"
        "<parameter><parameterid>level</parameterid><name>Level</name><value>0.5</value>"
        "<keyframe><when>30</when><value>0</value></keyframe>"
        "<keyframe><when>45</when><value>0.5</value></keyframe></parameter></effect></filter>"
    )
    xml = (
        f'<?xml version="1.0"?><xmeml version="4"><sequence id="sequence-1"><name>Edit</name>{rate}'
        "<duration>90</duration><media><video><format><samplecharacteristics><width>320</width>"
        "<height>180</height></samplecharacteristics></format><track>"
        f'<clipitem id="clipitem-1"><name>red</name>{timing}{file}{motion}{opacity}{blur}</clipitem>'
        f'</track></video><audio><track><clipitem id="clipitem-2"><name>red</name>{timing}'
        f'<file id="file-1"/><sourcetrack><mediatype>audio</mediatype><trackindex>1</trackindex>'
        f"</sourcetrack>{level}</clipitem></track></audio></media></sequence></xmeml>"
    )
    path = tmp_path / "premiere.xml"
    path.write_text(xml)
    project = import_otio(path)
    assert (project.settings.width, project.settings.height) == (320, 180)
    (track,) = project.tracks  # the audio clipitem became the clip's own sound
    (clip,) = track.elements
    assert (clip.start, clip.duration, clip.source_in) == (Fraction(1, 2), 2, 1)
    assert (clip.fade_in, clip.transform.opacity, clip.audio_muted) == (Fraction(1, 2), 0.6, False)
    assert clip.gain_db == pytest.approx(-6.0206, abs=1e-4)
    # 160x90 at 50 % of its pixels in a 320x180 frame: a quarter of the frame, centred at (240, 45).
    assert (clip.transform.x, clip.transform.y, clip.transform.scale) == (240, 45, 0.25)
    assert "'Gaussian Blur' has no KijkoCut equivalent" in caplog.text


def test_written_in_fcps_element_order(engine_media, tmp_path):
    from xml.etree import ElementTree

    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=30)))
    editor.apply(AddMedia(media=import_media(engine_media.red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(media_id="red", start=0, duration=1, fade_in=Fraction(1, 3), name="Red"),
        )
    )
    text = export_timeline(editor.project, tmp_path / "cut.xml").path.read_text()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n<xmeml version="4">')
    clip = ElementTree.fromstring(text).find(".//video/track/clipitem")
    tags = [child.tag for child in clip]
    assert tags[:2] == ["name", "duration"] and tags.count("rate") == 1  # the adapter wrote it twice
    assert tags.index("file") < tags.index("filter") and tags[-1] == "filter"
    opacity = clip.find("filter/effect[effectid='opacity']/parameter")
    assert [child.tag for child in opacity] == [
        "parameterid",
        "name",
        "valuemin",
        "valuemax",
        "value",
        "keyframe",
        "keyframe",
        "keyframe",
    ]


def test_animations_round_trip_frame_by_frame(engine_media, tmp_path):
    """Eased scale, a moving position with a crop and a rotation, opacity keyframes under a fade, a gain
    ramp in dB and a pan sweep: FCP keyframes that give every frame KijkoCut's value, and back."""
    from kijkocut.animation import Keyframe
    from kijkocut.edit.commands import SetKeyframes

    from .test_round_trip_renders import loudness

    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=30)))
    for key, path in (("red", engine_media.red), ("small", engine_media.small)):
        editor.apply(AddMedia(media=import_media(path, media_id=key)))
    for kind, track_id in (("video", "v1"), ("overlay", "o1")):
        editor.apply(AddTrack(kind=kind, track_id=track_id))
    editor.apply(
        AddElement(track_id="v1", element=ClipElement(id="base", media_id="red", start=0, duration=2))
    )
    editor.apply(
        AddElement(
            track_id="o1",
            element=ClipElement(
                id="pip",
                media_id="small",
                start=0,
                duration=2,
                fade_in=Fraction(1, 3),
                transform=Transform(rotation=20, crop=Crop(left=0.25)),
            ),
        )
    )
    animations = {
        "pip": {
            "transform.scale": [
                Keyframe(time=0, value=0.3, interpolation="ease_out"),
                Keyframe(time=Fraction(3, 2), value=0.9),
            ],
            "transform.x": [Keyframe(time=0, value=30), Keyframe(time=2, value=130)],
            "transform.opacity": [
                Keyframe(time=0, value=1),
                Keyframe(time=1, value=0.4, interpolation="hold"),
                Keyframe(time=Fraction(3, 2), value=0.8),
            ],
        },
        "base": {
            "gain_db": [Keyframe(time=0, value=-20), Keyframe(time=2, value=0)],
            "pan": [Keyframe(time=0, value=-1), Keyframe(time=2, value=1)],
        },
    }
    for element_id, paths in animations.items():
        for path, keys in paths.items():
            editor.apply(SetKeyframes(element_id=element_id, property=path, keyframes=keys))
    project = editor.project
    report = export_timeline(project, tmp_path / "cut.xml")
    assert report.warnings == []
    back = import_otio(report.path)
    for frame in (0, 4, 9, 17, 29, 31, 40, 46, 59):
        t = Fraction(frame, 30)
        assert psnr(render_frame(back, t), render_frame(project, t)) >= SAME_PICTURE_DB, frame
    assert loudness(back) == pytest.approx(loudness(project), abs=0.1)
    pip = back.tracks[1].elements[0]
    assert {"transform.scale", "transform.x", "transform.opacity"} <= pip.keyframes.keys()


def test_speed_and_reverse_as_time_remap(engine_media, tmp_path):
    from xml.etree import ElementTree

    from .test_round_trip_renders import loudness

    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=30)))
    editor.apply(AddMedia(media=import_media(engine_media.red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(media_id="red", start=0, duration=1, speed=2, source_in=Fraction(1, 2)),
        )
    )
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(media_id="red", start=1, duration=1, speed=0.5, reverse=True, source_in=1),
        )
    )
    project = editor.project
    report = export_timeline(project, tmp_path / "cut.xml")
    assert report.warnings == []
    clips = ElementTree.parse(report.path).getroot().findall(".//video/track/clipitem")
    assert [(c.findtext("in"), c.findtext("out")) for c in clips] == [
        ("15", "75"),
        ("30", "45"),
    ]  # media frames
    back = import_otio(report.path)
    (track,) = back.tracks
    assert [
        (e.start, e.duration, e.source_in, e.speed, e.reverse, e.audio_muted) for e in track.elements
    ] == [(0, 1, Fraction(1, 2), 2, False, False), (1, 1, 1, 0.5, True, False)]
    for frame in (5, 25, 35, 55):
        assert (
            psnr(render_frame(back, Fraction(frame, 30)), render_frame(project, Fraction(frame, 30)))
            >= SAME_PICTURE_DB
        )
    assert loudness(back) == pytest.approx(loudness(project), abs=0.1)
