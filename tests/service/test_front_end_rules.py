"""What a front end with confined folders (the MCP server's workspace) relies on from the service layer: fonts
and every file path an edit brings in are confined by the context's policy (a refused edit is taken back
whole), a folder import can place its media in the same undo step and skips links that lead out, and the store
answers reads of a busy project within its lock timeout (listing without waiting at all)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from kijkocut import limits
from kijkocut.errors import PathNotAllowedError
from kijkocut.model import Project
from kijkocut.paths import PathPolicy
from kijkocut.service.actions import ActionContext, apply_action, run_action
from kijkocut.service.errors import BusyError, ServiceError
from kijkocut.service.store import ProjectStore

from .conftest import confine_to


@pytest.fixture
def allowed(tmp_path, media_dir) -> Path:
    folder = tmp_path / "allowed"
    folder.mkdir()
    for name in ("a.mp4", "b.mp4", "still.png"):
        (folder / name).write_bytes((media_dir / name).read_bytes())
    (folder / "grade.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    (folder / "Title.ttf").write_bytes(b"not really a font, but a file")
    return folder


def policy_ctx(folder: Path, *, resolve: bool = True) -> ActionContext:
    return ActionContext(
        resolve_path=confine_to(folder) if resolve else None,
        policy=PathPolicy.of([folder], base=folder, system_fonts=False),
        project_dir=folder,
    )


def test_fonts_are_confined_and_stored_as_real_paths(allowed):
    ctx = policy_ctx(allowed)
    assert ctx.font("DejaVu Sans") == "DejaVu Sans"  # a family name is looked up by the renderer
    assert ctx.font("Title.ttf") == str((allowed / "Title.ttf").resolve())
    assert ctx.font("Missing.ttf") == "Missing.ttf"  # a bare file name found nowhere here: the renderer's
    with pytest.raises(PathNotAllowedError, match="outside the allowed folders"):
        ctx.font("/etc/fonts/evil.ttf")
    project = Project()
    title = apply_action(
        project, "add_text", {"text": "Hi", "start": 0, "duration": 1, "font": "Title.ttf"}, ctx
    ).created["element_id"]
    assert project.element(title).style.font == str((allowed / "Title.ttf").resolve())
    with pytest.raises(PathNotAllowedError):
        apply_action(
            project,
            "set_property",
            {"element_id": title, "property": "style", "value": json.dumps({"font": "/etc/fonts/evil.ttf"})},
            ctx,
        )
    assert project.element(title).style.font == str((allowed / "Title.ttf").resolve())


def test_a_path_an_edit_brings_in_is_checked_after_the_edit_and_the_edit_taken_back(tmp_path, allowed):
    """Without a path resolver the effect list reaches the project unconfined; the policy's check after the
    edit refuses it, and the refused edit leaves the redo step and the revision as they were."""
    store = ProjectStore(tmp_path / "projects")
    project_id = store.create().id
    ctx = policy_ctx(allowed, resolve=False)
    title = run_action(
        store, project_id, "add_text", {"text": "Hi", "start": 0, "duration": 1}, ctx=ctx
    ).created["element_id"]
    run_action(
        store,
        project_id,
        "set_property",
        {"element_id": title, "property": "fade_in", "value": "0.5"},
        ctx=ctx,
    )
    store.undo(project_id)
    revision = store.get(project_id).revision
    bad = json.dumps([{"kind": "lut", "params": {"path": "/etc/passwd"}}])
    with pytest.raises(PathNotAllowedError, match="'/etc/passwd' is outside the allowed folders"):
        run_action(
            store,
            project_id,
            "set_property",
            {"element_id": title, "property": "effects", "value": bad},
            ctx=ctx,
        )
    stored = ProjectStore(tmp_path / "projects").get(project_id)  # as saved
    for project in (store.get(project_id), stored):
        assert project.revision == revision and len(project.history.undone) == 1
        assert project.element(title).effects == []
    good = json.dumps([{"kind": "lut", "params": {"path": str(allowed / "grade.cube")}}])
    run_action(
        store,
        project_id,
        "set_property",
        {"element_id": title, "property": "effects", "value": good},
        ctx=ctx,
    )
    assert store.get(project_id).element(title).effects[0].kind == "lut"


def test_an_effect_list_set_as_a_property_is_confined_before_the_edit(allowed):
    ctx = policy_ctx(allowed)
    project = Project()
    title = apply_action(project, "add_text", {"text": "Hi", "start": 0, "duration": 1}, ctx).created[
        "element_id"
    ]
    value = json.dumps([{"kind": "lut", "params": {"path": "grade.cube"}}])
    apply_action(project, "set_property", {"element_id": title, "property": "effects", "value": value}, ctx)
    assert project.element(title).effects[0].params["path"] == str((allowed / "grade.cube").resolve())


def test_property_values_are_bounded_by_the_argument_depth_limit(allowed):
    ctx = policy_ctx(allowed)
    project = Project()
    title = apply_action(project, "add_text", {"text": "Hi", "start": 0, "duration": 1}, ctx).created[
        "element_id"
    ]
    deep = "[" * (limits.MAX_ARGUMENT_DEPTH + 1) + "]" * (limits.MAX_ARGUMENT_DEPTH + 1)
    with pytest.raises(
        ServiceError, match=f"value is nested too deeply \\(limit {limits.MAX_ARGUMENT_DEPTH} levels"
    ):
        apply_action(
            project, "set_property", {"element_id": title, "property": "style.x", "value": deep}, ctx
        )


def test_import_can_place_its_media_in_the_same_undo_step(allowed):
    ctx = policy_ctx(allowed)
    project = Project()
    outcome = apply_action(
        project, "import_media", {"paths": ["a.mp4", "b.mp4", "still.png"], "add_to_timeline": True}, ctx
    )
    assert len(project.history.done) == 1 and len(project.tracks) == 1
    clips = project.tracks[0].elements
    assert [c.id for c in clips] == outcome.created["element_ids"]
    assert [(c.media_id, c.start) for c in clips] == [
        (outcome.created["media_ids"][0], 0),
        (outcome.created["media_ids"][1], 3),
        (outcome.created["media_ids"][2], 5),
    ]
    from kijkocut.edit import Editor

    Editor(project).undo()
    assert project.tracks == [] and project.media == {}


def test_a_link_out_of_an_imported_folder_is_skipped_with_the_reason(tmp_path, allowed):
    outside = tmp_path / "outside.mp4"
    outside.write_bytes((allowed / "a.mp4").read_bytes())
    os.symlink(outside, allowed / "link.mp4")

    def resolve(name: str) -> Path:
        return PathPolicy.of([allowed], base=allowed).confine(name)

    project = Project()
    outcome = apply_action(project, "import_media", {"paths": ["."]}, ActionContext(resolve_path=resolve))
    assert ("./link.mp4", "links outside the allowed folders") in outcome.created["skipped"]
    assert len(outcome.created["media_ids"]) == 3


def test_reads_of_a_busy_project_wait_a_bounded_time_and_listing_does_not_wait(tmp_path):
    store = ProjectStore(tmp_path / "projects", lock_timeout=0.2)
    project_id = store.create(name="Busy").id
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.locked(project_id):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(30)
        assert [p.name for p in store.list()] == ["Busy"]  # as it stands, at once
        with pytest.raises(BusyError, match="busy"):
            store.snapshot(project_id)
        with pytest.raises(BusyError, match="busy"):
            store.get(project_id)
    finally:
        release.set()
        holder.join(30)
    assert store.snapshot(project_id).name == "Busy"


def test_import_takes_one_path_or_several(allowed):
    ctx = policy_ctx(allowed)
    project = Project()
    one = apply_action(project, "import_media", {"path": "a.mp4"}, ctx).created["media_ids"]
    both = apply_action(project, "import_media", {"path": "a.mp4", "paths": ["b.mp4"]}, ctx).created[
        "media_ids"
    ]
    assert both[0] == one[0] and len(project.media) == 2
    with pytest.raises(ServiceError, match="give path"):
        apply_action(project, "import_media", {}, ctx)
