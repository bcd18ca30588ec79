"""Load Panel Project: a project of the panel's store (under ComfyUI's user folder) as a TIMELINE, found by id
or name, its cache key following a panel edit, and a clear refusal for what is not there (needs COMFYUI_PATH)."""

from __future__ import annotations

import pytest

from kijkocut.service.actions import run_action


@pytest.fixture
def node(comfy, pack, tmp_path, monkeypatch):
    monkeypatch.setenv("KIJKOCUT_PROJECTS_DIR", str(tmp_path / "projects"))
    return pack("nodes.stored_project").LoadPanelProject


@pytest.fixture
def store(node, pack):
    return pack("nodes.stored_project").project_store()


def test_the_panels_store_is_the_one_under_comfyuis_user_folder(comfy, pack, monkeypatch):
    monkeypatch.delenv("KIJKOCUT_PROJECTS_DIR", raising=False)
    store = pack("nodes.stored_project").project_store()
    assert store.root == (comfy.user / "kijkocut" / "projects").resolve()


def test_a_stored_project_becomes_a_timeline_by_id_or_name(node, store):
    made = store.create("Promo cut")
    run_action(store, made.id, "add_track", {"kind": "video"})
    for wanted in (made.id, " Promo cut "):
        assert node.validate_inputs(wanted) is True
        timeline, revision = node.execute(wanted).args
        assert timeline.project.id == made.id and revision == 1
        assert [t.kind for t in timeline.project.tracks] == ["video"]
        assert timeline.project_dir == str(store.directory(made.id))


def test_a_panel_edit_changes_the_cache_key_and_undo_restores_it(node, store):
    made = store.create("Edited")
    before = node.fingerprint_inputs(made.id)
    assert node.fingerprint_inputs(made.id) == before  # nothing changed: served from ComfyUI's cache
    run_action(store, made.id, "add_track", {"kind": "audio"})
    edited = node.fingerprint_inputs(made.id)
    assert edited != before
    store.undo(made.id)
    assert node.fingerprint_inputs(made.id) == before  # the same content renders the same


def test_the_node_output_is_a_copy_the_graph_cannot_edit_back(node, store):
    made = store.create("Copy")
    timeline, _ = node.execute(made.id).args
    timeline.project.name = "changed in a graph"
    assert store.get(made.id).name == "Copy"


@pytest.mark.parametrize("bad", ["", "  ", "../etc/passwd", "prj_missing", "no such name"])
def test_what_is_not_a_stored_project_is_refused_naming_the_known_ones(node, store, bad):
    store.create("Known one")
    message = node.validate_inputs(bad)
    assert isinstance(message, str) and message.startswith("project:")
    if bad.strip():
        assert "Known one" in message and repr(bad.strip()) in message
    with pytest.raises(ValueError, match="^project:"):
        node.execute(bad)
    assert node.fingerprint_inputs(bad).startswith("unavailable:")


def test_two_projects_with_one_name_need_the_id(node, store):
    first, second = store.create("Twin"), store.create("Twin")
    message = node.validate_inputs("Twin")
    assert "2 projects are named 'Twin'" in message and first.id in message and second.id in message
