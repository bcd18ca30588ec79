"""Captions: SRT/WebVTT parsing edge cases, writers, import as undoable commands, restyle, export, burn-in."""

from fractions import Fraction

import av
import numpy as np
import pytest

from kijkocut.captions import (
    CaptionFormatError,
    Cue,
    caption_style,
    export_captions,
    import_captions,
    parse_srt,
    parse_vtt,
    read_cues,
    resolve_overlaps,
    restyle_captions,
    to_srt,
    to_vtt,
    track_cues,
)
from kijkocut.edit import Editor
from kijkocut.errors import KijkoCutError
from kijkocut.model import Project, ProjectSettings, TextElement
from kijkocut.project_io import project_to_json
from kijkocut.render.export import export_project
from kijkocut.render.presets import ExportSettings

SRT = (
    "\ufeff1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i> <b>world</b>\r\nsecond line\r\n\r\n"
    "2\r\n00:00:03,250 --> 00:00:04,000 X1:10 X2:20\r\n{\\an8}<i>all italic</i>\r\n\r\n"
    '3\r\n01:02:03,004 --> 01:02:04,000\r\n<font color="#ff0000">red</font>'  # no final blank line
)

VTT = """\ufeffWEBVTT - a title
Kind: captions
Language: en

STYLE
::cue { color: yellow }

NOTE this is a comment
spanning lines

intro
00:01.000 --> 00:02.000 align:start line:85%
<v Roger Bingham>We are in <c.loud>New York</c> &amp; more
<00:01.500>timed

NOTE another

00:00:03.000 --> 00:00:04.000
<b>Bold</b>

2
00:04.000 --> 00:05.000
<ruby>漢<rt>kan</rt></ruby>字 &lt;3
"""


def test_srt_edge_cases():
    cues = parse_srt(SRT, source="movie.srt")
    assert [(c.start, c.end) for c in cues] == [
        (1, Fraction(5, 2)),
        (Fraction(13, 4), 4),
        (3723 + Fraction(4, 1000), 3724),
    ]
    assert cues[0].text == "Hello world\nsecond line" and not cues[0].italic
    assert cues[1].text == "all italic" and cues[1].italic
    assert cues[2].text == "red" and cues[2].identifier == "3" and cues[2].line == 11


def test_srt_without_numbers_and_with_dot_millis():
    cues = parse_srt("00:00:01.5 --> 00:00:02.000\nx\n\n\n\n00:00:03,000 --> 00:00:04,000\ny\n")
    assert [(c.start, c.text) for c in cues] == [(Fraction(3, 2), "x"), (3, "y")]


def test_vtt_edge_cases():
    cues = parse_vtt(VTT, source="talk.vtt")
    assert len(cues) == 3
    first, second, third = cues
    assert (first.identifier, first.start, first.end) == ("intro", 1, 2)
    assert first.text == "We are in New York & more\ntimed" and first.speaker == "Roger Bingham"
    assert first.settings == {"align": "start", "line": "85%"}
    assert second.bold and second.text == "Bold" and second.start == 3
    assert third.text == "漢字 <3" and third.identifier == "2"


@pytest.mark.parametrize(
    ("parse", "text", "line", "fragment"),
    [
        (
            parse_srt,
            "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:0x,000 --> 00:00:04,000\nbad\n",
            6,
            "bad timestamp: expected [HH:]MM:SS.mmm",
        ),
        (parse_srt, "1\n00:00:01,000 --> 00:00:02,000\nok\n\nhello\nworld\n", 5, "expected a cue number"),
        (
            parse_srt,
            "1\n00:00:05,000 --> 00:00:02,000\nbackwards\n",
            2,
            "ends (00:00:02,000) before it starts",
        ),
        (parse_srt, "1\n00:00:01,000 --> 00:61:00,000\nx\n", 2, "minutes and seconds"),
        (parse_vtt, "1\n00:01.000 --> 00:02.000\nx\n", 1, "starts with 'WEBVTT'"),
        (parse_vtt, "WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\njust text\n", 6, "expected a cue timing line"),
        (parse_vtt, "WEBVTT\n\nid\n00:01.000 -->\nx\n", 4, "no end time"),
    ],
)
def test_malformed_files_name_the_line(parse, text, line, fragment):
    with pytest.raises(CaptionFormatError) as caught:
        parse(text, source="subs.x")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"subs.x:{line}: ") and fragment in str(caught.value)


