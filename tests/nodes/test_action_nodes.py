"""The nodes on the service layer (needs COMFYUI_PATH): one undo step per node, the generic Apply Action node
derived from the declarations (its parameters checked by the action's model, ids remembered by name for later
nodes), Undo / Redo, and choice lists taken from the engine's own types."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from kijkocut.errors import KijkoCutError


@pytest.fixture
def mods(comfy, pack):
    class Modules:
        timeline = pack("nodes.timeline")
        media = pack("nodes.media")
        editing = pack("nodes.editing")
        finishing = pack("nodes.finishing")
        actions = pack("nodes.actions")
        render = pack("nodes.render")

    return Modules


def new_timeline(mods, frame_rate="25"):
    return mods.timeline.NewTimeline.execute("custom", 160, 90, frame_rate, 48000, "#000000", "t").args[0]


def apply(mods, timeline, action, params, **optional):
    return mods.actions.ApplyAction.execute(timeline, action, json.dumps(params), **optional).args


def test_every_node_is_one_undo_step_and_lands_on_the_frame_grid(mods, input_media):
    red = mods.media.LoadMedia.execute(input_media["red"]).args[0]
    timeline, clip = mods.media.AddClip.execute(
        new_timeline(mods), red, track="V1", start=0.31, source_out=2.01, fade_in=0.33
    ).args
    element = timeline.project.element(clip)
    assert (element.start, element.duration, element.fade_in) == (
        Fraction(8, 25),
        Fraction(2),
        Fraction(8, 25),
    )
    assert len(timeline.project.history.done) == 1 and timeline.project.track("V1").kind == "video"
    titled, _ = mods.editing.AddText.execute(
        timeline, "Hi", "T1", 0.51, 1.0, 24, "#ffffff", 0.5, 0.5, "center", 0.0, 0.0
    ).args
    assert len(titled.project.history.done) == 2
    undone = mods.actions.UndoRedo.execute(titled, "undo", 2).args[0]
    assert (
        undone.project.tracks == [] and undone.project.media == {}
    )  # clip, its track and its media: one step
    assert mods.actions.UndoRedo.execute(undone, "redo", 1).args[0].project.element(clip).start == Fraction(
        8, 25
    )
    with pytest.raises(KijkoCutError, match="nothing to undo"):
        mods.actions.UndoRedo.execute(undone, "undo", 1)


def test_apply_action_imports_places_and_refers_to_what_it_remembered(mods, input_media):
    timeline, created = apply(
        mods,
        new_timeline(mods),
        "import_media",
        {"paths": [input_media["red"], input_media["green"]]},
        remember_as="media",
    )
    assert len(json.loads(created)["media_ids"]) == 2
    timeline, created = apply(
        mods, timeline, "add_clip", {"media_id": "$media[1]", "duration": "00:00:01:05"}, remember_as="first"
    )
    first = json.loads(created)["element_id"]
    assert timeline.project.element(first).duration == Fraction(6, 5)  # 1 s and 5 frames at 25 fps
    timeline, _ = apply(mods, timeline, "add_clip", {"media_id": "$media.media_ids[0]", "duration": "f30"})
    timeline, created = apply(
        mods,
        timeline,
        "add_transition",
        {"from_element_id": "$first", "to_element_id": "$last", "duration": "f10"},
    )
    project = timeline.project
    [transition] = project.tracks[0].transitions
    assert transition.from_id == first and transition.duration == Fraction(2, 5)
    assert project.media[project.element(first).media_id].name == input_media["green"]
    assert len(project.history.done) == 4 and json.loads(created)["transition_id"] == transition.id


def test_apply_action_shows_the_models_errors_before_the_graph_runs(mods):
    validate = mods.actions.ApplyAction.validate_inputs
    assert validate("add_marker", '{"time": "1"}') is True
    assert validate("add_clip", '{"media_id": "$media[0]"}') is True  # references are checked when bound
    assert "typo" in validate("add_marker", '{"time": 1, "typo": 2}')
    assert "not valid JSON" in validate("add_marker", "{time: 1}")
    assert "remember_as" in validate("add_marker", '{"time": 1}', "my clip")
    with pytest.raises(KijkoCutError, match="cannot read 'soon'"):
        apply(mods, new_timeline(mods), "add_marker", {"time": "soon"})
    with pytest.raises(KijkoCutError, match="remembered anything as 'media'"):
        apply(mods, new_timeline(mods), "add_clip", {"media_id": "$media[0]"})
    with pytest.raises(KijkoCutError, match="outside the allowed folders"):
        apply(mods, new_timeline(mods), "import_media", {"paths": ["/etc"]})


def test_apply_action_lists_every_declared_action(mods):
    from kijkocut.service.actions import all_actions

    schema = mods.actions.ApplyAction.GET_SCHEMA()
    action = next(i for i in schema.inputs if i.id == "action")
    assert action.options == sorted(all_actions()) and "split_at" in action.options
    assert [o.display_name for o in schema.outputs] == ["timeline", "created"]


def test_choice_lists_come_from_the_engines_types(mods):
    from kijkocut.service.export import AUDIO_CODECS, CONTAINERS, PRESET_NAMES, SPEEDS, VIDEO_CODECS

    inputs = {i.id: i for i in mods.render.ExportTimeline.GET_SCHEMA().inputs}
    assert inputs["container"].options == ["preset", *CONTAINERS]
    assert inputs["codec"].options == ["preset", *VIDEO_CODECS]
    assert inputs["speed"].options == ["preset", *SPEEDS] and "slower" in SPEEDS
    assert inputs["audio_codec"].options == ["preset", *AUDIO_CODECS]
    assert inputs["preset"].options == list(PRESET_NAMES)
    # One rule for preset + overrides: the master preset as MP4 keeps working (the preset's ProRes does not fit).
    validate = mods.render.ExportTimeline.validate_inputs
    assert validate("prores_master", "mp4", "preset", -1, "preset", 0, 0, 0.0, 0.0, True) is True
    assert "cannot go in a mp4" in validate(
        "prores_master", "mp4", "prores", -1, "preset", 0, 0, 0.0, 0.0, True
    )


def test_track_settings_left_alone_change_nothing(mods):
    timeline = mods.editing.AddText.execute(
        new_timeline(mods), "Hi", "T1", 0.0, 1.0, 24, "#ffffff", 0.5, 0.5, "center", 0.0, 0.0
    ).args[0]
    kept = mods.finishing.TrackSettings.execute(timeline, "T1", "keep", "keep", "keep", "keep").args[0]
    assert kept.project.history.done == timeline.project.history.done
