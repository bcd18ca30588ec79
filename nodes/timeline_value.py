"""The value carried by the KIJKOCUT_TIMELINE socket: the engine's project (media references and edit
decisions, never decoded frames) plus the folder relative media paths resolve against.

Node outputs are cached and shared between downstream nodes, so a value is never edited in place: every edit
returns a new value with its own copy of the project."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kijkocut.edit import Editor, EditResult
from kijkocut.edit.commands import AddTrack, Command
from kijkocut.errors import EditError
from kijkocut.model import ClipElement, Project, TextElement, Track, TrackKind
from kijkocut.timebase import to_fraction

# Which existing track kinds accept an element meant for a track of the given kind.
_FITS: dict[str, set[str]] = {"video": {"video", "overlay"}, "overlay": {"video", "overlay"},
                              "audio": {"audio"}, "text": {"text", "overlay"}}


@dataclass(frozen=True)
class TimelineValue:
    project: Project
    project_dir: str | None = None

    def copy(self) -> TimelineValue:
        return TimelineValue(self.project.model_copy(deep=True), self.project_dir)

    def edited(self, *commands: Command | dict) -> tuple[TimelineValue, list[EditResult]]:
        result = self.copy()
        editor = Editor(result.project)
        return result, [editor.apply(command) for command in commands]


def seconds_arg(value: float | int | str | Fraction, name: str) -> Fraction:
    """A node's float seconds as an exact time (floats are read by their shortest repr: 0.1 is 1/10)."""
    try:
        return to_fraction(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def track_commands(project: Project, track_id: str, kind: TrackKind) -> list[Command]:
    """The command that creates `track_id` when missing; an existing track of another kind is an error."""
    track_id = track_id.strip()
    if not track_id:
        raise EditError("a track id is required (for example 'V1', 'A1' or 'T1')")
    for track in project.tracks:
        if track.id == track_id:
            if track.kind not in _FITS[kind]:
                raise EditError(f"track {track_id!r} is a {track.kind} track; a {kind} element cannot go there")
            return []
    return [AddTrack(kind=kind, track_id=track_id, name=track_id)]


def unused_element_id(project: Project, prefix: str) -> str:
    """Readable, deterministic ids ("V1_1", "V1_2", ...) so workflows can refer to elements they add."""
    taken = {e.id for t in project.tracks for e in t.elements}
    number = 1
    while f"{prefix}_{number}" in taken:
        number += 1
    return f"{prefix}_{number}"


def find_track(project: Project, track_id: str) -> Track:
    for track in project.tracks:
        if track.id == track_id:
            return track
    known = ", ".join(t.id for t in project.tracks) or "none"
    raise EditError(f"unknown track {track_id!r} (tracks: {known})")


def element_at(project: Project, track_id: str, t: Fraction) -> ClipElement | TextElement:
    """The element on `track_id` covering time t (start <= t < end)."""
    track = find_track(project, track_id)
    for element in track.elements:
        if element.start <= t < element.end:
            return element
    raise EditError(f"no element on track {track_id!r} at {float(t):.3f} s")


def elements_at(project: Project, t: Fraction, track_id: str = "") -> list[ClipElement | TextElement]:
    """Elements strictly containing t (a split point), on one track or on every track."""
    tracks = [find_track(project, track_id)] if track_id else project.tracks
    return [e for track in tracks for e in track.elements if e.start < t < e.end]


def find_cut(project: Project, track_id: str, t: Fraction) -> tuple[str, str]:
    """The (from, to) element ids of the cut on `track_id` nearest to t, within one frame."""
    track = find_track(project, track_id)
    ordered = sorted(track.elements, key=lambda e: e.start)
    cuts = [(left, right) for left, right in zip(ordered, ordered[1:]) if left.end == right.start]
    tolerance = 1 / project.settings.frame_rate
    near = [(abs(left.end - t), left.id, right.id) for left, right in cuts if abs(left.end - t) <= tolerance]
    if not near:
        listed = ", ".join(f"{float(left.end):.3f} s" for left, _ in cuts) or "none"
        raise EditError(f"no cut between two touching elements on track {track_id!r} near {float(t):.3f} s "
                        f"(cuts on that track: {listed})")
    _, from_id, to_id = min(near)
    return from_id, to_id