def test_writers_round_trip():
    cues = parse_vtt(VTT)
    again = parse_vtt(to_vtt(cues))
    assert [
        (c.start, c.end, c.text, c.speaker, c.italic, c.bold, c.identifier, c.settings) for c in again
    ] == [(c.start, c.end, c.text, c.speaker, c.italic, c.bold, c.identifier, c.settings) for c in cues]
    srt_cues = parse_srt(SRT)
    text = to_srt(srt_cues)
    assert text.startswith("1\n00:00:01,000 --> 00:00:02,500\nHello world\nsecond line\n\n2\n")
    assert "<i>all italic</i>" in text
    assert [(c.start, c.end, c.text, c.italic) for c in parse_srt(text)] == [
        (c.start, c.end, c.text, c.italic) for c in srt_cues
    ]
    # Text that would break the VTT syntax is escaped.
    tricky = [Cue(Fraction(0), Fraction(1), "a --> b & <c>\n\nafter blank")]
    assert parse_vtt(to_vtt(tricky))[0].text == "a --> b & <c>\nafter blank"


def test_overlaps_trim_and_stack():
    cues = [
        Cue(Fraction(0), Fraction(3), "a"),
        Cue(Fraction(1), Fraction(2), "b"),
        Cue(Fraction(1), Fraction(4), "c"),
        Cue(Fraction(5), Fraction(6), "d"),
    ]
    (lane,) = resolve_overlaps(cues, "trim")
    assert [(c.start, c.end, c.text) for c in lane] == [(0, 1, "a"), (1, 4, "b\nc"), (5, 6, "d")]
    lanes = resolve_overlaps(cues, "stack")
    assert [[(c.start, c.text) for c in lane] for lane in lanes] == [
        [(0, "a"), (5, "d")],
        [(1, "b")],
        [(1, "c")],
    ]


@pytest.fixture
def editor():
    return Editor(Project(settings=ProjectSettings(width=320, height=180, frame_rate=25)))


def test_import_is_commands_with_a_shared_style_and_undoable(editor, tmp_path):
    path = tmp_path / "movie.srt"
    path.write_bytes(SRT.encode("utf-8"))
    empty = project_to_json(editor.project)
    ids = import_captions(editor, path, offset="1/2")
    assert len(ids) == 3
    (track,) = editor.project.tracks
    assert (track.kind, track.name) == ("text", "Captions")
    elements = track.elements
    assert [e.start for e in elements] == [
        Fraction(3, 2),
        Fraction(15, 4),
        Fraction(3723, 1) + Fraction(504, 1000),
    ]
    assert elements[1].style.italic and not elements[0].style.italic
    base = caption_style(editor.project.settings)
    assert all(e.style.model_copy(update={"italic": False}) == base for e in elements)
    assert base.y > 180 * 0.75 and base.box_color and base.max_width == 256
    (entry,) = editor.project.history.done  # one edit: one undo takes the whole import back
    assert entry.label == "Import 3 captions"
    editor.undo()
    assert editor.project.tracks == [] and editor.project.model_dump(
        exclude={"history", "revision"}
    ) == Project.model_validate_json(empty).model_dump(exclude={"history", "revision"})


def test_import_stack_mode_and_speakers(editor):
    text = "WEBVTT\n\n00:00.000 --> 00:03.000\n<v Ann>one\n\n00:01.000 --> 00:02.000\n<v Bob>two\n"
    import_captions(editor, text, overlap="stack", show_speakers=True, track_name="Subs")
    lower, upper = editor.project.tracks
    assert (lower.name, upper.name) == ("Subs", "Subs 2")
    assert lower.elements[0].text == "Ann: one" and upper.elements[0].text == "Bob: two"
    assert upper.elements[0].style.y < lower.elements[0].style.y


