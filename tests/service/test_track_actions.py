"""Reordering tracks: one declared action (so the panel, the MCP server, the CLI and the nodes all get it),
one undo step, nothing recorded when the track is already there, and a clear refusal of an unknown track."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kijkocut.model import Project
from kijkocut.service.actions import all_actions, apply_action, run_action, step_history
from kijkocut.service.errors import NotFoundError, ServiceError
from kijkocut.service.store import ProjectStore


def _three_tracks(project: Project) -> Project:
    for kind, track_id in (("video", "V1"), ("overlay", "O1"), ("audio", "A1")):
        apply_action(project, "add_track", {"kind": kind, "track_id": track_id})
    return project


def _order(project: Project) -> list[str]:
    return [t.id for t in project.tracks]


def test_a_track_moves_to_the_index_asked_and_undo_puts_it_back():
    project = _three_tracks(Project())
    outcome = apply_action(project, "reorder_track", {"track_id": "V1", "index": 2})
    assert _order(project) == ["O1", "A1", "V1"]
    assert outcome.result.changes and len(project.history.done) == 4
    apply_action(project, "reorder_track", {"track_id": "A1", "index": 0})
    assert _order(project) == ["A1", "O1", "V1"]
    step_history(project, "undo")
    step_history(project, "undo")
    assert _order(project) == ["V1", "O1", "A1"]


def test_past_the_end_means_last_and_where_it_is_records_nothing():
    project = _three_tracks(Project())
    apply_action(project, "reorder_track", {"track_id": "O1", "index": 99})
    assert _order(project) == ["V1", "A1", "O1"]
    done = len(project.history.done)
    for index in (2, 50):
        outcome = apply_action(project, "reorder_track", {"track_id": "O1", "index": index})
        assert outcome.result.changes == []
    assert len(project.history.done) == done


def test_an_unknown_track_or_a_negative_index_is_refused_and_nothing_changes():
    project = _three_tracks(Project())
    with pytest.raises(NotFoundError, match="unknown track 'X9'; tracks:"):
        apply_action(project, "reorder_track", {"track_id": "X9", "index": 0})
    with pytest.raises(ServiceError, match="index"):
        apply_action(project, "reorder_track", {"track_id": "V1", "index": -1})
    assert _order(project) == ["V1", "O1", "A1"]


def test_a_stored_project_reorders_in_one_revision(tmp_path):
    store = ProjectStore(tmp_path)
    made = store.create("Tracks")
    for kind, track_id in (("video", "V1"), ("audio", "A1")):
        run_action(store, made.id, "add_track", {"kind": kind, "track_id": track_id})
    outcome = run_action(store, made.id, "reorder_track", {"track_id": "A1", "index": 0}, base_revision=2)
    assert outcome.result.revision == 3 and _order(store.get(made.id)) == ["A1", "V1"]
    assert "reorder_track" in all_actions() and all_actions()["reorder_track"].needs == "an existing track"


def test_a_marker_moves_keeping_its_id_name_and_colour_in_one_step():
    project = Project()
    marker = apply_action(project, "add_marker", {"time": "1", "name": "beat", "color": "#ff0000"})
    marker_id = marker.created["marker_id"]
    apply_action(project, "add_marker", {"time": "3"})
    outcome = apply_action(project, "move_marker", {"marker_id": marker_id, "time": "4.5"})
    assert [(m.time, m.name) for m in project.markers] == [(3, ""), (Fraction(9, 2), "beat")]
    moved = project.markers[1]
    assert (moved.id, moved.color) == (marker_id, "#ff0000")
    assert [c.entity for c in outcome.result.changes] == ["marker"]
    step_history(project, "undo")
    assert [(m.id, m.time) for m in project.markers][0] == (marker_id, 1)
    assert apply_action(project, "move_marker", {"marker_id": marker_id, "time": "1"}).result.changes == []
    with pytest.raises(NotFoundError, match="unknown marker 'mrk_nope'"):
        apply_action(project, "move_marker", {"marker_id": "mrk_nope", "time": "1"})
    with pytest.raises(ServiceError, match="cannot be negative"):
        apply_action(project, "move_marker", {"marker_id": marker_id, "time": "-2"})
    assert [m.time for m in project.markers] == [1, 3]
