"""Keyframe interpolation against analytic values, and animation in renders."""

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from kijkocut.animation import Keyframe, cubic_bezier, value_at
from kijkocut.edit import Editor
from kijkocut.edit.commands import (
    AddEffect,
    AddElement,
    AddMedia,
    AddTrack,
    ApplyAnimationPreset,
    RemoveEffect,
    SetKeyframes,
)
from kijkocut.errors import EditError
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings, Transform
from kijkocut.render.frames import render_frame


def _keys(*points, interpolation="linear"):
    return [Keyframe(time=t, value=v, interpolation=interpolation) for t, v in points]


def test_linear_and_hold():
    keys = _keys((0, 0.0), (2, 10.0), (3, 4.0))
    assert value_at(keys, Fraction(-1)) == 0
    assert value_at(keys, Fraction(1, 2)) == 2.5
    assert value_at(keys, Fraction(5, 2)) == 7.0
    assert value_at(keys, Fraction(10)) == 4.0
    held = _keys((0, 1.0), (1, 5.0), interpolation="hold")
    assert value_at(held, Fraction(99, 100)) == 1.0 and value_at(held, Fraction(1)) == 5.0


def _bezier_point(x1, y1, x2, y2, s):
    """Parametric point on the curve, to check the solver against."""
    x = 3 * (1 - s) ** 2 * s * x1 + 3 * (1 - s) * s**2 * x2 + s**3
    y = 3 * (1 - s) ** 2 * s * y1 + 3 * (1 - s) * s**2 * y2 + s**3
    return x, y


@pytest.mark.parametrize(
    "curve", [(0.42, 0, 1, 1), (0, 0, 0.58, 1), (0.42, 0, 0.58, 1), (0.1, 0.9, 0.2, 1.0)]
)
def test_bezier_solver_matches_the_parametric_curve(curve):
    for s in np.linspace(0.05, 0.95, 10):
        x, y = _bezier_point(*curve, s)
        assert cubic_bezier(*curve, x) == pytest.approx(y, abs=1e-6)


def test_easing_keyframes():
    ease = _keys((0, 0.0), (1, 100.0), interpolation="ease_in_out")
    assert value_at(ease, Fraction(1, 2)) == pytest.approx(50.0, abs=1e-6)  # symmetric curve
    ease_in = _keys((0, 0.0), (1, 100.0), interpolation="ease_in")
    assert value_at(ease_in, Fraction(1, 4)) < 25  # starts slow
    custom = [
        Keyframe(time=0, value=0, interpolation="bezier", bezier=(0.1, 0.9, 0.2, 1.0)),
        Keyframe(time=1, value=1),
    ]
    x, y = _bezier_point(0.1, 0.9, 0.2, 1.0, 0.3)
    assert value_at(custom, Fraction(x).limit_denominator(10**9)) == pytest.approx(y, abs=1e-6)


@pytest.fixture
def white_on_black(tmp_path):
    Image.new("RGB", (16, 16), (255, 255, 255)).save(tmp_path / "w.png")
    project = Project(settings=ProjectSettings(width=64, height=64, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(tmp_path / "w.png", media_id="w")))
    editor.apply(AddTrack(kind="overlay", track_id="o"))
    editor.apply(
        AddElement(
            track_id="o",
            element=ClipElement(id="w", media_id="w", start=1, duration=2, transform=Transform(fit="none")),
        )
    )
    return project, editor


def test_opacity_keyframes_render_linearly(white_on_black):
    project, editor = white_on_black
    editor.apply(
        SetKeyframes(element_id="w", property="transform.opacity", keyframes=_keys((0, 0.0), (1, 1.0)))
    )
    for t, expected in (
        (1, 0.0),
        (Fraction(5, 4), 0.25),
        (Fraction(3, 2), 0.5),
        (2, 1.0),
        (Fraction(5, 2), 1.0),
    ):
        assert abs(render_frame(project, t)[32, 32, 0] - 255 * expected) < 3, t


def test_position_keyframes_move_the_element(white_on_black):
    project, editor = white_on_black
    editor.apply(SetKeyframes(element_id="w", property="transform.x", keyframes=_keys((0, 10.0), (2, 50.0))))
    for t, centre in ((1, 10), (2, 30), (Fraction(29, 10), 48)):
        row = render_frame(project, t)[32, :, 0]
        lit = np.nonzero(row > 128)[0]
        assert abs((lit.min() + lit.max()) / 2 - centre) <= 2, (t, lit)


