"""User actions declared once, applied in memory and through the store: one undo step each."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kijkocut.edit import Editor
from kijkocut.model import Project
from kijkocut.service.actions import ActionContext, all_actions, apply_action, get_action, run_action
from kijkocut.service.errors import NotFoundError, ServiceError
from kijkocut.service.store import ProjectStore

from .conftest import confine_to


@pytest.fixture
def ctx(media_dir) -> ActionContext:
    return ActionContext(resolve_path=confine_to(media_dir))


def imported(ctx: ActionContext) -> tuple[Project, list[str]]:
    project = Project()
    outcome = apply_action(project, "import_media", {"paths": ["."]}, ctx)
    return project, outcome.created["media_ids"]


def test_every_action_is_declared_with_a_description_and_described_parameters():
    actions = all_actions()
    assert {
        "import_media",
        "add_clip",
        "add_text",
        "add_transition",
        "set_speed",
        "add_effect",
        "set_keyframes",
        "apply_animation_preset",
        "update_track",
        "move_element",
        "trim_element",
        "split_element",
        "delete_element",
        "set_property",
        "freeze_frame",
        "detach_audio",
    } <= set(actions)
    for declared in actions.values():
        assert declared.description and declared.label
        schema = declared.params.model_json_schema()
        assert schema.get("additionalProperties") is False, declared.name


def test_folder_import_is_one_undo_step_and_skips_what_is_not_media(ctx):
    project, ids = imported(ctx)
    assert len(ids) == 3 and len(project.media) == 3
    assert len(project.history.done) == 1
    again = apply_action(project, "import_media", {"paths": ["a.mp4"]}, ctx)
    assert again.result.changes == [] and len(project.media) == 3  # same file, same content: not added twice
    assert again.created["media_ids"][0] in ids


def test_import_refuses_paths_the_front_end_does_not_allow(ctx):
    with pytest.raises(ServiceError, match="outside the allowed folder"):
        apply_action(Project(), "import_media", {"paths": ["../../etc/passwd"]}, ctx)


def test_add_clip_appends_on_a_created_track_in_one_step(ctx):
    project, ids = imported(ctx)
    video = next(i for i in ids if project.media[i].name == "a.mp4")
    first = apply_action(project, "add_clip", {"media_id": video}, ctx)
    apply_action(project, "add_clip", {"media_id": video, "duration": "00:00:01:15"}, ctx)
    track = project.track(first.created["track_id"])
    assert [e.start for e in track.elements] == [0, 3]
    assert track.elements[1].duration == Fraction(3, 2)
    Editor(project).undo()
    Editor(project).undo()
    assert project.tracks == []  # the clip and the track it needed went in one step


def test_add_clip_after_an_element_and_still_defaults(ctx):
    project, ids = imported(ctx)
    by_name = {project.media[i].name: i for i in ids}
    first = apply_action(project, "add_clip", {"media_id": by_name["a.mp4"], "duration": 1}, ctx)
    apply_action(project, "add_clip", {"media_id": by_name["b.mp4"], "start": 5}, ctx)
    still = apply_action(
        project,
        "add_clip",
        {"media_id": by_name["still.png"], "after_element_id": first.created["element_id"], "mode": "insert"},
        ctx,
    )
    element = project.element(still.created["element_id"])
    assert (element.start, element.duration) == (1, 5)
    assert project.element(project.tracks[0].elements[-1].id).start == 10  # pushed right by the insert


def test_add_text_flattens_the_engines_style_and_names_bad_fields(ctx):
    project = Project()
    outcome = apply_action(
        project,
        "add_text",
        {
            "text": "Hi",
            "start": "f15",
            "duration": 2,
            "animation_in": "fade",
            "box_color": "#00000099",
            "stroke_width": 3,
        },
        ctx,
    )
    title = project.element(outcome.created["element_id"])
    assert (
        title.start == Fraction(1, 2) and title.style.animation_in == "fade" and title.style.stroke_width == 3
    )
    with pytest.raises(ServiceError, match="animation_in"):
        apply_action(
            project, "add_text", {"text": "x", "start": 0, "duration": 1, "animation_in": "spin"}, ctx
        )
    with pytest.raises(ServiceError, match="colour"):
        apply_action(project, "add_text", {"text": "x", "start": 0, "duration": 1, "color": "red"}, ctx)


def test_unknown_names_are_errors_that_list_what_exists(ctx):
    project, _ = imported(ctx)
    with pytest.raises(NotFoundError, match="unknown media 'nope'"):
        apply_action(project, "add_clip", {"media_id": "nope"}, ctx)
    with pytest.raises(NotFoundError, match="unknown action"):
        get_action("make_it_pop")
    with pytest.raises(ServiceError, match="typo"):
        apply_action(project, "add_marker", {"time": 1, "typo": 2}, ctx)


def test_lut_paths_go_through_the_front_ends_confinement(ctx, media_dir, tmp_path):
    project, ids = imported(ctx)
    clip = apply_action(project, "add_clip", {"media_id": ids[0]}, ctx).created["element_id"]
    with pytest.raises(ServiceError, match="outside the allowed folder"):
        apply_action(
            project,
            "add_effect",
            {"element_id": clip, "kind": "lut", "params": {"path": "/proc/self/environ"}},
            ctx,
        )
    assert project.element(clip).effects == []


def test_nested_property_values_are_bounded(ctx):
    project = Project()
    title = apply_action(project, "add_text", {"text": "x", "start": 0, "duration": 1}, ctx).created[
        "element_id"
    ]
    with pytest.raises(ServiceError, match="nested too deeply"):
        apply_action(
            project,
            "set_property",
            {"element_id": title, "property": "style", "value": "[" * 5000 + "]" * 5000},
            ctx,
        )
    apply_action(project, "set_property", {"element_id": title, "property": "fade_in", "value": "0.51"}, ctx)
    assert project.element(title).fade_in == Fraction(1, 2)  # snapped to the 30 fps grid


def test_run_action_on_the_store_checks_the_revision(tmp_path, media_dir, ctx):
    from kijkocut.service.errors import ConflictError

    store = ProjectStore(tmp_path / "projects")
    project = store.create()
    outcome = run_action(
        store, project.id, "add_marker", {"time": "00:00:01:00"}, base_revision=0, origin="test"
    )
    assert outcome.result.revision == 1 and outcome.project.markers[0].time == 1
    with pytest.raises(ConflictError):
        run_action(store, project.id, "add_marker", {"time": 2}, base_revision=0)


def test_captions_import_is_one_step_and_confined(ctx, media_dir):
    (media_dir / "subs.srt").write_text(
        "1\n00:00:00,000 --> 00:00:01,000\nHello\n\n2\n00:00:01,500 --> 00:00:02,000\nWorld\n"
    )
    project = Project()
    outcome = apply_action(project, "import_captions", {"path": "subs.srt", "offset": "0.5"}, ctx)
    texts = [(e.text, e.start) for t in project.tracks for e in t.elements]
    assert texts == [("Hello", Fraction(1, 2)), ("World", Fraction(2))]
    assert outcome.result.label == "Import 2 captions" and len(project.history.done) == 1
    with pytest.raises(ServiceError, match="outside the allowed folder"):
        apply_action(project, "import_captions", {"path": "/etc/passwd"}, ctx)
