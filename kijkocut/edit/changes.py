"""Entity-level differences between two projects, and applying them. Undo and redo are just `apply_changes`
with the changes inverted or not, so no command needs hand-written undo logic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter

from kijkocut.errors import EditError
from kijkocut.model import Change, Element, Marker, MediaRef, Project, ProjectSettings, Track, Transition

_element_adapter: TypeAdapter[Any] = TypeAdapter(Element)
_TRACK_HEADER = {"elements", "transitions"}


def _dump(model) -> dict:
    return model.model_dump(mode="json")


def _track_header(track: Track) -> dict:
    return track.model_dump(mode="json", exclude=_TRACK_HEADER)


def diff_projects(old: Project, new: Project) -> list[Change]:
    """Changes that turn `old` into `new`, ordered so that applying them in order (or inverted, in reverse
    order) never references a track that does not exist yet."""
    track_adds: list[Change] = []
    removals: list[Change] = []
    updates: list[Change] = []
    additions: list[Change] = []
    track_removals: list[Change] = []
    tail: list[Change] = []
    if old.name != new.name:
        tail.append(Change(entity="name", id="name", before=old.name, after=new.name))
    if old.settings != new.settings:
        tail.append(
            Change(entity="settings", id="settings", before=_dump(old.settings), after=_dump(new.settings))
        )

    _diff_keyed(old.media, new.media, "media", removals, updates, additions)
    _diff_keyed(
        {m.id: m for m in old.markers}, {m.id: m for m in new.markers}, "marker", removals, updates, additions
    )

    old_tracks, new_tracks = {t.id: t for t in old.tracks}, {t.id: t for t in new.tracks}
    for track_id, track in new_tracks.items():
        if track_id not in old_tracks:
            track_adds.append(Change(entity="track", id=track_id, after=_track_header(track)))
        elif _track_header(old_tracks[track_id]) != _track_header(track):
            updates.append(
                Change(
                    entity="track",
                    id=track_id,
                    before=_track_header(old_tracks[track_id]),
                    after=_track_header(track),
                )
            )
    for track_id, track in old_tracks.items():
        if track_id not in new_tracks:
            track_removals.append(Change(entity="track", id=track_id, before=_track_header(track)))

    for entity, field in (("element", "elements"), ("transition", "transitions")):
        old_items = {item.id: (t.id, item) for t in old.tracks for item in getattr(t, field)}
        new_items = {item.id: (t.id, item) for t in new.tracks for item in getattr(t, field)}
        for item_id, (track_id, item) in old_items.items():
            moved = item_id in new_items and new_items[item_id][0] != track_id
            if item_id not in new_items or moved:
                removals.append(Change(entity=entity, id=item_id, track_id=track_id, before=_dump(item)))
        for item_id, (track_id, item) in new_items.items():
            previous = old_items.get(item_id)
            if previous is None or previous[0] != track_id:
                additions.append(Change(entity=entity, id=item_id, track_id=track_id, after=_dump(item)))
            elif previous[1] != item:
                updates.append(
                    Change(
                        entity=entity,
                        id=item_id,
                        track_id=track_id,
                        before=_dump(previous[1]),
                        after=_dump(item),
                    )
                )

    old_order, new_order = [t.id for t in old.tracks], [t.id for t in new.tracks]
    if old_order != new_order:
        tail.append(Change(entity="track_order", id="track_order", before=old_order, after=new_order))
    # Transitions refer to elements: remove transitions before elements, add them after.
    removals.sort(key=lambda c: c.entity != "transition")
    additions.sort(key=lambda c: c.entity == "transition")
    return track_adds + removals + updates + additions + track_removals + tail


def _diff_keyed(old: dict, new: dict, entity: str, removals: list, updates: list, additions: list) -> None:
    for key, item in old.items():
        if key not in new:
            removals.append(Change(entity=entity, id=key, before=_dump(item)))
        elif new[key] != item:
            updates.append(Change(entity=entity, id=key, before=_dump(item), after=_dump(new[key])))
    for key, item in new.items():
        if key not in old:
            additions.append(Change(entity=entity, id=key, after=_dump(item)))


class _ElementEdits:
    """A track's element changes, gathered and then applied in one pass: removing each element by a scan of
    the list made a bulk edit (a caption import, its undo) quadratic. Each element id is either dropped or
    replaced by its latest state, exactly as applying the changes one by one would leave it."""

    def __init__(self, track: Track, known: Mapping[str, Any]):
        self.track = track
        self.known = known
        self.removed: set[str] = set()
        self.added: dict[str, Any] = {}

    def record(self, element_id: str, after: dict | None) -> None:
        self.removed.add(element_id)
        self.added.pop(element_id, None)
        if after is not None:
            known = self.known.get(element_id)
            self.added[element_id] = known if known is not None else _element_adapter.validate_python(after)

    def flush(self) -> None:
        # In-place list edit: assigning a new list would re-validate every element of the track.
        kept = [e for e in self.track.elements if e.id not in self.removed]
        self.track.elements[:] = sorted([*kept, *self.added.values()], key=lambda e: e.start)


def apply_changes(project: Project, changes: list[Change], elements: Mapping[str, Any] | None = None) -> None:
    """Apply changes in order. The track order is applied last so that it can name re-added tracks; element
    changes are gathered per track and applied in one pass each (bulk edits such as caption imports stay
    linear). `elements`: the changed elements as validated objects already (the editor's working copy after
    a command), taken instead of validating each `after` again; undo and redo validate what they read."""
    order = None
    touched: dict[str, _ElementEdits] = {}
    for change in changes:
        if change.entity == "track_order":
            order = _track_order(change)
            continue
        _apply_one(project, change, touched, elements or {})
    for edits in touched.values():
        edits.flush()
    if order is not None:
        position = {track_id: i for i, track_id in enumerate(order)}
        project.tracks = sorted(project.tracks, key=lambda t: position.get(t.id, len(position)))


def invert_changes(changes: list[Change]) -> list[Change]:
    return [change.inverted() for change in reversed(changes)]


def _apply_one(
    project: Project, change: Change, touched: dict[str, _ElementEdits], elements: Mapping[str, Any]
) -> None:
    if change.entity == "name":
        project.name = _name(change)
        return
    after = _fields(change)
    if change.entity == "settings":
        project.settings = ProjectSettings.model_validate(after)
    elif change.entity == "media":
        if after is None:
            project.media.pop(change.id, None)
        else:
            project.media[change.id] = MediaRef.model_validate(after)
    elif change.entity == "marker":
        markers = [m for m in project.markers if m.id != change.id]
        if after is not None:
            markers.append(Marker.model_validate(after))
        project.markers = sorted(markers, key=lambda m: m.time)
    elif change.entity == "track":
        _apply_track(project, change)
    elif change.entity == "element":
        track_id = _track_of(change)
        if track_id not in touched:
            touched[track_id] = _ElementEdits(project.track(track_id), elements)
        touched[track_id].record(change.id, after)
    elif change.entity == "transition":
        track = project.track(_track_of(change))
        _remove_by_id(track.transitions, change.id)
        if after is not None:
            track.transitions.append(Transition.model_validate(after))


def _apply_track(project: Project, change: Change) -> None:
    existing = next((t for t in project.tracks if t.id == change.id), None)
    header = _fields(change)
    if header is None:
        project.tracks = [t for t in project.tracks if t.id != change.id]
    elif existing is None:
        project.tracks = [
            *project.tracks,
            Track.model_validate({**header, "elements": [], "transitions": []}),
        ]
    else:
        for key, value in header.items():
            setattr(existing, key, value)


# A change's `after` has the shape of its entity; a project file's history could hold anything else.


def _fields(change: Change) -> dict | None:
    if change.after is None or isinstance(change.after, dict):
        return change.after
    raise EditError(f"history: the {change.entity} change of {change.id!r} is not an object")


def _name(change: Change) -> str:
    if isinstance(change.after, str):
        return change.after
    raise EditError("history: a project name change is not a text")


def _track_order(change: Change) -> list[str]:
    if isinstance(change.after, list):
        return change.after
    raise EditError("history: a track order change is not a list of track ids")


def _track_of(change: Change) -> str:
    if change.track_id is None:
        raise EditError(f"history: the {change.entity} change of {change.id!r} names no track")
    return change.track_id


def _remove_by_id(items: list, item_id: str) -> None:
    for index, item in enumerate(items):
        if item.id == item_id:
            del items[index]
            return
