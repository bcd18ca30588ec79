"""The `otio` subcommands through argparse: a project file out to .otio and back in."""

import argparse
from fractions import Fraction

import pytest

pytest.importorskip("opentimelineio", reason="the otio extra is not installed")

from kijkocut.edit import Editor  # noqa: E402
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack  # noqa: E402
from kijkocut.interchange.cli import register  # noqa: E402
from kijkocut.media.probe import import_media  # noqa: E402
from kijkocut.model import ClipElement, Project, ProjectSettings  # noqa: E402
from kijkocut.project_io import load_project, save_project  # noqa: E402


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="kijkocut")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_export_then_import(engine_media, tmp_path, capsys):
    editor = Editor(Project(settings=ProjectSettings(width=160, height=90)))
    editor.apply(AddMedia(media=import_media(engine_media.red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="c", media_id="red", start=Fraction(1, 2), duration=2, source_in=1),
        )
    )
    project_path = tmp_path / "p.json"
    save_project(editor.project, project_path)
    assert run("otio", "export", str(project_path), str(tmp_path / "cut.otio")) == 0
    assert run("otio", "import", str(tmp_path / "cut.otio"), "-o", str(tmp_path / "back.json")) == 0
    assert "1 tracks, 1 media" in capsys.readouterr().out
    back = load_project(tmp_path / "back.json")
    element = back.element("c")
    assert (element.start, element.duration, element.source_in) == (Fraction(1, 2), 2, 1)


def test_export_shows_what_the_format_cannot_carry(engine_media, tmp_path, capsys):
    from kijkocut.cli.app import main

    editor = Editor(Project(settings=ProjectSettings(width=160, height=90)))
    editor.apply(AddMedia(media=import_media(engine_media.red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddTrack(kind="overlay", track_id="o1", name="PiP"))
    editor.apply(
        AddElement(
            track_id="v1", element=ClipElement(id="c", media_id="red", start=0, duration=2, gain_db=-6)
        )
    )
    editor.apply(AddElement(track_id="o1", element=ClipElement(id="p", media_id="red", start=0, duration=1)))
    project_path = tmp_path / "p.json"
    save_project(editor.project, project_path)
    assert main(["otio", "export", str(project_path), str(tmp_path / "cut.edl")]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"wrote {tmp_path / 'cut.edl'} (3 warnings: what EDL cannot carry)"
    warnings = err.strip().splitlines()
    assert (
        "warning: EDL: track 'PiP' (1 elements): track: an EDL holds one video track (the first); left out"
        in warnings
    )
    assert any(
        line.startswith("warning: EDL: clip c at 0.000 s on track 'Video': gain_db:") for line in warnings
    )
    assert any(
        line.startswith("warning: EDL: project: settings: an EDL stores no frame rate") for line in warnings
    )
    assert len(warnings) == 3
