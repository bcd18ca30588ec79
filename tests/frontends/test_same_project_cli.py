"""The command-line leg of the front-end equivalence: the shared session typed into `kijkocut project create`,
`kijkocut edit`, `kijkocut undo` and `kijkocut redo` builds the same project, with the same undo steps, as the
service layer in memory; for a project of the projects folder and for a project file edited in place."""

from __future__ import annotations

import pytest

from .driver_cli import Cli
from .drivers import InMemory, play
from .normalize import comparable


@pytest.mark.parametrize("where", ["projects folder", "project file"])
def test_cli_builds_the_same_project_as_the_service_layer(media_dir, tmp_path, monkeypatch, where):
    # Media named as a person in the media folder names them; that folder is one `render` may read.
    monkeypatch.chdir(media_dir)
    monkeypatch.setenv("KIJKOCUT_MEDIA_DIRS", str(media_dir))
    reference = play(InMemory(media_dir))
    assert len(reference.history.done) == 9 and not reference.history.undone
    file = tmp_path / "session.json" if where == "project file" else None
    built = play(Cli(tmp_path / "projects", file))
    assert comparable(built) == comparable(reference)
    assert (
        built.revision == 13
    )  # one revision per step: the creation is revision 0, then 13 edits/undos/redos
