"""Hostile or broken project files get one clear line naming the field and the limit, before anything that
grows with them runs: a frame count, an audio buffer, a recursive parser. Each case here hung, exhausted memory
or raised a bare RecursionError/UnicodeDecodeError before the limits."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import av
import numpy as np
import pytest
from pydantic import ValidationError

from kijkocut import limits
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddTrack, MoveElement
from kijkocut.errors import EditError, KijkoCutError, MediaError, ProjectFormatError, ProjectValidationError
from kijkocut.json_input import nested_deeper_than, text_depth
from kijkocut.media.probe import probe_media
from kijkocut.model import Project, TextElement
from kijkocut.project_io import load_project, project_from_dict, project_from_json, save_project
from kijkocut.render.presets import ExportSettings
from kijkocut.timebase import to_time
from kijkocut.validate import check_render_range


def document(**settings) -> dict:
    """A valid project with one title, with settings overridden."""
    return {
        "schema": "kijkocut.project",
        "version": 2,
        "settings": {"width": 320, "height": 180, "frame_rate": "30", **settings},
        "tracks": [
            {
                "id": "t",
                "kind": "text",
                "elements": [{"kind": "text", "id": "title", "text": "hi", "start": "0", "duration": "2"}],
            }
        ],
    }


def with_title(**fields) -> dict:
    doc = document()
    doc["tracks"][0]["elements"][0].update(fields)
    return doc


HOSTILE = {
    "tiny frame rate": (
        document(frame_rate="1/1000000000"),
        "settings.frame_rate: 1/1000000000 fps is outside 1..240",
    ),
    "huge frame rate": (document(frame_rate="1000000"), "settings.frame_rate: 1000000 fps is outside 1..240"),
    "absurd rate denominator": (
        document(frame_rate="2997002997/100000000"),
        "the denominator 100000000 is over 1000000",
    ),
    "long duration": (
        with_title(duration="100000000"),
        "tracks[0].elements[0].text.duration: 100000000 s is beyond 86400 s, the 24 h limit",
    ),
    "enormous start": (
        with_title(start="1e300"),
        "tracks[0].elements[0].text.start: a number with the exponent 300 is out of range",
    ),
    "huge exponent": (with_title(start="1e100000000"), "the exponent 100000000 is out of range"),
    "float start": (with_title(start=1e300), "tracks[0].elements[0].text.start: 1e+300 s is beyond 86400 s"),
    "sample rate": (
        document(sample_rate=10**9),
        "settings.sample_rate: must be at most 192000",
    ),
    "canvas": (document(width=100_000), "settings.width: must be at most 8192"),
    "long text": (
        with_title(text="x" * (limits.MAX_TEXT_CHARS + 1)),
        f"tracks[0].elements[0].text.text: is too long (at most {limits.MAX_TEXT_CHARS} characters)",
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_values_are_refused_naming_the_field(tmp_path, case):
    doc, message = HOSTILE[case]
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ProjectFormatError) as from_file:
        load_project(path)
    assert message in str(from_file.value) and str(from_file.value).startswith(f"{path}: ")
    with pytest.raises(ProjectFormatError) as from_dict:  # a tool's or a node's dict: the same limits
        project_from_dict(doc)
    assert message in str(from_dict.value)


def test_a_timeline_longer_than_24_hours_is_invalid():
    doc = with_title(start="86000", duration="1000")  # each time is in range; the end is not
    with pytest.raises(
        ProjectValidationError, match=r"element title on track t: ends at 24:10:00, past 24:00:00"
    ):
        project_from_dict(doc)


@pytest.mark.parametrize(
    ("field", "count", "limit", "entry"),
    [
        ("tracks", limits.MAX_TRACKS + 1, limits.MAX_TRACKS, lambda i: {"id": f"t{i}", "kind": "video"}),
        ("markers", limits.MAX_MARKERS + 1, limits.MAX_MARKERS, lambda i: {"id": f"m{i}", "time": "1"}),
    ],
)
def test_project_lists_are_bounded(field, count, limit, entry):
    doc = document()
    doc[field] = [entry(i) for i in range(count)]
    with pytest.raises(ProjectFormatError, match=rf"^{field}: has too many items \(at most {limit}\)"):
        project_from_dict(doc)


def test_effects_and_keyframes_per_element_are_bounded():
    effects = [{"id": f"fx{i}", "kind": "invert"} for i in range(limits.MAX_EFFECTS + 1)]
    with pytest.raises(
        ProjectFormatError,
        match=rf"elements\[0\].text.effects: has too many items \(at most "
        rf"{limits.MAX_EFFECTS}\)",
    ):
        project_from_dict(with_title(effects=effects))
    keys = [{"time": str(i), "value": 1} for i in range(limits.MAX_KEYFRAMES + 1)]
    with pytest.raises(
        ProjectFormatError,
        match=rf"keyframes.style.size: has too many items \(at most {limits.MAX_KEYFRAMES}\)",
    ):
        project_from_dict(with_title(keyframes={"style.size": keys}))


def test_the_element_count_of_a_whole_project_is_bounded(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ELEMENTS", 2)
    doc = document()
    doc["tracks"].append(
        {
            "id": "t2",
            "kind": "text",
            "elements": [
                {"kind": "text", "id": f"e{i}", "text": "x", "start": str(i), "duration": "1"}
                for i in range(2)
            ],
        }
    )
    with pytest.raises(ProjectValidationError, match="the project has 3 elements; the limit is 2"):
        project_from_dict(doc)
    editor = Editor(project_from_dict(document()))
    editor.apply(AddTrack(kind="text", track_id="more"))
    editor.apply(AddElement(track_id="more", element=TextElement(id="b", text="x", start=0, duration=1)))
    with pytest.raises(EditError, match="the project has 3 elements; the limit is 2"):
        editor.apply(AddElement(track_id="more", element=TextElement(id="c", text="x", start=5, duration=1)))


def test_deep_nesting_is_refused_before_the_parser_recurses(tmp_path):
    depth = 100_000  # json.loads raised RecursionError at about 1,000
    path = tmp_path / "deep.json"
    path.write_text('{"schema": "kijkocut.project", "name": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(
        ProjectFormatError,
        match=rf"deep.json: the project is nested too deeply \(limit "
        rf"{limits.MAX_JSON_DEPTH} levels\)$",
    ):
        load_project(path)


def test_deep_dicts_from_tools_are_refused_before_they_are_stored():
    deep: dict = {"x": 1}
    for _ in range(5000):  # accepted before, and then the project could not be saved (serializer depth)
        deep = {"a": deep}
    doc = document()
    doc["history"] = {"done": [{"command": deep, "label": "x", "changes": []}]}
    with pytest.raises(ProjectFormatError, match="the project is nested too deeply"):
        project_from_dict(doc)


def test_non_utf8_bytes_name_the_offset(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(
        ProjectFormatError, match=r"latin1.json: not UTF-8 text: the byte at offset 13 is not valid"
    ):
        load_project(path)
    bom = "\ufeff" + json.dumps(document())
    assert project_from_json(bom.encode("utf-8")).settings.width == 320  # a byte-order mark is fine


def test_oversized_project_files_are_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document()))
    monkeypatch.setattr(limits, "MAX_PROJECT_BYTES", 100)
    with pytest.raises(
        ProjectFormatError,
        match=r"big.json: the project is \d+ bytes; a project file may be at "
        r"most 100 bytes",
    ):
        load_project(path)


def test_a_project_too_big_to_load_again_is_not_saved(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    project = Project()
    save_project(project, path)
    before = path.read_bytes()
    project.tracks = [{"id": f"t{i}", "kind": "video", "name": "x" * 50} for i in range(20)]
    monkeypatch.setattr(limits, "MAX_PROJECT_BYTES", len(before) + 100)
    with pytest.raises(KijkoCutError, match="so it was not saved"):
        save_project(project, path)
    assert path.read_bytes() == before


def test_edits_that_push_past_24_hours_are_refused():
    editor = Editor(project_from_dict(document()))
    with pytest.raises(EditError, match="start: 90000 s is beyond 86400 s"):
        editor.apply({"op": "move_element", "element_id": "title", "start": "90000"})
    with pytest.raises(EditError, match="past 24:00:00"):
        editor.apply(MoveElement(element_id="title", start=Fraction(86_399)))
    assert editor.project.element("title").start == 0


def test_render_paths_refuse_absurd_ranges_and_rates():
    with pytest.raises(
        KijkoCutError, match=r"cannot render 25:00:00 of frames: a render covers at most 24 h"
    ):
        check_render_range(Fraction(-3600), Fraction(86_400), Fraction(30))
    with pytest.raises(KijkoCutError, match=r"cannot render at 1e-09 fps"):
        check_render_range(Fraction(0), Fraction(2), Fraction(1, 10**9))
    with pytest.raises(ValidationError, match="1000000 fps is outside 1..240"):
        ExportSettings(frame_rate=1_000_000)
    with pytest.raises(ValueError, match="the 24 h limit"):
        to_time(10**12)  # render_frame's time


def test_nesting_scans_agree_with_the_parser():
    samples = ["1", "[]", '{"a": [1, {"b": "[[[["}]}', '"\\\\"', '["\\"]]]", [[]]]', '{"k\\\\": [[{}]]}']
    for text in samples:
        parsed = json.loads(text)
        depth = text_depth(text)
        assert not nested_deeper_than(parsed, depth)
        assert depth == 0 or nested_deeper_than(parsed, depth - 1)


@pytest.mark.parametrize("case", ["tiny frame rate", "long duration", "enormous start", "huge frame rate"])
def test_the_cli_refuses_hostile_files_at_once(tmp_path, case):
    """Before the limits these rendered forever or asked for 349 TiB; now the CLI exits with the message."""
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE[case][0]))
    done = subprocess.run(
        [sys.executable, "-m", "kijkocut.cli", "render", str(path), "-o", str(tmp_path / "o.mp4")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and HOSTILE[case][1] in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "o.mp4").exists()


def test_media_longer_than_a_timeline_is_a_clear_media_error(tmp_path):
    """26 frames an hour apart: 12 KB that declare 25 hours."""
    path = tmp_path / "long.mkv"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=1)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        stream.codec_context.time_base = Fraction(1)
        for hour in range(26):
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
            frame.pts, frame.time_base = hour * 3600, Fraction(1)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with pytest.raises(MediaError, match=r"long.mkv: 25:00:0\d long; media may be at most 24 h"):
        probe_media(path)


def test_deep_otio_files_are_refused_before_otios_reader(tmp_path):
    """OTIO's C++ JSON reader crashed the whole process (SIGSEGV) on deep nesting: run in a child process so
    that a regression fails this test instead of killing the test run."""
    pytest.importorskip("opentimelineio")
    path = tmp_path / "deep.otio"
    path.write_text('{"OTIO_SCHEMA": "Timeline.1", "name": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code = (
        "import sys\nfrom kijkocut.interchange.otio import import_otio\n"
        "try:\n    import_otio(sys.argv[1])\nexcept Exception as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert (
        done.stdout.strip()
        == f"{path}: the timeline is nested too deeply (limit {limits.MAX_JSON_DEPTH} levels)"
    )
