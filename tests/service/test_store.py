"""The project store: revisions, conflicts, locks across threads and processes, the change feed."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kijkocut.edit.commands import AddMarker, AddTrack
from kijkocut.project_io import load_project
from kijkocut.service.errors import BusyError, ConflictError, NotFoundError
from kijkocut.service.feed import ChangeEvent, ChangeFeed
from kijkocut.service.store import ProjectStore


@pytest.fixture
def store(tmp_path) -> ProjectStore:
    return ProjectStore(tmp_path / "projects")


def test_an_edit_is_saved_numbered_and_published(store, tmp_path):
    events: list[ChangeEvent] = []
    store.feed.subscribe(events.append)
    project = store.create("Spot")
    result = store.apply(
        project.id, [AddTrack(kind="video", track_id="v1"), AddTrack(kind="audio")], origin="test"
    )
    assert result.revision == 1
    on_disk = load_project(store.file(project.id))
    assert on_disk.revision == 1 and [t.id for t in on_disk.tracks][0] == "v1"
    assert len(on_disk.history.done) == 1  # two commands, one undo step
    assert [(e.kind, e.revision, e.origin) for e in events] == [("created", 0, ""), ("edit", 1, "test")]
    assert {c.entity for c in events[-1].changes} >= {"track"}


def test_undo_redo_are_published_and_saved(store):
    project = store.create()
    store.apply(project.id, [AddTrack(kind="video", track_id="v1")])
    undone = store.undo(project.id, origin="panel")
    assert undone.revision == 2 and load_project(store.file(project.id)).tracks == []
    assert store.feed.since(project.id, 1)[0].kind == "undo"
    store.redo(project.id)
    assert [t.id for t in load_project(store.file(project.id)).tracks] == ["v1"]
    # Each event says where the history stands, so a view applying its changes knows its undo/redo buttons.
    steps = [(e.kind, e.can_undo, e.can_redo) for e in store.feed.since(project.id, 0)]
    assert steps == [("edit", True, False), ("undo", False, True), ("redo", True, False)]


def test_a_stale_edit_is_refused_and_names_the_current_revision(store):
    project = store.create()
    store.apply(project.id, [AddTrack(kind="video")], base_revision=0)
    with pytest.raises(ConflictError, match="now at revision 1") as caught:
        store.apply(project.id, [AddTrack(kind="audio")], base_revision=0)
    assert caught.value.current_revision == 1
    assert len(store.get(project.id).tracks) == 1
    with pytest.raises(ConflictError):
        store.undo(project.id, base_revision=0)


def test_a_failing_edit_changes_nothing_on_disk(store):
    project = store.create()
    store.apply(project.id, [AddTrack(kind="video", track_id="v1")])
    before = store.file(project.id).read_bytes()
    with pytest.raises(Exception, match="already exists"):
        store.apply(
            project.id, [AddTrack(kind="audio", track_id="a1"), AddTrack(kind="video", track_id="v1")]
        )
    assert store.file(project.id).read_bytes() == before
    assert [t.id for t in store.get(project.id).tracks] == ["v1"]


def test_unknown_projects_and_hostile_ids(store):
    with pytest.raises(NotFoundError, match="unknown project"):
        store.get("prj_missing")
    with pytest.raises(NotFoundError):
        store.get("../etc")


def test_rename_duplicate_delete(store):
    project = store.create("One")
    store.rename(project.id, "Two")
    copy = store.duplicate(project.id)
    assert copy.id != project.id and copy.name == "Two copy"
    assert sorted(p.name for p in store.list()) == ["Two", "Two copy"]
    store.delete(project.id)
    assert [p.id for p in store.list()] == [copy.id]


def test_threads_editing_one_project_lose_nothing(store):
    project = store.create()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                store.apply(project.id, [AddMarker(time=n * 100 + i, name=f"{n}-{i}")])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    saved = load_project(store.file(project.id))
    assert saved.revision == 60 and len(saved.markers) == 60


WRITER = """
import os, sys, time
from kijkocut.edit.commands import AddMarker
from kijkocut.service.store import ProjectStore
root, project_id, tag, count, go = sys.argv[1:]
store = ProjectStore(root)  # its own cache and locks, as another program would have
while not os.path.exists(go):
    time.sleep(0.01)
for i in range(int(count)):
    store.apply(project_id, [AddMarker(time=i, name=f"{tag}-{i}")], origin=tag)
