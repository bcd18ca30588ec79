"""Caption imports at scale: the work grows linearly with the number of cues (one pass per track, not one
rescan of the track per cue), undo and redo of a big import restore it exactly, and what one import may bring
is bounded with a message naming the limit."""

from __future__ import annotations

import sys
from collections import Counter
from fractions import Fraction

import pytest

from kijkocut import limits
from kijkocut.captions import import_captions, read_cues
from kijkocut.captions.cues import CaptionFormatError
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddElements, AddTrack
from kijkocut.errors import KijkoCutError
from kijkocut.model import Project, ProjectSettings, TextElement
from kijkocut.project_io import project_to_json, save_project
from tests.captions.test_captions_cli import run


def stamp(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def srt(cues: int, *, spacing_ms: int = 1000, text: str = "line") -> str:
    return "\n".join(
        f"{n + 1}\n{stamp(n * spacing_ms)} --> {stamp(n * spacing_ms + spacing_ms // 2)}\n{text} {n}\n"
        for n in range(cues)
    )


def editor() -> Editor:
    return Editor(Project(settings=ProjectSettings(width=320, height=180, frame_rate=25)))


def python_lines(action) -> int:
    """Lines of Python executed by `action` (a count, not a time: the same on any machine). Loops inside one
    function count too, where a count of calls would miss a scan of a list."""
    lines = Counter()

    def trace(frame, event, arg):
        if event == "line":
            lines["line"] += 1
        return trace

    sys.settrace(trace)
    try:
        action()
    finally:
        sys.settrace(None)
    return lines["line"]


def test_import_work_grows_linearly_with_the_cues():
    """Before: each cue was an AddElement that re-sorted and re-scanned the track, so four times the cues cost
    about sixteen times the work (16,000 cues took minutes). Now four times the cues cost about four times."""
    small = python_lines(lambda: import_captions(editor(), srt(300)))
    large = python_lines(lambda: import_captions(editor(), srt(1200)))
    assert large / small < 5, (small, large)


def test_undo_and_redo_apply_element_changes_in_one_pass_each():
    small_editor, large_editor = editor(), editor()
    for target, cues in ((small_editor, 300), (large_editor, 1200)):
        import_captions(target, srt(cues))
    small = python_lines(small_editor.undo)
    large = python_lines(large_editor.undo)
    assert large / small < 5, (small, large)

    large_editor.redo()
    imported = large_editor.project.model_dump(mode="json", exclude={"history", "revision"})
    large_editor.undo()
    large_editor.redo()
    assert large_editor.project.model_dump(mode="json", exclude={"history", "revision"}) == imported


def test_a_big_import_is_one_command_per_lane_and_exactly_undoable():
    work = editor()
    work.apply(AddTrack(kind="text", track_id="t"))
    work.apply(AddElement(track_id="t", element=TextElement(id="keep", text="k", start=0, duration=1)))

    def timeline() -> dict:
        return work.project.model_dump(mode="json", exclude={"history", "revision"})

    before = timeline()
    ids = import_captions(work, srt(500))
    assert len(ids) == 500
    (entry,) = work.project.history.done[2:]
    assert [c["op"] for c in entry.command["commands"]] == ["add_track", "add_elements"]
    track = work.project.tracks[-1]
    assert [e.start for e in track.elements] == [Fraction(n) for n in range(500)]
    after = timeline()
    work.undo()
    assert timeline() == before
    work.redo()
    assert timeline() == after


def test_add_elements_refuses_overlaps_and_taken_ids_leaving_the_project_as_it_was():
    work = editor()
    work.apply(AddTrack(kind="text", track_id="t"))
    work.apply(AddElement(track_id="t", element=TextElement(id="a", text="a", start=0, duration=2)))
    before = project_to_json(work.project)
    with pytest.raises(KijkoCutError, match="overlap"):
        work.apply(AddElements(track_id="t", elements=[TextElement(id="b", text="b", start=1, duration=1)]))
    with pytest.raises(KijkoCutError, match="element id 'a' already exists"):
        work.apply(AddElements(track_id="t", elements=[TextElement(id="a", text="b", start=5, duration=1)]))
    with pytest.raises(KijkoCutError, match="element id 'c' already exists"):
        work.apply(
            AddElements(
                track_id="t",
                elements=[
                    TextElement(id="c", text="c", start=5, duration=1),
                    TextElement(id="c", text="c", start=7, duration=1),
                ],
            )
        )
    assert project_to_json(work.project) == before


def test_too_many_cues_are_refused_naming_the_line_and_the_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CAPTION_CUES", 3)
    with pytest.raises(
        CaptionFormatError,
        match=r"<srt text>:14: more than 3 cues; a caption file may have at "
        r"most 3 \(split it\)",
    ):
        read_cues(srt(4))
    assert len(read_cues(srt(3))) == 3


def test_oversized_caption_files_are_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "big.srt"
    path.write_text(srt(50))
    monkeypatch.setattr(limits, "MAX_CAPTION_BYTES", 1024)
    with pytest.raises(
        KijkoCutError,
        match=r"big.srt: the subtitle file is \d+\.\d KiB; a caption file may be at "
        r"most 1 KiB",
    ):
        read_cues(path)
    with pytest.raises(KijkoCutError, match="subtitle text: the subtitle file is"):
        read_cues(srt(50))


def test_cue_text_and_times_are_bounded(monkeypatch):
    with pytest.raises(CaptionFormatError, match=r":2: bad timestamp: past 24:00:00"):
        read_cues("1\n24:00:00,000 --> 24:00:01,000\nlate\n")
    with pytest.raises(CaptionFormatError, match=r":2: bad timestamp: expected"):
        read_cues("1\n" + "9" * 5000 + ":00:00,000 --> 00:00:01,000\nx\n")  # not a 5000-digit hour
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 10)
    with pytest.raises(
        CaptionFormatError,
        match=r":2: the cue has 11 characters of text; a caption may have at "
        r"most 10",
    ):
        read_cues("1\n00:00:00,000 --> 00:00:01,000\nxxxxxxxxxxx\n")
    # Cues starting together are merged into one caption: their text together is bounded too.
    together = "".join(f"{n}\n00:00:00,000 --> 00:00:01,000\nabcdef\n\n" for n in range(1, 3))
    with pytest.raises(
        KijkoCutError,
        match=r"the captions at 0.000 s hold 13 characters together; a caption may "
        r"have at most 10",
    ):
        import_captions(editor(), together)


def test_cli_restyle_refuses_a_deeply_nested_style(tmp_path):
    project_path = tmp_path / "p.json"
    save_project(Project(), project_path)
    deep = "[" * 5000 + "]" * 5000  # json.loads raised RecursionError
    with pytest.raises(
        KijkoCutError,
        match=rf"^--style: the style is nested too deeply \(limit "
        rf"{limits.MAX_ARGUMENT_DEPTH} levels\)$",
    ):
        run("captions", "restyle", str(project_path), "--style", deep)
