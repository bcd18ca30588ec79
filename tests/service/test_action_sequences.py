"""Several actions of one gesture (delete the selected clips, split them, paste them) as ONE undo step."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kijkocut.errors import EditError
from kijkocut.service.actions import ActionContext, apply_action, apply_actions, run_actions
from kijkocut.service.errors import ConflictError, NotFoundError, ServiceError
from kijkocut.service.store import ProjectStore

from .conftest import confine_to


@pytest.fixture
def ctx(media_dir) -> ActionContext:
    return ActionContext(resolve_path=confine_to(media_dir))


@pytest.fixture
def stored(tmp_path, ctx):
    """A stored project with three 1 s clips of a.mp4 side by side on one track (0-1, 1-2, 2-3)."""
    store = ProjectStore(tmp_path / "projects")
    project_id = store.create().id
    media = run_actions(store, project_id, [("import_media", {"paths": ["a.mp4"]})], ctx=ctx)
    media_id = media.created[0]["media_ids"][0]
    clips = run_actions(
        store,
        project_id,
        [("add_clip", {"media_id": media_id, "duration": 1}) for _ in range(3)],
        ctx=ctx,
    )
    return store, project_id, [c["element_id"] for c in clips.created]


def elements(project) -> list[tuple[str, Fraction, Fraction]]:
    return [(e.id, e.start, e.duration) for t in project.tracks for e in t.elements]


def test_deleting_two_clips_with_ripple_is_one_entry_and_one_undo_brings_both_back(stored, ctx):
    store, project_id, (first, second, third) = stored
    before = store.get(project_id)  # the store's own object: read what it holds now
    shown, revision, done = elements(before), before.revision, len(before.history.done)
    events = []
    store.feed.subscribe(events.append)

    outcome = run_actions(
        store,
        project_id,
        [("delete_element", {"element_id": first}), ("delete_element", {"element_id": third})],
        ctx=ctx,
        base_revision=revision,
        origin="test",
    )
    after = store.get(project_id)
    # The second delete is planned where the first one's ripple left the third clip (1-2, not 2-3).
    assert elements(after) == [(second, Fraction(0), Fraction(1))]
    assert len(after.history.done) == done + 1 and after.revision == revision + 1
    assert outcome.result.label == "Delete element ×2"
    assert outcome.actions == ["delete_element", "delete_element"]
    assert [e.kind for e in events] == ["edit"] and events[0].revision == after.revision

    store.undo(project_id)
    assert elements(store.get(project_id)) == shown
    store.redo(project_id)
    assert elements(store.get(project_id)) == [(second, Fraction(0), Fraction(1))]


def test_a_failing_action_leaves_nothing_and_names_which_one_failed(stored, ctx):
    store, project_id, (first, _, _) = stored
    before = store.get(project_id)
    shown, revision, done = elements(before), before.revision, len(before.history.done)
    events = []
    store.feed.subscribe(events.append)
    with pytest.raises(NotFoundError, match=r"action 2 of 2 \(delete_element\): .*nope"):
        run_actions(
            store,
            project_id,
            [("delete_element", {"element_id": first}), ("delete_element", {"element_id": "nope"})],
            ctx=ctx,
        )
    after = store.get(project_id)
    assert elements(after) == shown and after.revision == revision and len(after.history.done) == done
    assert events == []  # nothing saved, nothing announced


def test_an_engine_refusal_in_a_later_action_takes_the_earlier_ones_back(stored, ctx):
    store, project_id, (first, second, _) = stored
    shown = elements(store.get(project_id))
    with pytest.raises(EditError, match="action 2 of 2"):
        run_actions(
            store,
            project_id,
            [
                ("split_element", {"element_id": first, "at": "0.5"}),
                ("split_element", {"element_id": second, "at": "0.5"}),  # 0.5 s is outside 1-2
            ],
            ctx=ctx,
        )
    assert elements(store.get(project_id)) == shown


def test_ids_a_plan_creates_are_the_ones_the_project_keeps(stored, ctx, media_dir):
    store, project_id, _ = stored
    media_id = next(iter(store.get(project_id).media))
    outcome = run_actions(
        store,
        project_id,
        [
            ("add_clip", {"media_id": media_id, "start": 5, "duration": 1}),
            ("add_clip", {"media_id": media_id, "start": 7, "duration": 1}),
        ],
        ctx=ctx,
    )
    project = store.get(project_id)
    for created in outcome.created:
        assert project.element(created["element_id"]).media_id == media_id
    added = {c.id for c in outcome.result.changes if c.entity == "element" and c.before is None}
    assert added == {created["element_id"] for created in outcome.created}


def test_bad_requests_are_refused_before_anything_runs(stored, ctx):
    store, project_id, (first, _, _) = stored
    revision = store.get(project_id).revision
    with pytest.raises(ServiceError, match="at least one action"):
        run_actions(store, project_id, [], ctx=ctx)
    with pytest.raises(NotFoundError, match=r"action 2 of 2: unknown action 'explode'"):
        run_actions(store, project_id, [("delete_element", {"element_id": first}), ("explode", {})], ctx=ctx)
    with pytest.raises(ServiceError, match=r"action 1 of 1: delete_element: .*element_id"):
        run_actions(store, project_id, [("delete_element", {"id": first})], ctx=ctx)
    with pytest.raises(ConflictError):
        run_actions(
            store,
            project_id,
            [("delete_element", {"element_id": first})],
            ctx=ctx,
            base_revision=revision - 1,
        )
    assert store.get(project_id).revision == revision


def test_in_memory_sequence_is_one_history_entry(ctx):
    from kijkocut.model import Project

    project = Project()
    media_id = apply_action(project, "import_media", {"paths": ["b.mp4"]}, ctx).created["media_ids"][0]
    outcome = apply_actions(
        project,
        [("add_clip", {"media_id": media_id}), ("add_marker", {"time": 1})],
        ctx,
        title="Clip and marker",
    )
    assert outcome.result.label == "Clip and marker" and len(project.history.done) == 2
    assert project.history.done[-1].command["op"] == "actions"
    assert [a["name"] for a in project.history.done[-1].command["actions"]] == ["add_clip", "add_marker"]