"""


def test_two_processes_editing_one_project_lose_nothing(store, tmp_path):
    project = store.create()
    go = tmp_path / "go"
    workers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(store.root), project.id, tag, "40", str(go)])
        for tag in ("mcp", "comfyui")
    ]
    go.touch()  # both start editing at once
    for worker in workers:
        assert worker.wait(120) == 0
    saved = load_project(store.file(project.id))
    assert saved.revision == 80
    assert sorted(m.name for m in saved.markers) == sorted(
        f"{t}-{i}" for t in ("mcp", "comfyui") for i in range(40)
    )
    # This process's cached copy is stale; the store notices the file changed and re-reads it.
    assert store.get(project.id).revision == 80


def test_a_held_lock_gives_a_busy_error_not_a_hang(tmp_path):
    store = ProjectStore(tmp_path, lock_timeout=0.2)
    project = store.create()
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.locked(project.id):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    try:
        with pytest.raises(BusyError, match="busy"):
            store.apply(project.id, [AddTrack(kind="video")])
        other = ProjectStore(tmp_path, lock_timeout=0.2)  # another process's view: the flock is held
        with pytest.raises(BusyError):
            other.apply(project.id, [AddTrack(kind="video")])
    finally:
        release.set()
        holder.join()
    store.apply(project.id, [AddTrack(kind="video")])


def test_feed_backlog_and_listener_failures():
    feed = ChangeFeed(backlog=3)
    seen: list[int] = []
    feed.subscribe(lambda e: 1 / 0)  # a broken listener must not stop the others
    unsubscribe = feed.subscribe(lambda e: seen.append(e.revision))
    for revision in range(1, 6):
        feed.publish(ChangeEvent(project_id="p", revision=revision, kind="edit"))
    unsubscribe()
    feed.publish(ChangeEvent(project_id="p", revision=6, kind="edit"))
    assert seen == [1, 2, 3, 4, 5]
    assert [e.revision for e in feed.since("p", 4)] == [5, 6]
    assert feed.since("p", 1) is None  # revisions 2 and 3 fell out of the backlog: reload
    assert feed.since("p", 6) == []


def test_projects_folder_is_created(tmp_path):
    ProjectStore(tmp_path / "a" / "b")
    assert Path(tmp_path / "a" / "b").is_dir()


def test_saves_by_another_process_are_published_as_external_changes(tmp_path):
    ours, theirs = ProjectStore(tmp_path), ProjectStore(tmp_path)  # two programs on one projects folder
    project = ours.create()
    ours.get(project.id)
    seen: list[ChangeEvent] = []
    ours.feed.subscribe(seen.append)
    assert ours.poll_external_changes() == []
    theirs.apply(project.id, [AddTrack(kind="video")], origin="mcp")
    events = ours.poll_external_changes()
    assert [(e.kind, e.revision) for e in events] == [("external", 1)] and seen[-1] is events[0]
    assert ours.get(project.id).revision == 1
    assert ours.poll_external_changes() == []  # published once


def test_a_read_that_meets_another_process_save_first_announces_it(tmp_path):
    # The panel's API may read the project before the watcher polls: the feed must still hear of the change.
    ours, theirs = ProjectStore(tmp_path), ProjectStore(tmp_path)
    project = ours.create()
    ours.get(project.id)
    seen: list[ChangeEvent] = []
    ours.feed.subscribe(seen.append)
    theirs.apply(project.id, [AddTrack(kind="video")], origin="mcp")
    assert ours.get(project.id).revision == 1
    assert [(e.kind, e.revision) for e in seen] == [("external", 1)]
    ours.apply(project.id, [AddTrack(kind="audio")])  # our own save: an edit event, not an external one
    assert [e.kind for e in seen] == ["external", "edit"]
    assert [e.revision for e in ours.poll_external_changes()] == [1]  # what was announced since the last poll
    assert ours.poll_external_changes() == []


def test_a_snapshot_is_the_project_and_changing_it_leaves_the_store_alone(store):
    project = store.create()
    store.apply(project.id, [AddTrack(kind="video", track_id="v1")])
    store.apply(project.id, [AddMarker(time=1)])
    store.undo(project.id)
    stored = store.get(project.id)
    copy = store.snapshot(project.id)
    assert copy == stored and copy is not stored
    copy.tracks[0].name = "changed"
    copy.history.done.clear()
    copy.history.undone.append(copy.history.undone[0])
    assert (
        stored.tracks[0].name != "changed"
        and len(stored.history.done) == 1
        and len(stored.history.undone) == 1
    )
    assert store.get(project.id) == load_project(store.file(project.id))
