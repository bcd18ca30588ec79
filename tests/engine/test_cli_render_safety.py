"""`kijkocut render` refuses destructive or impossible outputs with one line on stderr and no traceback, asks
before creating folders (--mkdir), and shows warnings about media that changed since import."""

from __future__ import annotations

from pathlib import Path

import pytest

from kijkocut import samples
from kijkocut.cli import main
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings
from kijkocut.project_io import save_project


@pytest.fixture
def project_file(tmp_path, monkeypatch) -> Path:
    """p.json using media/a.mp4 (3 s, 0-2 s on the timeline), with the working directory beside it."""
    (tmp_path / "media").mkdir()
    clip = samples.write_video(tmp_path / "media" / "a.mp4", seconds=3, width=160, height=90)
    project = Project(settings=ProjectSettings(width=160, height=90, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(clip, media_id="clip")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="c", media_id="clip", start=0, duration=2)))
    save_project(project, tmp_path / "p.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "p.json"


def _render(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["render", "p.json", "-q", "--speed", "ultrafast", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "output, message",
    [
        ("p.json", "refusing to write the export over the project file: p.json; choose another file name"),
        (
            "media/a.mp4",
            "refusing to write the export over media clip (a.mp4): media/a.mp4; choose another file name",
        ),
        ("media", "cannot write media: it is a folder; give a file name such as media/video.mp4"),
        ("p.json/x.mp4", "cannot write p.json/x.mp4: p.json is a file, not a folder"),
        ("new/x.mp4", "the output folder new does not exist (add --mkdir to create it)"),
    ],
)
def test_impossible_outputs_are_one_line_and_lose_nothing(project_file, capsys, output, message):
    project_before = project_file.read_bytes()
    media_before = (project_file.parent / "media" / "a.mp4").read_bytes()
    code, out, err = _render(capsys, "-o", output)
    assert (code, out, err) == (1, "", f"kijkocut: error: {message}\n")
    assert project_file.read_bytes() == project_before
    assert (project_file.parent / "media" / "a.mp4").read_bytes() == media_before
    assert sorted(p.name for p in project_file.parent.iterdir()) == ["media", "p.json"]


def test_mkdir_creates_the_output_folder(project_file, capsys):
    code, out, _ = _render(capsys, "-o", "new/deeper/x.mp4", "--mkdir")
    assert code == 0 and out.startswith("exported new/deeper/x.mp4 (60 frames")
    assert (project_file.parent / "new" / "deeper" / "x.mp4").stat().st_size > 0


def test_changed_media_is_reported(project_file, capsys):
    clip = project_file.parent / "media" / "a.mp4"
    samples.write_video(clip, seconds=5, width=160, height=90, hue=90)
    code, out, _ = _render(capsys, "-o", "x.mp4")
    assert code == 0
    assert out.startswith("exported x.mp4 (60 frames")
    assert (
        "; warning: media clip (a.mp4) changed since import: duration 3.000 s -> 5.000 s; rendering the file "
        "as it is now) in "
    ) in out
    samples.write_video(clip, seconds=1, width=160, height=90)
    code, out, err = _render(capsys, "-o", "y.mp4")
    assert (code, out) == (1, "")
    assert err == (
        "kijkocut: error: media clip (a.mp4) changed since import: duration 3.000 s -> 1.000 s; "
        "the timeline uses up to 2.000 s\n"
    )
