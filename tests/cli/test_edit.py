"""`kijkocut edit|undo|redo`: actions and their help derived from the service layer's declarations, values
typed as a person types them, one line (or JSON) per edit with the new revision, the store's revision and
locking rules for project files edited in place, and media named relative to the working directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from kijkocut import samples
from kijkocut.cli.arguments import params_of
from kijkocut.project_io import load_project
from kijkocut.service.actions import all_actions


@pytest.fixture
def film(tmp_path, monkeypatch, kijkocut) -> Path:
    """film.json (320x180 at 25 fps) beside a 3 s clip and a still, the working directory beside them."""
    monkeypatch.chdir(tmp_path)
    samples.write_video(tmp_path / "a.mp4", seconds=3, width=160, height=90)
    samples.write_image(tmp_path / "still.png", 64, 48)
    assert (
        kijkocut(
            "project", "create", "Film", "--file", "film.json", "width=320", "height=180", "frame_rate=25"
        ).code
        == 0
    )
    return tmp_path / "film.json"


def _json(ran) -> dict:
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


def test_the_help_lists_every_declared_action_and_its_parameters(kijkocut):
    listing = kijkocut("edit", "--help")
    assert listing.code == 0
    declared = all_actions()
    assert all(name in listing.out for name in declared)
    for name, action in declared.items():
        ran = kijkocut("edit", "film.json", name, "--help")
        assert ran.code == 0 and action.label in ran.out
        text = " ".join(ran.out.split())
        for param in params_of(action.params).values():
            assert f"{param.name}=" in ran.out and " ".join(param.description.split()) in text, (
                name,
                param.name,
            )


def test_an_edit_answers_with_what_changed_and_the_new_revision(film, kijkocut):
    imported = kijkocut("edit", "film.json", "import_media", "paths=a.mp4", "paths=still.png")
    assert imported.code == 0 and imported.out.startswith(
        "Import 2 media files: now at revision 1 (media_ids med_"
    )
    media = list(load_project(film).media)
    placed = _json(
        kijkocut("edit", "film.json", "add_clip", f"media_id={media[0]}", "duration=00:00:01:05", "--json")
    )
    assert placed["revision"] == 2 and placed["created"]["element_id"].startswith("clip_")
    assert {"entity": "element", "id": placed["created"]["element_id"], "how": "added"} in placed["changes"]
    clip = load_project(film).tracks[0].elements[0]
    assert clip.duration == Fraction(30, 25)  # timecode with frames, on the project's frame grid


def test_values_are_typed_by_the_declaration(film, kijkocut):
    media = _json(kijkocut("edit", "film.json", "import_media", "paths=a.mp4", "--json"))["created"][
        "media_ids"
    ]
    clip = _json(
        kijkocut(
            "edit", "film.json", "add_clip", f"media_id={media[0]}", "new_track=true", "start=f12", "--json"
        )
    )["created"]["element_id"]
    assert (
        _json(
            kijkocut(
                "edit",
                "film.json",
                "add_effect",
                f"element_id={clip}",
                "kind=gaussian_blur",
                'params={"radius": 3}',
                "--json",
            )
        )["revision"]
        == 3
    )
    # --params gives them as JSON; a name=value word overrides it
    assert (
        kijkocut(
            "edit",
            "film.json",
            "set_speed",
            "--params",
            json.dumps({"element_id": clip, "speed": 4}),
            "speed=2",
            "reverse=true",
        ).code
        == 0
    )
    element = load_project(film).tracks[0].elements[0]
    assert (element.speed, element.reverse, element.start) == (2, True, Fraction(12, 25))
    assert element.effects[0].kind == "gaussian_blur" and element.effects[0].params["radius"] == 3


def test_undo_and_redo(film, kijkocut):
    assert kijkocut("edit", "film.json", "add_marker", "time=1", "name=beat").code == 0
    assert kijkocut("undo", "film.json").out.strip() == "Undo Add marker: now at revision 2"
    assert not load_project(film).markers
    assert kijkocut("redo", "film.json").out.strip() == "Redo Add marker: now at revision 3"
    nothing = kijkocut("redo", "film.json")
    assert (nothing.code, nothing.err) == (2, "kijkocut: error: nothing to redo\n")


def test_a_stale_base_revision_is_refused_and_loses_nothing(film, kijkocut):
    assert kijkocut("edit", "film.json", "add_marker", "time=1").code == 0
    before = film.read_bytes()
    for words in (
        ["edit", "film.json", "add_marker", "time=2", "--base-revision", "0"],
        ["undo", "film.json", "--base-revision", "0"],
    ):
        stale = kijkocut(*words)
        assert stale.code == 2 and "changed since revision 0 (now at revision 1)" in stale.err
    assert film.read_bytes() == before


@pytest.mark.parametrize(
    "words, message",
    [
        (["add_marker", "time"], "add_marker: expected name=value, got 'time'"),
        (["add_marker", "tim=1"], "add_marker has no parameter 'tim'; its parameters: time, name, color"),
        (["add_marker", "time=1", "time=2"], "add_marker: time is given twice"),
        (["add_marker", "time=soon"], "time: cannot read 'soon'"),
        (["add_effect", "element_id=x", "kind=blur", "params={oops"], "params: "),
        (["set_speed", "element_id=nope", "speed=2"], "unknown element 'nope'"),
        (["import_media", "paths=/etc/passwd"], "'/etc/passwd' is outside the allowed folders"),
        (["import_media", "paths=../a.mp4"], "'..' is not allowed"),
    ],
)
def test_bad_edits_are_one_line_and_change_nothing(film, kijkocut, words, message):
    before = film.read_bytes()
    ran = kijkocut("edit", "film.json", *words)
    assert ran.code == 2 and ran.out == "" and len(ran.err.splitlines()) == 1, ran.err
    assert ran.err.startswith("kijkocut: error: ") and message in ran.err, ran.err
    assert film.read_bytes() == before


def test_files_that_are_not_media_are_skipped_and_nothing_imported_is_a_failure(film, kijkocut):
    (film.parent / "notes.txt").write_text("not a video")
    some = kijkocut("edit", "film.json", "import_media", "paths=a.mp4", "paths=notes.txt")
    assert some.code == 0 and some.out.startswith("Import media: now at revision 1")
    assert some.err.startswith("kijkocut: warning: skipped notes.txt: ")
    before = film.read_bytes()
    none = kijkocut("edit", "film.json", "import_media", "paths=notes.txt")
    assert none.code == 1 and "kijkocut: error: nothing imported: notes.txt: " in none.err
    assert film.read_bytes() == before


def test_media_paths_are_taken_from_the_working_directory(film, kijkocut, monkeypatch):
    (film.parent / "sub").mkdir()
    monkeypatch.chdir(film.parent / "sub")
    assert kijkocut("edit", "../film.json", "import_media", "paths=../a.mp4").code == 2  # '..' is refused
    monkeypatch.chdir(film.parent)
    os.rename(film.parent / "a.mp4", film.parent / "sub" / "b.mp4")
    assert kijkocut("edit", "film.json", "import_media", "paths=sub/b.mp4").code == 0
    assert [m.path for m in load_project(film).media.values()] == [str(film.parent / "sub" / "b.mp4")]


ADD_MARKER = """
import sys
from kijkocut.cli import main
sys.exit(main(["edit", sys.argv[1], "add_marker", "time=" + sys.argv[2]]))
"""


def test_processes_editing_one_project_file_lose_nothing(film):
    """Six `kijkocut edit` processes at once on one file: each edit waits for the others' lock, none is lost."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ADD_MARKER, str(film), str(second)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for second in range(1, 7)
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in processes]  # type: ignore[union-attr]
    assert all(code == 0 for code, _ in results), results
    project = load_project(film)
    assert sorted(float(m.time) for m in project.markers) == [1, 2, 3, 4, 5, 6]
    assert project.revision == 6 and len(project.history.done) == 6