def test_import_errors_are_clear(editor, tmp_path):
    with pytest.raises(KijkoCutError, match="cannot read subtitle file"):
        import_captions(editor, tmp_path / "missing.srt")
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n00:01.000 --> 00:0x.000\nx\n")
    with pytest.raises(CaptionFormatError, match=r"bad\.vtt:3: bad timestamp"):
        import_captions(editor, bad)
    assert editor.project.tracks == []


def test_cp1252_file_is_read(tmp_path):
    path = tmp_path / "old.srt"
    path.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nCafé\n".encode("cp1252"))
    assert read_cues(path)[0].text == "Café"


def test_restyle_all_captions(editor):
    import_captions(
        editor, "1\n00:00:00,000 --> 00:00:01,000\na\n\n2\n00:00:01,000 --> 00:00:02,000\n<i>b</i>\n"
    )
    track = editor.project.tracks[0]
    changed = restyle_captions(editor, track.id, {"size": 20, "color": "#ffff00", "box_color": None})
    assert changed == 2
    styles = [e.style for e in editor.project.tracks[0].elements]
    assert all((s.size, s.color, s.box_color) == (20, "#ffff00", None) for s in styles)
    assert styles[1].italic  # untouched fields keep their per-caption values
    assert editor.project.history.done[-1].label == "Restyle captions"
    editor.undo()
    assert [e.style for e in editor.project.tracks[0].elements] != styles
    with pytest.raises(KijkoCutError, match="caption style: size"):
        restyle_captions(editor, track.id, {"size": -1})


def test_export_srt_and_vtt(editor, tmp_path):
    import_captions(editor, VTT)
    track_id = editor.project.tracks[0].id
    vtt_path = export_captions(editor.project, track_id, tmp_path / "out.vtt")
    srt_path = export_captions(editor.project, track_id, tmp_path / "out.srt")
    cues = track_cues(editor.project, track_id)
    for read in (parse_vtt(vtt_path.read_text()), parse_srt(srt_path.read_text())):
        assert [(c.start, c.end, c.text, c.bold) for c in read] == [
            (c.start, c.end, c.text, c.bold) for c in cues
        ]
    assert srt_path.read_text().startswith(
        "1\n00:00:01,000 --> 00:00:02,000\nWe are in New York & more\ntimed\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.srt", "out.vtt"]  # no temporary files left
    with pytest.raises(KijkoCutError, match="choose a caption format"):
        export_captions(editor.project, track_id, tmp_path / "out.txt")


def test_burned_in_captions_show_only_in_their_time_range(tmp_path):
    editor = Editor(Project(settings=ProjectSettings(width=320, height=180, frame_rate=10)))
    import_captions(
        editor,
        "1\n00:00:01,000 --> 00:00:02,000\nHELLO WORLD\n\n2\n00:00:02,500 --> 00:00:03,000\nSECOND ONE\n",
    )
    assert isinstance(editor.project.tracks[0].elements[0], TextElement)
    out = export_project(
        editor.project,
        tmp_path / "burn.mp4",
        ExportSettings(width=160, height=90, audio=False, crf=10, speed="ultrafast"),
    )
    with av.open(str(out.path)) as container:
        frames = [frame.to_ndarray(format="gray") for frame in container.decode(video=0)]
    assert len(frames) == 30
    # Caption pixels: bright text in the lower part of the picture (the background is black).
    lit = [int(np.count_nonzero(frame[55:, :] > 128)) for frame in frames]
    for index, count in enumerate(lit):
        showing = 10 <= index < 20 or 25 <= index < 30
        assert (count > 20) == showing, (index, count)
    assert all(np.count_nonzero(frame[:40, :] > 40) == 0 for frame in frames)
