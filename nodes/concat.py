"""Concatenating timelines: B's media, tracks, elements and transitions appended after A (plus a gap),
through the engine's edit commands so the result is validated like any other edit.

Tracks are matched by id when the kinds agree, else the n-th track of a kind in B goes to the n-th track of
that kind in A, else a new track is added. Ids that collide with A's get a numeric suffix."""

from __future__ import annotations

import os
from fractions import Fraction

from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition, Command
from kijkocut.errors import EditError
from kijkocut.model import Project, Track
from kijkocut.project_io import resolve_media_path

from .timeline_value import TimelineValue


def _fresh(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}_{number}", number + 1
    taken.add(candidate)
    return candidate


def _match_tracks(a: Project, b: Project, taken_ids: set[str]) -> tuple[dict[str, str], list[Command]]:
    mapping: dict[str, str] = {}
    commands: list[Command] = []
    a_by_id = {t.id: t for t in a.tracks}
    used: set[str] = set()
    pending: list[Track] = []
    for track in b.tracks:
        same = a_by_id.get(track.id)
        if same is not None and same.kind == track.kind:
            mapping[track.id] = same.id
            used.add(same.id)
        else:
            pending.append(track)
    for track in pending:
        free = [t for t in a.tracks if t.kind == track.kind and t.id not in used]
        if free:
            mapping[track.id] = free[0].id
            used.add(free[0].id)
        else:
            new_id = _fresh(track.id, taken_ids)
            commands.append(AddTrack(kind=track.kind, track_id=new_id, name=track.name or new_id))
            mapping[track.id] = new_id
    return mapping, commands


def concatenate(a: TimelineValue, b: TimelineValue, gap: Fraction = Fraction(0)) -> TimelineValue:
    if gap < 0:
        raise EditError(f"gap must not be negative, got {float(gap):.3f} s")
    first, second = a.project, b.project
    offset = first.duration() + gap
    taken = {t.id for t in first.tracks} | {e.id for t in first.tracks for e in t.elements} \
        | {x.id for t in first.tracks for x in t.transitions}
    commands: list[Command] = []

    media_ids: dict[str, str] = {}
    taken_media = set(first.media)
    for media_id, ref in second.media.items():
        # B's relative paths are relative to B's folder; make them absolute before they join A.
        path = str(resolve_media_path(ref.path, b.project_dir)) if b.project_dir else ref.path
        existing = first.media.get(media_id)
        if existing is not None and str(resolve_media_path(existing.path, a.project_dir)) == os.fspath(path) \
                and existing.content_hash == ref.content_hash:
            media_ids[media_id] = media_id
            continue
        new_id = _fresh(media_id, taken_media)
        media_ids[media_id] = new_id
        commands.append(AddMedia(media=ref.model_copy(update={"id": new_id, "path": path})))

    track_ids, track_commands = _match_tracks(first, second, taken)
    commands += track_commands
    element_ids: dict[str, str] = {}
    for track in second.tracks:
        for element in track.elements:
            new_id = _fresh(element.id, taken)
            element_ids[element.id] = new_id
            update: dict = {"id": new_id, "start": element.start + offset}
            if element.kind == "clip":
                update["media_id"] = media_ids[element.media_id]
            commands.append(AddElement(track_id=track_ids[track.id], element=element.model_copy(update=update),
                                       mode="strict"))
    for track in second.tracks:
        for transition in track.transitions:
            commands.append(AddTransition(
                from_id=element_ids[transition.from_id], to_id=element_ids[transition.to_id],
                kind=transition.kind, duration=transition.duration, alignment=transition.alignment,
                transition_id=_fresh(transition.id, taken)))
    result, _ = a.edited(*commands)
    return result
