"""Primitive mutations of a scratch project used by commands: clearing a range (overwrite), opening a gap
(insert), splitting, shifting. They mutate the working copy; the editor diffs it afterwards."""

from __future__ import annotations

from fractions import Fraction

from kijkocut.errors import EditError
from kijkocut.model import AdjustmentElement, ClipElement, Project, TextElement, Track, new_id

AnyElement = ClipElement | TextElement | AdjustmentElement


def _media_offset(element: AnyElement, timeline_delta: Fraction) -> Fraction:
    """How far the media range moves when `timeline_delta` seconds are cut from the front of a clip."""
    if not isinstance(element, ClipElement) or element.freeze_frame:
        return Fraction(0)
    return timeline_delta * Fraction(element.speed).limit_denominator(10**6)


def require_unlocked(track: Track) -> None:
    if track.locked:
        raise EditError(f"track {track.id} ({track.name or track.kind}) is locked")


def set_elements(track: Track, elements: list[AnyElement]) -> None:
    # Slice assignment keeps pydantic from re-validating the whole list on every edit.
    track.elements[:] = sorted(elements, key=lambda e: e.start)


def drop_transitions(track: Track, element_id: str, *, edge: str = "both") -> None:
    """Remove transitions at an element's start edge ("start"), end edge ("end") or both."""

    def touches(transition) -> bool:
        at_end = transition.from_id == element_id
        at_start = transition.to_id == element_id
        return {"start": at_start, "end": at_end, "both": at_start or at_end}[edge]

    track.transitions = [x for x in track.transitions if not touches(x)]


def split_piece(element: AnyElement, at: Fraction) -> tuple[AnyElement, AnyElement]:
    """Two elements that together show exactly what `element` showed; the right one gets a new id."""
    if not element.start < at < element.end:
        raise EditError(
            f"cannot split {element.id} at {float(at):.3f} s: outside "
            f"{float(element.start):.3f}–{float(element.end):.3f} s"
        )
    left_update: dict[str, object] = {"duration": at - element.start, "fade_out": Fraction(0)}
    right_update = {
        "id": new_id(element.kind),
        "start": at,
        "duration": element.end - at,
        "fade_in": Fraction(0),
    }
    if isinstance(element, ClipElement):
        if element.reverse:  # the left piece shows the later media
            left_update["source_in"] = element.source_in + _media_offset(element, element.end - at)
        else:
            right_update["source_in"] = element.source_in + _media_offset(element, at - element.start)
    left = element.model_copy(update=left_update, deep=True)
    right = element.model_copy(update=right_update, deep=True)
    left.fade_in = min(left.fade_in, left.duration)
    right.fade_out = min(right.fade_out, right.duration)
    return left, right


def split_in_track(track: Track, element_id: str, at: Fraction) -> tuple[AnyElement, AnyElement]:
    element = next(e for e in track.elements if e.id == element_id)
    left, right = split_piece(element, at)
    set_elements(track, [e for e in track.elements if e.id != element_id] + [left, right])
    for transition in track.transitions:
        if transition.from_id == element_id:  # the outgoing edge now belongs to the right piece
            transition.from_id = right.id
    return left, right


def trim_start(element: AnyElement, new_start: Fraction) -> None:
    delta = new_start - element.start
    if isinstance(element, ClipElement) and not element.reverse:
        element.source_in = element.source_in + _media_offset(element, delta)
    element.start = new_start
    element.duration = element.duration - delta
    element.fade_in = min(element.fade_in, element.duration)


def trim_end(element: AnyElement, new_end: Fraction) -> None:
    if isinstance(element, ClipElement) and element.reverse:  # the end of a reversed clip is its media start
        element.source_in = element.source_in + _media_offset(element, element.end - new_end)
    element.duration = new_end - element.start
    element.fade_out = min(element.fade_out, element.duration)


def clear_range(track: Track, start: Fraction, end: Fraction, *, keep_id: str | None = None) -> None:
    """Overwrite semantics: make [start, end) empty on the track, trimming, splitting or removing whatever
    lies there. Transitions at edges that move are dropped, since their cut no longer exists."""
    for element in list(track.elements):
        if element.id == keep_id or element.end <= start or element.start >= end:
            continue
        if element.start < start and element.end > end:
            _, right = split_in_track(track, element.id, end)
            left = next(e for e in track.elements if e.id == element.id)
            trim_end(left, start)
            drop_transitions(track, element.id, edge="end")
            drop_transitions(track, right.id, edge="start")
        elif element.start < start:
            trim_end(element, start)
            drop_transitions(track, element.id, edge="end")
        elif element.end > end:
            trim_start(element, end)
            drop_transitions(track, element.id, edge="start")
        else:
            drop_transitions(track, element.id)
            track.elements = [e for e in track.elements if e.id != element.id]
    set_elements(track, list(track.elements))


def open_gap(track: Track, at: Fraction, length: Fraction, *, keep_id: str | None = None) -> None:
    """Insert semantics: push everything at or after `at` right by `length`, splitting a straddling element."""
    for element in list(track.elements):
        if element.id != keep_id and element.start < at < element.end:
            split_in_track(track, element.id, at)
            drop_transitions(track, element.id, edge="end")
    for element in track.elements:
        if element.id != keep_id and element.start >= at:
            element.start = element.start + length
    set_elements(track, list(track.elements))


def close_gap(track: Track, at: Fraction, length: Fraction) -> None:
    """Ripple: pull everything at or after `at` left by `length`."""
    for element in track.elements:
        if element.start >= at:
            element.start = element.start - length
    set_elements(track, list(track.elements))


def tracks_for_ripple(project: Project, track: Track, all_tracks: bool) -> list[Track]:
    if not all_tracks:
        return [track]
    return [track] + [t for t in project.tracks if t.id != track.id and not t.locked]
