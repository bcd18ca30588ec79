"""Finding things in a project the way users name them: tracks by id (created on demand where the user named a
new one), which track kinds accept which element, elements by id, 'last' or track and time, cuts near a time,
and default lengths. Pure functions over the model; every miss is a NotFoundError listing what exists."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Literal

from kijkocut.edit.commands import AddTrack, Command
from kijkocut.model import ClipElement, MediaRef, Project, Track, TrackKind, Transition, new_id
from kijkocut.service.errors import NotFoundError, ServiceError

ElementKind = Literal["picture", "audio", "text", "adjustment"]

# The track kinds that accept each kind of element, the first being the kind of a track created for it.
TRACKS_FOR: dict[ElementKind, tuple[TrackKind, ...]] = {
    "picture": ("video", "overlay"),
    "audio": ("audio",),
    "text": ("text", "overlay"),
    "adjustment": ("adjustment",),
}
STILL_SECONDS = Fraction(5)  # a still image on the timeline, unless a duration is given
LAST = "last"


def media_element_kind(media: MediaRef) -> ElementKind:
    return "audio" if media.info.kind == "audio" else "picture"


def track_list(project: Project) -> str:
    return ", ".join(f"{t.id} ({t.kind})" for t in project.tracks) or "none yet"


def find_track(project: Project, track_id: str) -> Track:
    for track in project.tracks:
        if track.id == track_id:
            return track
    raise NotFoundError(f"unknown track {track_id!r}; tracks: {track_list(project)}")


def target_track(
    project: Project,
    element: ElementKind,
    track_id: str | None,
    pending: list[Command],
    *,
    create: bool = False,
    new_track: bool = False,
    kind: TrackKind | None = None,
) -> str:
    """The track an element goes on: `track_id` when given (created when missing and `create` is set, as a
    ComfyUI graph names tracks 'V1', 'T1'); with `new_track`, a new track on top; otherwise the first track of
    a fitting kind, else a new one. A track created here is of `kind` when given (an overlay for a
    picture-in-picture clip), else the element's usual kind. Tracks to create are appended to `pending` (same
    undo step)."""
    kinds = TRACKS_FOR[element]
    if kind is not None and kind not in kinds:
        raise ServiceError(f"a {element} element goes on a {' or '.join(kinds)} track, not on a {kind} track")
    if new_track:
        if track_id:
            raise ServiceError("give a track or ask for a new track, not both")
        new_kind: TrackKind = kind or kinds[0]
        if kind is None and element == "picture" and any(t.kind == "video" for t in project.tracks):
            new_kind = "overlay"
        return _create(project, new_kind, None, pending)
    if track_id:
        track = next((t for t in project.tracks if t.id == track_id), None)
        if track is None:
            created = next((c for c in pending if isinstance(c, AddTrack) and c.track_id == track_id), None)
            if created is not None:
                return track_id
            if not create:
                raise NotFoundError(f"unknown track {track_id!r}; tracks: {track_list(project)}")
            return _create(project, kind or kinds[0], track_id, pending)
        if track.kind not in kinds:
            raise ServiceError(
                f"track {track_id} is a {track.kind} track; a {element} element goes on a "
                f"{' or '.join(kinds)} track"
            )
        return track.id
    existing = next((t for t in project.tracks if t.kind in kinds), None)
    return existing.id if existing else _create(project, kind or kinds[0], None, pending)


def _create(project: Project, kind: TrackKind, track_id: str | None, pending: list[Command]) -> str:
    command = AddTrack(kind=kind, track_id=track_id or new_id("trk"), name=track_id or "")
    pending.append(command)
    return command.track_id or ""


def track_end(project: Project, track_id: str) -> Fraction:
    """Where appending to a track starts (0 for a track still to be created)."""
    track = next((t for t in project.tracks if t.id == track_id), None)
    return max((e.end for e in track.elements), default=Fraction(0)) if track else Fraction(0)


def unused_element_id(project: Project, prefix: str) -> str:
    """Readable, deterministic ids ("V1_1", "V1_2", ...) so a graph or a script can refer to what it added."""
    taken = {e.id for t in project.tracks for e in t.elements}
    number = 1
    while f"{prefix}_{number}" in taken:
        number += 1
    return f"{prefix}_{number}"


def element(project: Project, element_id: str):
    try:
        return project.element(element_id)
    except KeyError:
        raise NotFoundError(f"unknown element {element_id!r}; the project view lists the elements") from None


def transition(project: Project, transition_id: str) -> tuple[Track, Transition]:
    for track in project.tracks:
        for candidate in track.transitions:
            if candidate.id == transition_id:
                return track, candidate
    known = ", ".join(x.id for t in project.tracks for x in t.transitions) or "none yet"
    raise NotFoundError(f"unknown transition {transition_id!r}; transitions: {known}")


def last_added(project: Project) -> str:
    """The newest element the history added that still exists (clips, titles, freeze frames...)."""
    existing = {e.id for t in project.tracks for e in t.elements}
    for entry in reversed(project.history.done):
        added = [
            c.id for c in entry.changes if c.entity == "element" and c.before is None and c.id in existing
        ]
        if added:
            return added[-1]
    raise NotFoundError(
        "no element has been added to this timeline yet: name an element, or pick one by track and time"
    )


def resolve_element(
    project: Project, element_id: str | None, track_id: str | None = None, at: Fraction | None = None
) -> str:
    """An element id, 'last' for the newest, or (no id) the element on `track_id` covering time `at`."""
    wanted = (element_id or "").strip()
    if wanted.lower() == LAST:
        return last_added(project)
    if wanted:
        return element(project, wanted).id
    if not track_id or at is None:
        raise ServiceError("name the element, or give a track and a time inside it")
    track = find_track(project, track_id)
    for candidate in track.elements:
        if candidate.start <= at < candidate.end:
            return candidate.id
    raise NotFoundError(f"no element on track {track_id} at {float(at):.3f} s")


def find_cut(project: Project, track_id: str, at: Fraction) -> tuple[str, str]:
    """The (from, to) element ids of the cut on a track nearest to `at`, within one frame."""
    track = find_track(project, track_id)
    ordered = sorted(track.elements, key=lambda e: e.start)
    cuts = [(left, right) for left, right in zip(ordered, ordered[1:]) if left.end == right.start]
    tolerance = 1 / project.settings.frame_rate
    near = [
        (abs(left.end - at), left.id, right.id) for left, right in cuts if abs(left.end - at) <= tolerance
    ]
    if not near:
        listed = ", ".join(f"{float(left.end):.3f} s" for left, _ in cuts) or "none"
        raise NotFoundError(
            f"no cut between two touching elements on track {track_id} near {float(at):.3f} s "
            f"(cuts on that track: {listed})"
        )
    _, from_id, to_id = min(near)
    return from_id, to_id


def clip_length(project: Project, media: MediaRef, source_in: Fraction) -> Fraction:
    """The whole media from `source_in`, rounded down to the frame grid (a rounded-up last frame would run past
    the end of the media); stills get STILL_SECONDS."""
    if media.info.duration is None:
        return STILL_SECONDS
    rate = project.settings.frame_rate
    length = Fraction(int((media.info.duration - source_in) * rate)) / rate
    if length <= 0:
        raise ServiceError(
            f"source_in {float(source_in):.3f} s is past the end of {media.id} "
            f"({float(media.info.duration):.3f} s)"
        )
    return length


def pooled(pool: Mapping[str, MediaRef], ref: MediaRef) -> MediaRef | None:
    """The media already in a pool for a probed file: the same path with the same content."""
    return next((m for m in pool.values() if m.path == ref.path and m.content_hash == ref.content_hash), None)


def media(project: Project, media_id: str) -> MediaRef:
    found = project.media.get(media_id)
    if found is None:
        known = ", ".join(project.media) or "none; import media first"
        raise NotFoundError(f"unknown media {media_id!r} (media: {known})")
    return found


def first_clip_of(project: Project, media_id: str) -> ClipElement | None:
    return next(
        (
            e
            for t in project.tracks
            for e in t.elements
            if isinstance(e, ClipElement) and e.media_id == media_id
        ),
        None,
    )
