"""The project file's text, assembled from pieces kept between saves.

Serializing a whole project on every save made the save most of an edit's time on a long timeline (500 titles
and their history: 7 ms of 15). Here each element, transition, media reference, marker and history entry is
serialized once per object, and the file is assembled around the live project's structure. The editor applies
an edit by putting new objects in place of the ones it changes, so a save after a small edit serializes only
those. A piece is reused only for the same object whose fields still hold the same values (compared by
identity: a field assigned in place is noticed). With KIJKOCUT_CHECK_SAVES set, as the test suite sets it, every
save is also compared with a full serialization.

The document is `project_to_json`'s, laid out with one entity per line (a moved clip changes one line)."""

from __future__ import annotations

import json
import os
import weakref

from pydantic import BaseModel

from kijkocut.model import Project

# id(object) -> (identities of its field values when serialized, its JSON); dropped with the object.
_pieces: dict[int, tuple[tuple[int, ...], str]] = {}


def _piece(model: BaseModel) -> str:
    key = id(model)
    stamp = tuple(map(id, model.__dict__.values()))
    known = _pieces.get(key)
    if known is not None and known[0] == stamp:
        return known[1]
    text = model.model_dump_json(by_alias=True)
    if known is None:
        weakref.finalize(model, _pieces.pop, key, None)
    _pieces[key] = (stamp, text)
    return text


def _lines(pieces: list[str], indent: str) -> str:
    """JSON array or object members, one per line, closed on a line of their own."""
    return "".join(f"\n{indent}  {piece}," for piece in pieces)[:-1] + f"\n{indent}"


def project_text(project: Project) -> str:
    head = project.model_dump_json(by_alias=True, indent=2, exclude={"media", "tracks", "markers", "history"})
    media = [f"{json.dumps(media_id)}: {_piece(ref)}" for media_id, ref in project.media.items()]
    tracks = []
    for track in project.tracks:
        header = track.model_dump_json(by_alias=True, exclude={"elements", "transitions"})
        elements = _lines([_piece(e) for e in track.elements], "    ")
        transitions = _lines([_piece(t) for t in track.transitions], "    ")
        tracks.append(f'{header[:-1]}, "elements": [{elements}], "transitions": [{transitions}]}}')
    history = project.history
    done = _lines([_piece(entry) for entry in history.done], "    ")
    undone = _lines([_piece(entry) for entry in history.undone], "    ")
    text = (
        f"{head[:-2]},\n"  # `head` is a JSON object ending in "\n}"
        f'  "media": {{{_lines(media, "  ")}}},\n'
        f'  "tracks": [{_lines(tracks, "  ")}],\n'
        f'  "markers": [{_lines([_piece(m) for m in project.markers], "  ")}],\n'
        f'  "history": {{\n    "done": [{done}],\n    "undone": [{undone}]\n  }}\n}}'
    )
    if os.environ.get("KIJKOCUT_CHECK_SAVES"):
        _check(project, text)
    return text


def _check(project: Project, text: str) -> None:
    full = json.loads(project.model_dump_json(by_alias=True))
    if json.loads(text) != full:
        raise AssertionError(
            "the project file assembled from pieces differs from the project: an entity was changed in "
            "place instead of replaced"
        )
