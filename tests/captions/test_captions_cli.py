"""The `captions` subcommands through argparse, on real project and subtitle files."""

import argparse

import pytest

from kijkocut.captions.cli import register
from kijkocut.errors import KijkoCutError
from kijkocut.model import Project, ProjectSettings
from kijkocut.project_io import load_project, save_project


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="kijkocut")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_import_restyle_export(tmp_path, capsys):
    project_path = tmp_path / "p.json"
    save_project(Project(settings=ProjectSettings(width=640, height=360)), project_path)
    subs = tmp_path / "in.vtt"
    subs.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi there\n\n00:02.000 --> 00:03.500\nBye\n")
    assert run("captions", "import", str(project_path), str(subs), "--offset", "0.5", "--speakers") == 0
    assert "imported 2 captions" in capsys.readouterr().out
    assert run("captions", "restyle", str(project_path), "--style", '{"size": 30, "color": "#ff0000"}') == 0
    project = load_project(project_path)
    assert [(e.start, e.text, e.style.size, e.style.color) for e in project.tracks[0].elements] == [
        (1.5, "Ann: Hi there", 30, "#ff0000"),
        (2.5, "Bye", 30, "#ff0000"),
    ]
    assert run("captions", "export", str(project_path), str(tmp_path / "out.srt"), "--track", "Captions") == 0
    assert (tmp_path / "out.srt").read_text() == (
        "1\n00:00:01,500 --> 00:00:02,500\nAnn: Hi there\n\n2\n00:00:02,500 --> 00:00:04,000\nBye\n"
    )
    with pytest.raises(KijkoCutError, match="no text track 'Nope'"):
        run("captions", "export", str(project_path), str(tmp_path / "x.srt"), "--track", "Nope")
    with pytest.raises(KijkoCutError, match="--style: not valid JSON"):
        run("captions", "restyle", str(project_path), "--style", "{size")


def test_cli_caption_edits_go_through_the_service_store(tmp_path, capsys):
    """Each command is one undo step with a revision, refuses a subtitle file outside the allowed folders, and
    leaves the project as it was when it fails."""
    project_path = tmp_path / "p.json"
    save_project(Project(settings=ProjectSettings(width=640, height=360)), project_path)
    subs = tmp_path / "in.srt"
    subs.write_text("1\n00:00:00,000 --> 00:00:01,000\nOne\n\n2\n00:00:01,000 --> 00:00:02,000\nTwo\n")
    run("captions", "import", str(project_path), str(subs))
    run("captions", "restyle", str(project_path), "--style", '{"size": 30}')
    project = load_project(project_path)
    assert project.revision == 2 and [e.label for e in project.history.done] == [
        "Import 2 captions",
        "Restyle captions",
    ]
    before = project_path.read_bytes()
    with pytest.raises(KijkoCutError, match="outside"):
        run("captions", "import", str(project_path), "/etc/passwd")
    with pytest.raises(KijkoCutError, match="size"):
        run("captions", "restyle", str(project_path), "--style", '{"size": -3}')
    assert project_path.read_bytes() == before