def test_effect_parameters_are_keyframable(white_on_black):
    project, editor = white_on_black
    editor.apply(AddEffect(element_id="w", kind="brightness", params={"amount": 0}, effect_id="b"))
    editor.apply(
        SetKeyframes(element_id="w", property="effects.b.amount", keyframes=_keys((0, 0.0), (2, -1.0)))
    )
    assert abs(render_frame(project, 2)[32, 32, 0] - 127.5) < 4  # half-way: amount -0.5


def test_unknown_property_is_refused(white_on_black):
    _, editor = white_on_black
    with pytest.raises(EditError, match="not an animatable property"):
        editor.apply(SetKeyframes(element_id="w", property="transform.colour", keyframes=_keys((0, 1.0))))
    with pytest.raises(EditError, match="not an animatable property"):
        editor.apply(SetKeyframes(element_id="w", property="effects.nope.amount", keyframes=_keys((0, 1.0))))


def test_ken_burns_zooms_and_pans_a_still(tmp_path):
    pixels = np.zeros((90, 160, 3), np.uint8)
    pixels[40:50, 75:85] = 255  # a marker in the middle
    Image.fromarray(pixels).save(tmp_path / "still.png")
    project = Project(settings=ProjectSettings(width=160, height=90, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(tmp_path / "still.png", media_id="s")))
    editor.apply(AddTrack(kind="video", track_id="v"))
    editor.apply(AddElement(track_id="v", element=ClipElement(id="s", media_id="s", start=0, duration=4)))
    editor.apply(ApplyAnimationPreset(element_id="s", preset="ken_burns", zoom=2.0, direction="left"))

    def marker_box(t):
        lit = np.argwhere(render_frame(project, t)[..., 0] > 128)
        return lit.min(axis=0), lit.max(axis=0)

    (top0, left0), (bottom0, right0) = marker_box(0)
    (top1, left1), (bottom1, right1) = marker_box(Fraction(119, 30))
    assert (right1 - left1) > 1.8 * (right0 - left0)  # zoomed in about 2x
    assert (left1 + right1) / 2 < (left0 + right0) / 2 - 10  # and panned: content moves left


def test_ken_burns_keeps_a_canvas_filling_picture_covering_the_frame(tmp_path):
    Image.fromarray(np.full((90, 160, 3), 255, np.uint8)).save(tmp_path / "white.png")
    project = Project(settings=ProjectSettings(width=160, height=90, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(tmp_path / "white.png", media_id="w")))
    editor.apply(AddTrack(kind="video", track_id="v"))
    editor.apply(AddElement(track_id="v", element=ClipElement(id="w", media_id="w", start=0, duration=2)))
    for direction in ("left", "right", "up", "down"):
        editor.apply(ApplyAnimationPreset(element_id="w", preset="ken_burns", zoom=1.5, direction=direction))
        for t in (Fraction(0), Fraction(1), Fraction(59, 30)):
            assert render_frame(project, t).min() > 200, (direction, t)  # no background shows at any edge


def test_fade_and_pop_in_presets(white_on_black):
    project, editor = white_on_black
    editor.apply(ApplyAnimationPreset(element_id="w", preset="fade", duration=Fraction(1, 2)))
    assert render_frame(project, 1)[32, 32, 0] < 3 and render_frame(project, 2)[32, 32, 0] > 250
    assert render_frame(project, Fraction(59, 20))[32, 32, 0] < 40  # fading out near the end
    editor.apply(ApplyAnimationPreset(element_id="w", preset="pop_in", duration=Fraction(1, 2)))
    scale = project.element("w").keyframes["transform.scale"]
    assert scale[0].value < 0.1 and max(k.value for k in scale) == pytest.approx(1.1)


def test_removing_an_animated_effect_removes_its_keyframes(white_on_black):
    project, editor = white_on_black
    editor.apply(AddEffect(element_id="w", kind="brightness", effect_id="b"))
    editor.apply(
        SetKeyframes(element_id="w", property="effects.b.amount", keyframes=_keys((0, 0.0), (1, 0.5)))
    )
    editor.apply(RemoveEffect(element_id="w", effect_id="b"))
    assert project.element("w").effects == [] and project.element("w").keyframes == {}
    editor.undo()
    assert "effects.b.amount" in project.element("w").keyframes
