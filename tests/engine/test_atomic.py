"""Files the engine writes appear whole and with the permissions the user's umask gives ordinary files."""

from __future__ import annotations

import os
import stat

import pytest

from kijkocut.atomic import create_partial, empty_partial
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings
from kijkocut.project_io import load_project, save_project
from kijkocut.render.export import export_project
from kijkocut.render.presets import ExportSettings


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    yield 0o640
    os.umask(previous)


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_partial_files_follow_the_umask_and_never_collide(tmp_path, umask_027):
    names = set()
    for _ in range(50):
        fd, path = create_partial(tmp_path, ".clip.mp4.", ".tmp")
        os.close(fd)
        names.add(path)
        assert mode_of(path) == umask_027
        assert os.path.basename(path).startswith(".clip.mp4.") and path.endswith(".tmp")
    assert len(names) == 50
    closed = empty_partial(tmp_path, ".x-")
    assert os.path.getsize(closed) == 0 and mode_of(closed) == umask_027


def test_partial_never_writes_through_a_planted_symlink(tmp_path, monkeypatch):
    target = tmp_path / "victim"
    target.write_bytes(b"keep")
    names = iter(["aaaa", "bbbb"])
    monkeypatch.setattr("kijkocut.atomic.secrets.token_hex", lambda _: next(names))
    (tmp_path / ".p-aaaa").symlink_to(target)
    fd, path = create_partial(tmp_path, ".p-")
    os.close(fd)
    assert path.endswith(".p-bbbb") and target.read_bytes() == b"keep"


def test_saved_project_is_readable_like_any_file(tmp_path, umask_027):
    destination = tmp_path / "edit.json"
    save_project(Project(name="permissions"), destination)
    assert mode_of(destination) == umask_027
    assert load_project(destination).name == "permissions"
    assert [p.name for p in tmp_path.iterdir()] == ["edit.json"]  # no partial file left behind


def test_exported_video_is_readable_like_any_file(tmp_path, engine_media, umask_027):
    project = Project(settings=ProjectSettings(width=160, height=90, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(engine_media.red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="r", media_id="red", start=0, duration=1)))
    destination = tmp_path / "out.mp4"
    result = export_project(project, destination, ExportSettings(audio=False))
    assert result.frames == 30
    assert mode_of(destination) == umask_027
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]
