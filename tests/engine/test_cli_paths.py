"""`kijkocut render` of a project from elsewhere (downloaded, shared) reads only the project's folder, the home
folder and KIJKOCUT_MEDIA_DIRS: a LUT, font or media path naming /etc/passwd is refused with a clear line
before anything is opened or written, and nothing of the file is printed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kijkocut.cli import main
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddEffect, AddElement, AddMedia, AddTrack
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings, TextElement
from kijkocut.project_io import save_project


@pytest.fixture
def project_file(tmp_path, monkeypatch) -> Path:
    """A project in its own folder: a still, a title and a LUT, all beside the project file."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KIJKOCUT_MEDIA_DIRS", raising=False)
    folder = tmp_path / "download"
    folder.mkdir()
    Image.fromarray(np.full((16, 16, 3), 128, np.uint8)).save(folder / "still.png")
    (folder / "grade.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    project = Project(settings=ProjectSettings(width=16, height=16, frame_rate=5))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(folder / "still.png", media_id="img")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="c", media_id="img", start=0, duration=1)))
    editor.apply(AddEffect(element_id="c", kind="lut", params={"path": "grade.cube"}, effect_id="fx"))
    editor.apply(AddTrack(kind="text", track_id="t1"))
    editor.apply(AddElement(track_id="t1", element=TextElement(id="title", text="Hi", start=0, duration=1)))
    path = folder / "project.json"
    save_project(project, path)
    return path


def _set(project_file: Path, where: str, value: str) -> None:
    doc = json.loads(project_file.read_text())
    if where == "lut":
        doc["tracks"][0]["elements"][0]["effects"][0]["params"]["path"] = value
    elif where == "font":
        doc["tracks"][1]["elements"][0]["style"]["font"] = value
    else:
        doc["media"]["img"]["path"] = value
    project_file.write_text(json.dumps(doc))


def test_a_project_using_its_own_folder_renders(project_file, tmp_path):
    assert main(["render", str(project_file), "-o", str(tmp_path / "ok.mp4"), "-q"]) == 0
    assert (tmp_path / "ok.mp4").stat().st_size > 0


@pytest.mark.parametrize("where", ["lut", "font", "media"])
@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ", "../../../../../../etc/passwd"])
def test_files_outside_the_users_folders_are_refused(project_file, tmp_path, capsys, where, target):
    _set(project_file, where, target)
    out = tmp_path / "out.mp4"
    assert main(["render", str(project_file), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kijkocut: error: ") and len(err.strip().splitlines()) == 1, err
    assert repr(target) in err and "KIJKOCUT_MEDIA_DIRS" in err
    assert "root:" not in err and "PATH=" not in err
    assert not out.exists() and not list(tmp_path.glob(".out.*"))


def test_kijkocut_media_dirs_allows_more_folders(project_file, tmp_path, monkeypatch, capsys):
    shared = tmp_path / "shared luts"
    shared.mkdir()
    (shared / "look.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    _set(project_file, "lut", str(shared / "look.cube"))
    out = tmp_path / "out.mp4"
    assert main(["render", str(project_file), "-o", str(out), "-q"]) == 1
    assert "outside the allowed folders" in capsys.readouterr().err
    monkeypatch.setenv("KIJKOCUT_MEDIA_DIRS", os.pathsep.join([str(tmp_path / "elsewhere"), str(shared)]))
    assert main(["render", str(project_file), "-o", str(out), "-q"]) == 0
