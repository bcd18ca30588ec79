import json
from fractions import Fraction

import pytest

from kijkocut.edit import Editor, snap_time
from kijkocut.edit.commands import (
    AddElement,
    AddMarker,
    AddMedia,
    AddTrack,
    AddTransition,
    MoveElement,
    MoveTrack,
    RemoveElement,
    RemoveMedia,
    RemoveTrack,
    RippleDelete,
    SetProperties,
    Slip,
    Split,
    Trim,
    UpdateSettings,
    UpdateTrack,
    command_from_dict,
)
from kijkocut.errors import EditError
from kijkocut.model import ClipElement, Project, TextElement
from kijkocut.project_io import project_from_json, project_to_json


def _layout(project, track_id="v1"):
    return [
        (e.id, e.start, e.duration, getattr(e, "source_in", None)) for e in project.track(track_id).elements
    ]


def _clip(id, start, duration, source_in=0, media="a"):
    return ClipElement(id=id, media_id=media, start=start, duration=duration, source_in=source_in)


@pytest.fixture
def editor(make_ref):
    editor = Editor(Project())
    editor.apply(AddMedia(media=make_ref("a", duration="60")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddTrack(kind="overlay", track_id="v2"))
    for element in (_clip("c1", 0, 4), _clip("c2", 4, 4, 10), _clip("c3", 8, 4, 20)):
        editor.apply(AddElement(track_id="v1", element=element))
    return editor


def _check_undo_redo(editor, command):
    """Apply a command, then check undo restores the exact JSON and redo reproduces the edit."""
    before = project_to_json(_without_history(editor.project))
    result = editor.apply(command)
    after = project_to_json(_without_history(editor.project))
    editor.undo()
    assert project_to_json(_without_history(editor.project)) == before
    editor.redo()
    assert project_to_json(_without_history(editor.project)) == after
    return result


def _without_history(project):
    return project.model_copy(update={"history": type(project.history)(), "revision": 0})


def test_add_overwrite_trims_splits_and_removes(editor):
    result = _check_undo_redo(editor, AddElement(track_id="v1", element=_clip("new", 3, 6, 30)))
    assert _layout(editor.project) == [("c1", 0, 3, 0), ("new", 3, 6, 30), ("c3", 9, 3, 21)]
    assert "c2" in result.changed_element_ids and "new" in result.element_ids


def test_overwrite_inside_one_clip_splits_it(editor):
    _check_undo_redo(editor, AddElement(track_id="v1", element=_clip("new", 1, 2, 40)))
    layout = _layout(editor.project)
    assert layout[0] == ("c1", 0, 1, 0) and layout[1] == ("new", 1, 2, 40)
    assert layout[2][1:] == (3, 1, 3)  # the rest of c1 continues from source 3 s


def test_insert_pushes_later_clips_right(editor):
    _check_undo_redo(editor, AddElement(track_id="v1", element=_clip("new", 4, 2, 30), mode="insert"))
    assert _layout(editor.project) == [
        ("c1", 0, 4, 0),
        ("new", 4, 2, 30),
        ("c2", 6, 4, 10),
        ("c3", 10, 4, 20),
    ]


def test_insert_in_the_middle_of_a_clip_splits_it(editor):
    editor.apply(AddElement(track_id="v1", element=_clip("new", 2, 1, 30), mode="insert"))
    layout = _layout(editor.project)
    assert layout[:2] == [("c1", 0, 2, 0), ("new", 2, 1, 30)]
    assert layout[2][1:] == (3, 2, 2) and layout[3][0] == "c2" and layout[3][1] == 5


def test_strict_mode_refuses_overlaps(editor):
    with pytest.raises(EditError, match="overlap"):
        editor.apply(AddElement(track_id="v1", element=_clip("new", 3, 2), mode="strict"))
    assert [e.id for e in editor.project.track("v1").elements] == ["c1", "c2", "c3"]


def test_split_then_undo(editor):
    result = _check_undo_redo(editor, Split(element_id="c2", at=Fraction(11, 2)))
    left, right = result.element_ids
    layout = _layout(editor.project)
    assert layout[1] == ("c2", 4, Fraction(3, 2), 10)
    assert layout[2] == (right, Fraction(11, 2), Fraction(5, 2), Fraction(23, 2))


def test_split_outside_the_element_is_refused(editor):
    with pytest.raises(EditError, match="outside"):
        editor.apply(Split(element_id="c2", at=9))


def test_trim_start_moves_the_source_in_point(editor):
    _check_undo_redo(editor, Trim(element_id="c2", edge="start", to=5))
    assert _layout(editor.project)[1] == ("c2", 5, 3, 11)
    with pytest.raises(EditError, match="overlap"):
        editor.apply(Trim(element_id="c2", edge="start", to=3))
    with pytest.raises(EditError, match="ends at"):
        editor.apply(Trim(element_id="c2", edge="start", to=8))


def test_trim_end(editor):
    _check_undo_redo(editor, Trim(element_id="c3", edge="end", to=10))
    assert _layout(editor.project)[2] == ("c3", 8, 2, 20)


def test_trim_past_the_media_end_is_refused(editor):
    with pytest.raises(EditError, match="runs past the end of media a"):
        editor.apply(Trim(element_id="c3", edge="end", to=100))


def test_ripple_delete_closes_the_gap(editor):
    _check_undo_redo(editor, RippleDelete(element_id="c2"))
    assert _layout(editor.project) == [("c1", 0, 4, 0), ("c3", 4, 4, 20)]


def test_ripple_delete_all_tracks_moves_other_tracks(editor):
    editor.apply(AddElement(track_id="v2", element=_clip("o1", 9, 1)))
    editor.apply(RippleDelete(element_id="c2", all_tracks=True))
    assert _layout(editor.project, "v2") == [("o1", 5, 1, 0)]


def test_lift_leaves_a_gap(editor):
    _check_undo_redo(editor, RemoveElement(element_id="c2"))
    assert _layout(editor.project) == [("c1", 0, 4, 0), ("c3", 8, 4, 20)]


def test_move_between_tracks(editor):
    _check_undo_redo(editor, MoveElement(element_id="c2", start=1, track_id="v2"))
    assert _layout(editor.project, "v2") == [("c2", 1, 4, 10)]
    assert [e.id for e in editor.project.track("v1").elements] == ["c1", "c3"]


def test_move_overwrites_at_destination(editor):
    editor.apply(MoveElement(element_id="c3", start=2))
    assert _layout(editor.project) == [("c1", 0, 2, 0), ("c3", 2, 4, 20), ("c2", 6, 2, 12)]


def test_slip_changes_source_only(editor):
    _check_undo_redo(editor, Slip(element_id="c2", delta=-3))
    assert _layout(editor.project)[1] == ("c2", 4, 4, 7)
    with pytest.raises(EditError, match="source in -1 is negative"):
        editor.apply(Slip(element_id="c2", delta=-8))


def test_set_properties_merges_nested_values(editor):
    _check_undo_redo(
        editor, SetProperties(element_id="c1", properties={"transform": {"x": 100, "opacity": 0.5}})
    )
    transform = editor.project.element("c1").transform
    assert (transform.x, transform.opacity, transform.scale) == (100, 0.5, 1.0)
    with pytest.raises(EditError, match="opacity"):
        editor.apply(SetProperties(element_id="c1", properties={"transform": {"opacity": 3}}))
    with pytest.raises(EditError, match="cannot change id"):
        editor.apply(SetProperties(element_id="c1", properties={"id": "x"}))


def test_transitions_follow_splits_and_die_with_trims(editor):
    editor.apply(AddTransition(from_id="c1", to_id="c2", duration=1, transition_id="x1"))
    track = editor.project.track("v1")
    assert [(x.from_id, x.to_id) for x in track.transitions] == [("c1", "c2")]
    result = editor.apply(Split(element_id="c1", at=2))
    right = result.element_ids[1]
    assert [(x.from_id, x.to_id) for x in editor.project.track("v1").transitions] == [(right, "c2")]
    editor.apply(Trim(element_id="c2", edge="start", to=5))
    assert editor.project.track("v1").transitions == []
    with pytest.raises(EditError, match="meet at a cut"):
        editor.apply(AddTransition(from_id="c1", to_id="c3"))


def test_locked_track_refuses_edits(editor):
    editor.apply(UpdateTrack(track_id="v1", locked=True))
    for command in (
        Split(element_id="c1", at=1),
        RemoveElement(element_id="c1"),
        AddElement(track_id="v1", element=_clip("n", 20, 1)),
        Slip(element_id="c1", delta=1),
    ):
        with pytest.raises(EditError, match="locked"):
            editor.apply(command)


def test_tracks_add_move_remove_with_undo(editor):
    _check_undo_redo(editor, AddTrack(kind="text", track_id="t1", index=0))
    assert [t.id for t in editor.project.tracks] == ["t1", "v1", "v2"]
    _check_undo_redo(editor, MoveTrack(track_id="t1", index=2))
    assert [t.id for t in editor.project.tracks] == ["v1", "v2", "t1"]
    _check_undo_redo(editor, RemoveTrack(track_id="v1"))
    assert [t.id for t in editor.project.tracks] == ["v2", "t1"]
    editor.undo()
    assert _layout(editor.project) == [("c1", 0, 4, 0), ("c2", 4, 4, 10), ("c3", 8, 4, 20)]
    assert [t.id for t in editor.project.tracks] == ["v1", "v2", "t1"]


def test_media_in_use_cannot_be_removed(editor):
    with pytest.raises(EditError, match="used by c1, c2, c3"):
        editor.apply(RemoveMedia(media_id="a"))


def test_settings_are_validated(editor):
    _check_undo_redo(editor, UpdateSettings(properties={"frame_rate": "24000/1001", "width": 1280}))
    assert editor.project.settings.frame_rate == Fraction(24000, 1001)
    with pytest.raises(EditError, match="width"):
        editor.apply(UpdateSettings(properties={"width": 1281}))


def test_failed_edit_leaves_project_and_history_untouched(editor):
    before = project_to_json(editor.project)
    with pytest.raises(EditError):
        editor.apply(AddElement(track_id="nope", element=_clip("n", 0, 1)))
    with pytest.raises(EditError):
        editor.apply(Split(element_id="ghost", at=1))
    assert project_to_json(editor.project) == before


def test_unbounded_history_survives_save_and_load(editor):
    for index in range(40):
        editor.apply(AddMarker(time=index, name=f"m{index}"))
    revision = editor.project.revision
    reloaded = Editor(project_from_json(project_to_json(editor.project)))
    assert reloaded.project.revision == revision
    for _ in range(40 + 5):  # the markers, then the three clips, two tracks
        reloaded.undo()
    assert reloaded.project.markers == [] and reloaded.project.tracks == []
    assert list(reloaded.project.media) == ["a"]
    while reloaded.can_redo:
        reloaded.redo()
    assert project_to_json(reloaded.project.model_copy(update={"revision": 0})) == project_to_json(
        editor.project.model_copy(update={"revision": 0})
    )
    with pytest.raises(EditError, match="nothing to redo"):
        reloaded.redo()


def test_new_edit_clears_redo(editor):
    editor.apply(AddMarker(time=1))
    editor.undo()
    assert editor.can_redo
    editor.apply(AddMarker(time=2))
    assert not editor.can_redo


def test_commands_from_json(editor):
    result = editor.apply(command_from_dict({"op": "split", "element_id": "c1", "at": "1.5"}))
    assert result.label == "Split c1"
    with pytest.raises(EditError, match="invalid command"):
        command_from_dict({"op": "split", "element_id": "c1"})
    with pytest.raises(EditError, match="invalid command"):
        command_from_dict({"op": "explode"})


def test_text_elements_split_without_source(editor):
    editor.apply(AddTrack(kind="text", track_id="t1"))
    editor.apply(
        AddElement(
            track_id="t1",
            element=TextElement(id="title", text="Hi", start=0, duration=4, fade_in=1, fade_out=1),
        )
    )
    result = editor.apply(Split(element_id="title", at=2))
    left, right = (editor.project.element(i) for i in result.element_ids)
    assert (left.fade_in, left.fade_out, right.fade_in, right.fade_out) == (1, 0, 0, 1)


def test_snapping(editor):
    editor.apply(AddMarker(time=Fraction(61, 10)))
    project = editor.project
    assert snap_time(project, Fraction(39, 10), Fraction(1, 5)) == 4  # clip edge
    assert snap_time(project, Fraction(6), Fraction(1, 5)) == Fraction(61, 10)  # marker
    assert snap_time(project, Fraction(7), Fraction(1, 5), playhead=Fraction(71, 10)) == Fraction(71, 10)
    assert snap_time(project, Fraction(7), Fraction(1, 10)) == 7  # nothing near
    assert snap_time(project, Fraction(39, 10), Fraction(1, 5), exclude_ids=["c1", "c2"]) == Fraction(39, 10)


def test_batch_is_one_undo_step_and_round_trips_as_json(editor):
    batch = command_from_dict(
        {
            "op": "batch",
            "title": "Add a title track",
            "commands": [
                {"op": "add_track", "kind": "text", "track_id": "t9"},
                {
                    "op": "add_element",
                    "track_id": "t9",
                    "element": {"kind": "text", "id": "hello", "text": "Hi", "start": "0", "duration": "2"},
                },
            ],
        }
    )
    result = editor.apply(batch)
    assert result.label == "Add a title track" and result.element_ids == ["hello"]
    assert editor.project.element("hello").text == "Hi"
    editor.undo()
    assert "t9" not in [t.id for t in editor.project.tracks]
    editor.redo()
    assert editor.project.element("hello").duration == 2
    with pytest.raises(EditError, match="unknown track"):  # one bad step: nothing of the batch applies
        editor.apply(
            command_from_dict(
                {
                    "op": "batch",
                    "commands": [
                        {"op": "add_marker", "time": "1"},
                        {"op": "split", "element_id": "c1", "at": "1"},
                        {
                            "op": "add_element",
                            "track_id": "nope",
                            "element": {"kind": "text", "text": "x", "start": "0", "duration": "1"},
                        },
                    ],
                }
            )
        )
    assert editor.project.markers == [] and editor.project.element("c1").duration == 4


@pytest.mark.parametrize(
    "spoil, expected",
    [
        (lambda change: change.pop("track_id"), "the element change of 'c3' names no track"),
        (
            lambda change: change.update(before=["not", "an", "element"]),
            "the element change of 'c3' is not an object",
        ),
    ],
)
def test_undo_of_a_malformed_saved_history_is_a_clear_error(editor, spoil, expected):
    # A project file's history is data like any other: undo must not trust its shape.
    editor.apply(RemoveElement(element_id="c3"))
    doc = json.loads(project_to_json(editor.project))
    spoil(doc["history"]["done"][-1]["changes"][0])
    reloaded = Editor(project_from_json(json.dumps(doc)))
    with pytest.raises(EditError, match=expected):
        reloaded.undo()
