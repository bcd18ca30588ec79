"""What the ComfyUI nodes need from the service layer, each one undo step: a clip placed straight from a file
with its looks, ids a graph chooses, tracks made on demand, splits across tracks, title restyles on the frame
grid, appending a project, undo in memory, export choices checked before a timeline exists, and raw commands
whose paths the front end vets before anything is saved."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from kijkocut.model import Project, ProjectSettings
from kijkocut.project_io import project_to_json
from kijkocut.service.actions import ActionContext, apply_action, step_history
from kijkocut.service.errors import ServiceError
from kijkocut.service.store import ProjectStore

from .conftest import confine_to


@pytest.fixture
def ctx(media_dir) -> ActionContext:
    return ActionContext(resolve_path=confine_to(media_dir))


def test_a_clip_from_a_file_imports_places_and_styles_in_one_step(ctx):
    project = Project()
    outcome = apply_action(
        project,
        "add_clip",
        {
            "path": "a.mp4",
            "media_id": "med_mine",
            "track_id": "V2",
            "create_track": True,
            "track_kind": "overlay",
            "start": 0.49,
            "element_id": "V2_1",
            "properties": json.dumps(
                {
                    "transform": {"scale": 0.5, "opacity": 0.8},
                    "gain_db": -6,
                    "fade_in": 0.51,
                    "audio_muted": True,
                }
            ),
        },
        ctx,
    )
    clip = project.element("V2_1")
    assert outcome.created == {"element_id": "V2_1", "track_id": "V2", "media_id": "med_mine"}
    assert project.track("V2").kind == "overlay" and project.media["med_mine"].name == "a.mp4"
    assert (clip.start, clip.fade_in) == (Fraction(1, 2), Fraction(1, 2))  # on the 30 fps grid
    assert (clip.transform.scale, clip.transform.opacity, clip.gain_db, clip.audio_muted) == (
        0.5,
        0.8,
        -6,
        True,
    )
    assert len(project.history.done) == 1
    step_history(project, "undo")
    assert project.tracks == [] and project.media == {}

    step_history(project, "redo")
    again = apply_action(project, "add_clip", {"path": "a.mp4", "track_id": "V2", "start": 5}, ctx)
    assert again.created["media_id"] == "med_mine" and len(project.media) == 1  # the same file is reused


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "give media_id"),
        ({"path": "a.mp4", "properties": '{"start": 3}'}, "start as parameters of their own"),
        ({"path": "a.mp4", "properties": "[1]"}, "JSON object"),
        ({"path": "a.mp4", "properties": '{"transform": {"scale": -1}}'}, "transform.scale"),
        ({"path": "a.mp4", "track_kind": "audio"}, "not on a audio track"),
        ({"path": "../outside.mp4"}, "outside the allowed folder"),
    ],
)
def test_bad_clip_requests_name_the_problem_and_change_nothing(ctx, params, message):
    project = Project()
    with pytest.raises(ServiceError, match=message):
        apply_action(project, "add_clip", params, ctx)
    assert project.media == {} and project.history.done == []


def test_ids_a_graph_chooses_and_tracks_made_on_demand(tmp_path):
    from kijkocut.samples import write_video

    write_video(tmp_path / "a.mp4", seconds=3, width=160, height=90, tone_hz=440)
    ctx = ActionContext(resolve_path=confine_to(tmp_path))
    project = Project()
    apply_action(
        project,
        "add_clip",
        {"path": "a.mp4", "track_id": "V1", "create_track": True, "element_id": "V1_1"},
        ctx,
    )
    effect = apply_action(
        project, "add_effect", {"element_id": "V1_1", "kind": "invert", "effect_id": "V1_1_fx1"}, ctx
    )
    frozen = apply_action(project, "freeze_frame", {"element_id": "V1_1", "at": 1, "frozen_id": "V1_2"}, ctx)
    sound = apply_action(
        project,
        "detach_audio",
        {"element_id": "V1_1", "track_id": "A1", "create_track": True, "sound_id": "A1_1"},
        ctx,
    )
    assert (effect.created, frozen.created, sound.created) == (
        {"effect_id": "V1_1_fx1"},
        {"element_id": "V1_2"},
        {"element_id": "A1_1"},
    )
    assert project.track("A1").kind == "audio" and project.find_element("A1_1")[0].id == "A1"
    step_history(project, "undo")
    assert [t.id for t in project.tracks] == ["V1"]  # the detached sound and its track were one step


def test_ducking_threshold_and_no_ducking_under_itself(ctx):
    project = Project()
    apply_action(project, "add_track", {"kind": "audio", "track_id": "A1"}, ctx)
    apply_action(project, "add_track", {"kind": "audio", "track_id": "M1"}, ctx)
    apply_action(
        project,
        "update_track",
        {"track_id": "M1", "ducking_under_track_id": "A1", "ducking_threshold_db": -50},
        ctx,
    )
    assert project.track("M1").ducking.threshold_db == -50
    with pytest.raises(ServiceError, match="cannot duck under itself"):
        apply_action(project, "update_track", {"track_id": "A1", "ducking_under_track_id": "A1"}, ctx)


def test_time_fields_anywhere_in_a_property_patch_land_on_the_grid(ctx):
    project = Project(settings=ProjectSettings(frame_rate=30))
    title = apply_action(project, "add_text", {"text": "x", "start": 0, "duration": 2}, ctx).created[
        "element_id"
    ]
    apply_action(
        project,
        "set_property",
        {
            "element_id": title,
            "property": "style",
            "value": '{"animation_duration": 0.51, "box_color": null}',
        },
        ctx,
    )
    assert project.element(title).style.animation_duration == Fraction(1, 2)


def test_split_at_cuts_every_unlocked_track_or_one(ctx):
    project = Project()
    for track in ("V1", "T1"):
        apply_action(
            project, "add_track", {"kind": "video" if track == "V1" else "text", "track_id": track}, ctx
        )
    apply_action(project, "add_clip", {"path": "a.mp4", "track_id": "V1"}, ctx)
    apply_action(project, "add_text", {"text": "x", "start": 0, "duration": 2, "track_id": "T1"}, ctx)
    apply_action(project, "split_at", {"at": "f30"}, ctx)
    assert [len(t.elements) for t in project.tracks] == [2, 2] and len(project.history.done) == 5
    apply_action(project, "update_track", {"track_id": "T1", "locked": True}, ctx)
    apply_action(project, "split_at", {"at": 0.5}, ctx)
    assert [len(t.elements) for t in project.tracks] == [3, 2]  # the locked track is left alone
    with pytest.raises(ServiceError, match="nothing to split: no element on track V1 spans 9.000 s"):
        apply_action(project, "split_at", {"at": 9, "track_id": "V1"}, ctx)


def test_export_choices_are_checked_without_a_timeline():
    from kijkocut.service.export import ExportOptions, export_settings

    assert export_settings(None, ExportOptions(preset="prores_master", container="mp4")).container == "mp4"
    with pytest.raises(ServiceError, match="webm"):
        export_settings(None, ExportOptions(container="webm", video_codec="h264"))


def test_appending_a_project_renames_colliding_ids_and_reuses_media(ctx):
    first = Project(settings=ProjectSettings(frame_rate=25))
    apply_action(
        first,
        "add_clip",
        {"path": "a.mp4", "track_id": "V1", "create_track": True, "element_id": "V1_1", "duration": 2},
        ctx,
    )
    second = first.model_copy(deep=True)
    apply_action(
        second,
        "add_text",
        {"text": "end", "start": 0, "duration": 1, "track_id": "T1", "create_track": True},
        ctx,
    )
    outcome = apply_action(
        first, "append_project", {"project_json": project_to_json(second), "gap": 0.4}, ctx
    )
    starts = [(e.id, e.start) for t in first.tracks for e in t.elements]
    assert starts[:2] == [("V1_1", 0), ("V1_1_2", Fraction(12, 5))] and starts[2][1] == Fraction(12, 5)
    assert len(first.media) == 1 and outcome.created["element_ids"]["V1_1"] == "V1_1_2"
    assert outcome.result.label.startswith("Append") and len(first.history.done) == 2
    second.media[next(iter(second.media))].path = "/etc/passwd"
    with pytest.raises(ServiceError, match="outside the allowed folder"):
        apply_action(first, "append_project", {"project_json": project_to_json(second)}, ctx)
    assert len(first.history.done) == 2


def test_raw_commands_have_their_paths_vetted_before_saving(tmp_path):
    from kijkocut.service.commands import run_commands

    store = ProjectStore(tmp_path / "projects")
    project = store.create()
    seen = []

    def refuse_outside(path):
        seen.append((path.kind, path.value))
        if not path.value.startswith(str(tmp_path)):
            raise ServiceError(f"{path.where}: not allowed")

    lut = {"op": "add_effect", "element_id": "c", "kind": "lut", "params": {"path": "/etc/passwd"}}
    track = {"op": "add_track", "kind": "adjustment", "track_id": "A"}
    layer = {
        "op": "add_element",
        "track_id": "A",
        "element": {"kind": "adjustment", "id": "c", "start": "0", "duration": "1"},
    }
    with pytest.raises(ServiceError, match="effect .* not allowed"):
        run_commands(store, project.id, [track, layer, lut], check_path=refuse_outside)
    assert store.get(project.id).revision == 0 and seen == [("effect", "/etc/passwd")]
    result = run_commands(store, project.id, [track, layer], check_path=refuse_outside, title="Layer")
    assert result.label == "Layer" and store.get(project.id).revision == 1
    with pytest.raises(ServiceError, match="invalid command"):
        run_commands(store, project.id, [{"op": "format_disk"}], check_path=refuse_outside)
