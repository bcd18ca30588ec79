"""Node arguments that need no ComfyUI: element targets, effect parameters and keyframes from JSON text."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddTrack, RemoveElement
from kijkocut.errors import EditError
from kijkocut.model import Project, TextElement


@pytest.fixture
def args(pack):
    return pack("nodes.edit_args")


def titles() -> Project:
    project = Project()
    editor = Editor(project)
    editor.apply(AddTrack(kind="text", track_id="T1"))
    for index, start in enumerate((0, 2, 4)):
        editor.apply(AddElement(track_id="T1", element=TextElement(id=f"T1_{index + 1}", text="x", start=start,
                                                                   duration=1)))
    return project


def test_last_added_follows_the_history(args):
    project = titles()
    assert args.last_added(project) == "T1_3"
    Editor(project).apply(RemoveElement(element_id="T1_3"))
    assert args.last_added(project) == "T1_2"
    with pytest.raises(EditError, match="no element has been added"):
        args.last_added(Project())


def test_targets_by_last_id_or_track_and_time(args):
    project = titles()
    assert args.resolve_target(project, " LAST ", "", 0) == "T1_3"
    assert args.resolve_target(project, "T1_1", "", 0) == "T1_1"
    assert args.resolve_target(project, "", "T1", 2.5) == "T1_2"
    with pytest.raises(EditError, match="unknown element 'nope'"):
        args.resolve_target(project, "nope", "", 0)
    with pytest.raises(EditError, match="no element on track 'T1' at 1.500 s"):
        args.resolve_target(project, "", "T1", 1.5)


def test_effect_params_are_checked_against_the_catalogue(args):
    assert args.effect_params("vignette", '{"amount": 0.2}') == {"amount": 0.2, "radius": 0.75, "softness": 0.5}
    assert args.effect_params("invert", "") == {"amount": 1.0}
    for kind, text, message in [("glow", "{}", "unknown effect 'glow'"), ("invert", "[1]", "JSON object"),
                                ("invert", "{amount: 1}", "not valid JSON"), ("invert", '{"amount": 2}', "between"),
                                ("flip", '{"horizontal": 1}', "true or false")]:
        with pytest.raises(EditError, match=message):
            args.effect_params(kind, text)
    assert "gaussian_blur: radius 0..200" in args.effect_help()


def test_keyframes_from_objects_or_pairs(args):
    keys = args.keyframes('[{"time": 0.1, "value": 1, "interpolation": "hold"}, [2, 3.5], [3, 0, "ease_in"]]')
    assert [(k.time, k.value, k.interpolation) for k in keys] == [
        (Fraction(1, 10), 1, "hold"), (2, 3.5, "linear"), (3, 0, "ease_in")]
    assert args.keyframes("[]") == []
    for text, message in [('{"time": 0}', "JSON list"), ('[{"value": 1, "interpolation": "bounce"}]',
                                                          "keyframe 0: interpolation"),
                          ("[[1]]", "keyframe 0"), ('[{"time": "soon", "value": 1}]', "time")]:
        with pytest.raises(EditError, match=message):
            args.keyframes(text)
