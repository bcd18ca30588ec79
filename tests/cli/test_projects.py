"""`kijkocut project ...`: projects in the projects folder the other front ends use (or a project file named by
its path), through the service's store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kijkocut import samples
from kijkocut.project_io import load_project
from kijkocut.service.store import ProjectStore, default_projects_dir


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KIJKOCUT_PROJECTS_DIR", str(tmp_path / "projects"))
    return tmp_path / "projects"


def _created(kijkocut, *words: str) -> dict:
    ran = kijkocut("project", "create", *words, "--json")
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


def test_create_list_show_rename_duplicate_delete(folder, kijkocut):
    created = _created(kijkocut, "Holiday", "width=1080", "height=1920", "frame_rate=30000/1001")
    assert (created["width"], created["height"], created["frame_rate"]) == (1080, 1920, "30000/1001")
    assert Path(created["file"]) == ProjectStore(folder).file(created["id"])

    listed = kijkocut("project", "list")
    assert listed.code == 0 and created["id"] in listed.out and "Holiday" in listed.out

    shown = kijkocut("project", "show", "Holiday")  # by name as well as by id
    assert shown.code == 0 and shown.out.startswith(f"Holiday ({created['id']}), revision 0")
    assert "1080x1920 at 30000/1001 fps" in shown.out and "undo: nothing; redo: nothing" in shown.out

    renamed = kijkocut("project", "rename", created["id"], "Summer", "--base-revision", "0")
    assert (
        renamed.code == 0 and renamed.out.strip() == f"renamed {created['id']} to 'Summer': now at revision 1"
    )
    assert kijkocut("undo", created["id"]).code == 0  # a rename is an edit like any other
    assert load_project(created["file"]).name == "Holiday"

    copied = json.loads(kijkocut("project", "duplicate", "Holiday", "Holiday 2", "--json").out)
    assert copied["id"] != created["id"] and copied["name"] == "Holiday 2"
    assert {p["id"] for p in json.loads(kijkocut("project", "list", "--json").out)} == {
        created["id"],
        copied["id"],
    }

    deleted = kijkocut("project", "delete", copied["id"])
    assert deleted.code == 0 and deleted.out.strip() == f"deleted {copied['id']} (Holiday 2)"
    assert not ProjectStore(folder).file(copied["id"]).exists()


def test_show_json_is_the_whole_project(folder, kijkocut):
    created = _created(kijkocut, "P")
    doc = json.loads(kijkocut("project", "show", created["id"], "--json").out)
    assert doc["id"] == created["id"] and doc["schema"] == "kijkocut.project" and "history" in doc


def test_projects_option_overrides_the_environment(folder, tmp_path, kijkocut):
    other = tmp_path / "elsewhere"
    created = _created(kijkocut, "P", "--projects", str(other))
    assert (other / created["id"] / "project.json").is_file() and not folder.exists()
    assert kijkocut("project", "list").out.strip() == f"no projects in {folder}"


def test_the_default_projects_folder_is_the_mcp_servers():
    config = pytest.importorskip("mcp_server.config")
    assert default_projects_dir({}) == config.ServerConfig().workspace / "projects"
    assert default_projects_dir({"KIJKOCUT_WORKSPACE": "/w"}) == Path("/w/projects")
    assert default_projects_dir({"KIJKOCUT_PROJECTS_DIR": "/p", "KIJKOCUT_WORKSPACE": "/w"}) == Path("/p")


def test_a_project_file_is_created_once_and_never_replaced(tmp_path, kijkocut):
    target = tmp_path / "film.json"
    assert kijkocut("project", "create", "Film", "--file", str(target)).code == 0
    before = target.read_bytes()
    again = kijkocut("project", "create", "Other", "--file", str(target))
    assert (
        again.code == 2
        and again.err == "kijkocut: error: film.json already exists; choose another file name\n"
    )
    assert target.read_bytes() == before
    missing = kijkocut("project", "create", "Film", "--file", str(tmp_path / "no" / "film.json"))
    assert missing.code == 2 and "does not exist" in missing.err and not (tmp_path / "no").exists()


def test_a_project_file_is_not_deleted_but_can_be_duplicated_into_the_folder(
    folder, tmp_path, kijkocut, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    samples.write_image(tmp_path / "still.png", 32, 32)
    assert kijkocut("project", "create", "Film", "--file", "film.json").code == 0
    assert kijkocut("edit", "film.json", "add_clip", "path=still.png", "duration=1").code == 0
    refused = kijkocut("project", "delete", "film.json")
    assert refused.code == 2 and "delete it as you would any file" in refused.err
    assert (tmp_path / "film.json").is_file()
    copied = json.loads(kijkocut("project", "duplicate", "film.json", "--json").out)
    copy = load_project(copied["file"])
    assert copy.name == "Film copy" and [m.path for m in copy.media.values()] == [str(tmp_path / "still.png")]


def test_unknown_and_ambiguous_projects_are_bad_requests(folder, kijkocut):
    missing = kijkocut("project", "show", "nope")
    assert missing.code == 2 and "there is no projects folder at" in missing.err
    first, second = _created(kijkocut, "Twin"), _created(kijkocut, "Twin")
    ambiguous = kijkocut("project", "show", "Twin")
    assert ambiguous.code == 2 and first["id"] in ambiguous.err and second["id"] in ambiguous.err
    unknown = kijkocut("edit", "Nope", "add_marker", "time=1")
    assert unknown.code == 2 and unknown.err.startswith("kijkocut: error: no project 'Nope' in ")


def test_bad_settings_name_the_setting(folder, kijkocut):
    odd = kijkocut("project", "create", "P", "width=1081")
    assert (
        odd.code == 2 and odd.err.startswith("kijkocut: error: invalid settings: width") and "even" in odd.err
    )
    typo = kijkocut("project", "create", "P", "widht=1080")
    assert typo.code == 2 and "settings has no parameter 'widht'" in typo.err
    assert not folder.exists() or not any(folder.iterdir())
