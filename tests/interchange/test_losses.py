"""Warnings: one per element and property a format cannot carry, and none for what it carries. Each test lists
exactly what is warned about, so a property that starts (or stops) being written shows up here."""

from fractions import Fraction

import pytest

from kijkocut.animation import Keyframe
from kijkocut.edit import Editor
from kijkocut.edit.commands import (
    AddElement,
    AddMarker,
    AddMedia,
    AddTrack,
    AddTransition,
    SetKeyframes,
    UpdateTrack,
)
from kijkocut.interchange.edl.losses import losses as edl_losses
from kijkocut.interchange.fcp_xml.losses import losses as fcp_losses
from kijkocut.model import (
    AdjustmentElement,
    ClipElement,
    Crop,
    Ducking,
    Effect,
    Project,
    ProjectSettings,
    TextElement,
    TextStyle,
    Transform,
)


def _project(make_ref, **settings) -> Editor:
    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=30, **settings)))
    editor.apply(AddMedia(media=make_ref("cam", width=160, height=90)))
    editor.apply(AddMedia(media=make_ref("song", kind="audio")))
    return editor


def _lost(warnings) -> set[tuple[str | None, str]]:
    return {(w.element_id, w.property) for w in warnings}


def test_fcp_xml_warns_about_what_it_cannot_write_and_nothing_else(make_ref):
    editor = _project(make_ref, background="#102030")
    for kind, track_id in (
        ("video", "v1"),
        ("overlay", "o1"),
        ("text", "t1"),
        ("adjustment", "fx"),
        ("audio", "a1"),
    ):
        editor.apply(AddTrack(kind=kind, track_id=track_id))
    kept = ClipElement(
        id="kept",
        media_id="cam",
        start=0,
        duration=1,
        source_in=Fraction(1, 2),
        name="Kept",
        fade_in=Fraction(1, 3),
        fade_out=Fraction(1, 5),
        gain_db=-6,
        pan=0.5,
        blend_mode="screen",
        frame_sampling="blend",
        transform=Transform(
            x=10, y=20, scale=2, rotation=30, opacity=0.5, fit="cover", crop=Crop(left=0.1, bottom=0.2)
        ),
    )
    editor.apply(AddElement(track_id="v1", element=kept))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="lost",
                media_id="cam",
                start=1,
                duration=1,
                speed=2,
                reverse=True,
                effects=[Effect(kind="sepia", id="sep"), Effect(kind="invert")],
                transform=Transform(fit="stretch"),
            ),
        )
    )
    for path in ("transform.scale", "effects.sep.amount"):  # FCP XML keys the first, not the second
        editor.apply(
            SetKeyframes(
                element_id="lost",
                property=path,
                keyframes=[Keyframe(time=0, value=1), Keyframe(time=1, value=0.5)],
            )
        )
    editor.apply(
        AddTransition(
            from_id="kept",
            to_id="lost",
            duration=Fraction(2, 5),
            kind="wipe_left",
            handles="hold",
            transition_id="wipe",
        )
    )
    editor.apply(
        AddElement(
            track_id="o1",
            element=ClipElement(id="frozen", media_id="cam", start=0, duration=1, freeze_frame=True),
        )
    )
    editor.apply(
        AddElement(
            track_id="t1",
            element=TextElement(
                id="title",
                text="Hello",
                start=0,
                duration=1,
                fade_in=Fraction(1, 3),
                style=TextStyle(size=20, color="#ff0000"),
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="fx",
            element=AdjustmentElement(id="adj", start=0, duration=1, effects=[Effect(kind="invert")]),
        )
    )
    editor.apply(
        AddElement(
            track_id="a1",
            element=ClipElement(
                id="song",
                media_id="song",
                start=Fraction(1, 7),
                duration=1,
                gain_db=-3,
                pan=-1,
                transform=Transform(scale=3),
            ),
        )
    )  # a sound's transform shows nowhere: nothing is lost
    editor.apply(UpdateTrack(track_id="a1", solo=True, ducking=Ducking(under_track_id="v1")))
    editor.apply(AddMarker(time=0, name="default colour", marker_id="plain"))
    editor.apply(AddMarker(time=1, name="green", color="#00ff00", marker_id="green"))
    assert _lost(fcp_losses(editor.project)) == {
        (None, "settings.background"),
        ("lost", "effects"),
        ("lost", "keyframes.effects.sep.amount"),
        ("lost", "transform.fit"),
        ("frozen", "freeze_frame"),
        ("title", "style"),
        ("adj", "kind"),
        ("wipe", "kind"),
        ("wipe", "handles"),
        ("a1", "solo"),
        ("a1", "ducking"),
        ("green", "color"),
        ("song", "start"),  # 1/7 s is between frames at 30 fps
    }
    effects = [w.message for w in fcp_losses(editor.project) if w.property == "effects"]
    assert effects == [
        "sepia is not written (no FCP 7 filter for it here)",
        "invert is not written (no FCP 7 filter for it here)",
    ]
    (style,) = [w for w in fcp_losses(editor.project) if w.property == "style"]
    assert str(style) == (
        "FCP XML: text 'Hello' at 0.000 s on track 'Text': style: FCP 7 text keeps the words "
        "only: size, color not written"
    )


def test_edl_warns_about_what_it_cannot_write_and_nothing_else(make_ref):
    editor = _project(make_ref)
    for kind, track_id in (
        ("video", "v1"),
        ("overlay", "o1"),
        ("audio", "a1"),
        ("audio", "a2"),
        ("audio", "a3"),
        ("audio", "muted"),
    ):
        editor.apply(AddTrack(kind=kind, track_id=track_id))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="a", media_id="cam", start=0, duration=1, fade_in=Fraction(1, 3), speed=2, name="A"
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="b",
                media_id="cam",
                start=1,
                duration=1,
                fade_in=Fraction(1, 3),
                reverse=True,
                transform=Transform(scale=0.5),
                effects=[Effect(kind="sepia")],
            ),
        )
    )
    editor.apply(
        AddTransition(
            from_id="a",
            to_id="b",
            duration=Fraction(1, 3),
            kind="dip_to_black",
            audio=False,
            transition_id="dip",
        )
    )
    editor.apply(AddElement(track_id="o1", element=ClipElement(media_id="cam", start=0, duration=1)))
    for track_id in ("a1", "a2", "a3", "muted"):
        editor.apply(
            AddElement(
                track_id=track_id,
                element=ClipElement(
                    id=f"song_{track_id}",
                    media_id="song",
                    start=0,
                    duration=1,
                    fade_out=Fraction(1, 2),
                    pan=0.3,
                ),
            )
        )
    editor.apply(UpdateTrack(track_id="muted", muted=True))
    editor.apply(AddMarker(time=0, marker_id="m"))
    # The picture's sound takes A1/A2, a1 takes A3/A4: a2 and a3 do not fit, the muted track is not heard.
    assert _lost(edl_losses(editor.project)) == {
        (None, "settings"),
        ("o1", "track"),
        ("a2", "track"),
        ("a3", "track"),
        ("muted", "track"),
        ("b", "fade_in"),
        ("b", "reverse"),
        ("b", "transform.scale"),
        ("b", "effects"),
        ("dip", "kind"),
        ("dip", "audio"),
        ("song_a1", "pan"),
        ("m", "marker"),
    }
    (fade,) = [w for w in edl_losses(editor.project) if w.property == "fade_in"]
    assert fade.message == "the clip dissolves there already; the fade is not written"


@pytest.mark.parametrize("background, warned", [("#000000", False), ("#ffffff", True)])
def test_edl_fades_go_through_black(make_ref, background, warned):
    editor = _project(make_ref, background=background)
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="a", media_id="cam", start=0, duration=1, fade_out=Fraction(1, 3)),
        )
    )
    assert (("a", "fade_out") in _lost(edl_losses(editor.project))) is warned
