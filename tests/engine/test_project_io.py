import json
import os
from fractions import Fraction

import pytest

from kijkocut.errors import ProjectFormatError, ProjectValidationError
from kijkocut.model import FORMAT_VERSION, ClipElement, Project, TextElement, Track, Transition
from kijkocut.project_io import (
    atomic_write_bytes,
    load_project,
    project_from_dict,
    project_from_json,
    project_to_dict,
    project_to_json,
    save_project,
)


@pytest.fixture
def project(make_ref):
    project = Project(name="Round trip")
    project.settings.frame_rate = Fraction(30000, 1001)
    project.media["a"] = make_ref("a", duration="20")
    project.tracks = [
        Track(
            id="v1",
            kind="video",
            elements=[
                ClipElement(
                    id="c1", media_id="a", start=0, duration=Fraction(1001, 300), source_in=Fraction(1, 3)
                ),
                ClipElement(id="c2", media_id="a", start=Fraction(1001, 300), duration=2, source_in=5),
            ],
            transitions=[Transition(id="x1", from_id="c1", to_id="c2", duration=Fraction(1, 2))],
        ),
        Track(
            id="t1", kind="text", elements=[TextElement(id="title", text="Hi ✓ 你好", start=0, duration=3)]
        ),
    ]
    return project


def test_json_round_trip_is_exact(project):
    text = project_to_json(project)
    doc = json.loads(text)
    assert doc["schema"] == "kijkocut.project" and doc["version"] == FORMAT_VERSION
    assert doc["settings"]["frame_rate"] == "30000/1001"
    assert doc["tracks"][0]["elements"][0]["duration"] == "1001/300"
    again = project_from_json(text)
    assert again == project
    assert project_to_json(again) == text


def test_save_and_load(tmp_path, project):
    path = tmp_path / "p.json"
    save_project(project, path)
    assert load_project(path) == project
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]  # no temp file left behind


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    path.write_text("old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        atomic_write_bytes(path, b"new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]


def test_version_0_is_migrated(make_ref):
    legacy = {
        "version": 0,
        "name": "prototype",
        "settings": {"width": 1280, "height": 720, "fps": 29.97},
        "media": {"a": make_ref("a").model_dump(mode="json")},
        "tracks": [
            {
                "id": "v",
                "type": "video",
                "elements": [{"id": "e", "type": "clip", "media_id": "a", "start": 0.5, "duration": 2.25}],
            }
        ],
    }
    project = project_from_dict(legacy)
    assert project.version == FORMAT_VERSION
    assert project.settings.frame_rate == Fraction(30000, 1001)
    element = project.tracks[0].elements[0]
    assert element.kind == "clip" and element.start == Fraction(1, 2) and element.duration == Fraction(9, 4)


def test_malformed_file_names_the_field(project):
    doc = project_to_dict(project)
    doc["tracks"][0]["elements"][1]["start"] = "soon"
    with pytest.raises(ProjectFormatError, match=r"tracks\[0\]\.elements\[1\]\.clip\.start"):
        project_from_dict(doc)
    doc = project_to_dict(project)
    doc["settings"]["width"] = 1921
    with pytest.raises(ProjectFormatError, match=r"settings\.width: .*even"):
        project_from_dict(doc)


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"schema": "other", "version": 1}', "schema"),
        ('{"schema": "kijkocut.project", "version": 99}', "newer KijkoCut"),
    ],
)
def test_unreadable_documents(text, message):
    with pytest.raises(ProjectFormatError, match=message):
        project_from_json(text)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProjectFormatError, match="cannot read project file"):
        load_project(tmp_path / "missing.json")


def test_invalid_timeline_is_rejected_on_load_but_loadable_for_repair(project):
    doc = project_to_dict(project)
    doc["tracks"][0]["elements"][1]["start"] = "1"  # now overlaps c1
    with pytest.raises(ProjectValidationError, match="c1 and c2 overlap"):
        project_from_dict(doc)
    repaired = project_from_dict(doc, validate=False)
    assert repaired.tracks[0].elements[1].start == 1


def test_malformed_old_version_is_a_format_error():
    with pytest.raises(ProjectFormatError, match="cannot migrate a version 0 project"):
        project_from_dict({"version": 0, "tracks": "nope"})


def test_version_3_transitions_use_media_and_holding_ones_save_as_version_4(make_ref, monkeypatch):
    project = Project()
    project.media["a"] = make_ref("a", duration="10")
    project.tracks = [
        Track(
            id="v1",
            kind="video",
            elements=[
                ClipElement(id="c1", media_id="a", start=0, duration=2, source_in=1),
                ClipElement(id="c2", media_id="a", start=2, duration=2, source_in=5),
            ],
            transitions=[Transition(id="x", from_id="c1", to_id="c2", duration=1)],
        )
    ]
    doc = project_to_dict(project)
    del doc["tracks"][0]["transitions"][0]["handles"]
    doc["version"] = 3
    assert project_from_dict(doc).tracks[0].transitions[0].handles == "media"
    project.tracks[0].transitions[0].handles = "hold"
    saved = project_to_dict(project)
    assert (
        saved["version"] == FORMAT_VERSION == 4 and saved["tracks"][0]["transitions"][0]["handles"] == "hold"
    )
    monkeypatch.setattr("kijkocut.project_io.FORMAT_VERSION", 3)  # a reader from before holding transitions
    with pytest.raises(ProjectFormatError, match="written by a newer KijkoCut"):
        project_from_dict(saved)


def test_project_file_is_the_project_document_with_history_entries_serialized_once(project):
    """The save path writes each history entry's JSON once in its life; the file must still be exactly the
    document `project_to_json` describes, through edits, undo (an entry moving to the redo list) and redo."""
    from kijkocut.edit.editor import Editor
    from kijkocut.project_io import project_file_bytes

    editor = Editor(project)

    def same_document() -> None:
        data = project_file_bytes(project)
        assert json.loads(data) == json.loads(project_to_json(project))
        assert project_from_json(data) == project

    same_document()  # empty history
    editor.apply({"op": "move_element", "element_id": "title", "start": "1"})
    editor.apply({"op": "set_properties", "element_id": "title", "properties": {"text": "Bye"}})
    same_document()
    editor.undo()
    same_document()
    assert (
        json.loads(project_file_bytes(project))["history"]["undone"][0]["label"]
        == editor.project.history.undone[0].label
    )
    editor.redo()
    editor.apply({"op": "move_element", "element_id": "title", "start": "2"})
    same_document()
    with pytest.raises(ValueError):  # frozen: a recorded entry cannot change under its cached JSON
        project.history.done[0].label = "changed"


def test_project_file_reuses_pieces_only_for_unchanged_entities(project):
    from kijkocut.project_io import project_file_bytes

    project_file_bytes(project)  # every piece made once
    title = project.tracks[1].elements[0]
    title.text = "Assigned in place"  # not through the editor: the field's new value is noticed
    assert json.loads(project_file_bytes(project))["tracks"][1]["elements"][0]["text"] == "Assigned in place"
    clip = project.tracks[0].elements[0]
    clip.transform.x = 123.0  # a nested model changed in place is not: the check the tests run catches it
    with pytest.raises(AssertionError, match="changed in place"):
        project_file_bytes(project)
