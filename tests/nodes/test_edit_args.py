"""Node arguments that need no ComfyUI: element targets, JSON from text widgets checked by the service's own
models, and "$name" references to ids an earlier Apply Action remembered."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kijkocut.model import Project
from kijkocut.service.actions import apply_action
from kijkocut.service.errors import ServiceError


@pytest.fixture
def args(pack):
    return pack("nodes.edit_args")


def titles() -> Project:
    project = Project()
    for index, start in enumerate((0, 2, 4)):
        apply_action(
            project,
            "add_text",
            {
                "text": "x",
                "start": start,
                "duration": 1,
                "track_id": "T1",
                "create_track": True,
                "element_id": f"T1_{index + 1}",
            },
        )
    return project


def test_targets_by_last_id_or_track_and_a_time_on_the_grid(args):
    project = titles()
    assert args.target(project, " LAST ", "", 0) == "T1_3"
    assert args.target(project, "T1_1", "", 0) == "T1_1"
    assert args.target(project, "", "T1", 2.5) == "T1_2"
    assert args.target(project, "", "T1", 1.99) == "T1_2"  # 1.99 s is frame 60 at 30 fps: the second title
    apply_action(project, "delete_element", {"element_id": "T1_3", "ripple": False})
    assert args.target(project, "last", "", 0) == "T1_2"
    with pytest.raises(ServiceError, match="unknown element 'nope'"):
        args.target(project, "nope", "", 0)
    with pytest.raises(ServiceError, match="no element on track T1 at 1.500 s"):
        args.target(project, "", "T1", 1.5)
    with pytest.raises(ServiceError, match="no element has been added"):
        args.target(Project(), "last", "", 0)


def test_json_widgets_name_the_problem(args):
    assert args.params_object("") == {} and args.params_object('{"amount": 0.2}') == {"amount": 0.2}
    for text, message in [
        ("[1]", "JSON object"),
        ("{amount: 1}", "not valid JSON"),
        ("[" * 40 + "]" * 40, "nested too deeply"),
    ]:
        with pytest.raises(ServiceError, match=message):
            args.params_object(text)
    assert "gaussian_blur: radius 0..200" in args.effect_help()


def test_keyframes_from_objects_or_pairs_checked_by_the_actions_model(args):
    keys = args.keyframes('[{"time": 0.1, "value": 1, "interpolation": "hold"}, [2, 3.5], [3, 0, "ease_in"]]')
    assert keys == [
        {"time": 0.1, "value": 1, "interpolation": "hold"},
        {"time": 2, "value": 3.5},
        {"time": 3, "value": 0, "interpolation": "ease_in"},
    ]
    assert args.keyframes("[]") == []
    for text, message in [
        ('{"time": 0}', "JSON list"),
        ('[{"time": 0, "value": 1, "interpolation": "bounce"}]', "keyframe 0: interpolation"),
        ("[[1]]", "keyframe 0: expected an object"),
        ('[{"time": 0}]', "keyframe 0: value"),
    ]:
        with pytest.raises(ServiceError, match=message):
            args.keyframes(text)
    project = titles()
    apply_action(
        project,
        "set_keyframes",
        {
            "element_id": "T1_1",
            "property": "style.opacity",
            "keyframes": args.keyframes("[[0.51, 0], [1, 1]]"),
        },
    )
    assert project.element("T1_1").keyframes["style.opacity"][0].time == Fraction(1, 2)  # on the frame grid


def test_references_bind_to_remembered_ids(args):
    project = titles()
    refs = {
        "media": {"media_ids": ["med_a", "med_b"], "skipped": []},
        "clip": {"element_id": "V1_1", "track_id": "trk_1"},
    }
    params = {
        "media_id": "$media[1]",
        "after": "$clip",
        "track_id": "$clip.track_id",
        "target": "$last",
        "paths": ["$media.media_ids[0]"],
        "text": "$$clip",
        "price": "$5 off",
        "plain": 2,
    }
    assert args.has_refs(params) and not args.has_refs({"text": "$$clip", "price": "$5 off"})
    assert args.bind_refs(params, refs, project) == {
        "media_id": "med_b",
        "after": "V1_1",
        "track_id": "trk_1",
        "target": "T1_3",
        "paths": ["med_a"],
        "text": "$clip",
        "price": "$5 off",
        "plain": 2,
    }
    for value, message in [
        ("$nope", "remembered: media, clip"),
        ("$clip.effect_id", "clip holds element_id"),
        ("$media[5]", "holds 2 items"),
        ("$clip[0]", "holds no items"),
    ]:
        with pytest.raises(ServiceError, match=message):
            args.bind_refs({"x": value}, refs, project)
