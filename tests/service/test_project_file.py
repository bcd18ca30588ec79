"""One project file anywhere on disk under the store's rules: its own lock file beside it, revisions, stale
edits refused, a new file never written over an existing one, and a second process's save seen at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kijkocut.edit.commands import AddMarker
from kijkocut.model import Project
from kijkocut.project_io import load_project
from kijkocut.service.errors import ConflictError, ServiceError
from kijkocut.service.project_file import ProjectFileStore


@pytest.fixture
def film(tmp_path):
    store = ProjectFileStore(tmp_path / "film.json")
    store.adopt(Project(name="Film"))
    return tmp_path / "film.json"


def test_edits_are_saved_in_place_with_a_lock_file_beside_it(film):
    store = ProjectFileStore(film)
    project_id = store.project_id()
    result = store.apply(project_id, [AddMarker(time=1, marker_id="m1")], base_revision=0)
    assert result.revision == 1 and load_project(film).markers[0].id == "m1"
    assert sorted(p.name for p in film.parent.iterdir()) == [".film.json.lock", "film.json"]
    with pytest.raises(ConflictError, match="changed since revision 0 \\(now at revision 1\\)"):
        store.apply(project_id, [AddMarker(time=2)], base_revision=0)
    assert store.undo(project_id).revision == 2 and not load_project(film).markers


def test_a_new_project_file_never_replaces_one(film):
    before = film.read_bytes()
    with pytest.raises(ServiceError, match="film.json already exists"):
        ProjectFileStore(film).adopt(Project(name="Other"))
    assert film.read_bytes() == before


def test_a_missing_folder_is_not_created(tmp_path):
    with pytest.raises(ServiceError, match="does not exist"):
        ProjectFileStore(tmp_path / "missing" / "film.json")
    assert not (tmp_path / "missing").exists()


def test_a_save_by_another_process_is_seen(film):
    store = ProjectFileStore(film)
    project_id = store.project_id()
    store.apply(project_id, [AddMarker(time=1)])
    other = (
        "import sys\nfrom kijkocut.edit.commands import AddMarker\n"
        "from kijkocut.service.project_file import ProjectFileStore\n"
        "store = ProjectFileStore(sys.argv[1])\nstore.apply(store.project_id(), [AddMarker(time=2)])"
    )
    subprocess.run([sys.executable, "-c", other, str(film)], check=True, timeout=120)
    result = store.apply(project_id, [AddMarker(time=3)], base_revision=2)
    assert result.revision == 3 and sorted(float(m.time) for m in load_project(film).markers) == [1, 2, 3]


def test_projects_of_the_folder_are_not_deleted_through_it(film):
    store = ProjectFileStore(film)
    with pytest.raises(ServiceError, match="delete it as you would any file"):
        store.delete(store.project_id())
    assert film.exists()
