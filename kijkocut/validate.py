"""Semantic checks of a project: what pydantic's field types cannot see. Pure functions returning readable
problems, each naming the element, track or media it is about."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from kijkocut import limits
from kijkocut.errors import KijkoCutError, ProjectValidationError
from kijkocut.model import AdjustmentElement, ClipElement, Project, TextElement, Track
from kijkocut.timebase import format_fraction as fmt

# Container durations are rounded by muxers; allow this much slack at the end of a source range.
SOURCE_END_TOLERANCE = Fraction(1, 100)

_VISUAL_TRACKS = {"video", "overlay"}


# Messages list the first problems; a hostile file can have one per element.
MAX_REPORTED_PROBLEMS = 20


def project_problems(project: Project) -> list[str]:
    return checked(project).all()


@dataclass(frozen=True)
class Checked:
    """A project's problems by where they come from, so an edit can re-check only the tracks it changed."""

    before_tracks: list[str]  # the whole project's (duplicate ids, or too many elements)
    by_track: dict[str, list[str]]  # track id -> its elements', overlaps', transitions' and ducking's
    after_tracks: list[str]  # markers'

    def all(self) -> list[str]:
        return [
            *self.before_tracks,
            *(p for problems in self.by_track.values() for p in problems),
            *self.after_tracks,
        ]


def checked(project: Project, known: Callable[[Track], list[str] | None] = lambda track: None) -> Checked:
    """The problems of `project`; `known(track)` gives a track's when they are known not to have changed."""
    elements = sum(len(track.elements) for track in project.tracks)
    if elements > limits.MAX_ELEMENTS:  # checked first: the checks below grow with the element count
        return Checked([f"the project has {elements} elements; the limit is {limits.MAX_ELEMENTS}"], {}, [])
    by_track: dict[str, list[str]] = {}
    for track in project.tracks:
        problems = known(track)
        if problems is None:
            problems = track_problems(project, track)
        by_track.setdefault(track.id, []).extend(problems)
    markers = [
        f"marker {marker.id}: time {fmt(marker.time)} is negative"
        for marker in project.markers
        if marker.time < 0
    ]
    return Checked(_duplicate_ids(project), by_track, markers)


def track_problems(project: Project, track: Track) -> list[str]:
    """One track's problems: they depend on the track, the media pool, the settings and the other tracks' ids
    and kinds (what a track ducks under), nothing else."""
    problems: list[str] = []
    for element in track.elements:
        problems += _element_problems(project, track, element)
    problems += _overlap_problems(track)
    problems += _transition_problems(project, track)
    problems += _ducking_problems(project, track)
    return problems


def check_project(project: Project) -> None:
    problems = project_problems(project)
    if problems:
        raise ProjectValidationError(summarised(problems))


def check_render_range(start: Fraction, end: Fraction, rate: Fraction) -> None:
    """Every render path asks first: more than 24 h of frames, or a rate outside 1..240 fps (one frame's audio
    at 1/1000000000 fps is 349 TiB of samples), is refused before anything is allocated."""
    if not limits.MIN_FRAME_RATE <= rate <= limits.MAX_FRAME_RATE:
        raise KijkoCutError(
            f"cannot render at {float(rate):g} fps: the frame rate must be within "
            f"{limits.MIN_FRAME_RATE}..{limits.MAX_FRAME_RATE}"
        )
    if end - start > limits.MAX_SECONDS:
        raise KijkoCutError(
            f"cannot render {limits.clock(end - start)} of frames: a render covers at most 24 h"
        )


def summarised(problems: list[str]) -> list[str]:
    """The first problems, and how many more there are."""
    if len(problems) <= MAX_REPORTED_PROBLEMS:
        return problems
    return [*problems[:MAX_REPORTED_PROBLEMS], f"and {len(problems) - MAX_REPORTED_PROBLEMS} more"]


def _duplicate_ids(project: Project) -> list[str]:
    ids = [t.id for t in project.tracks]
    ids += [e.id for t in project.tracks for e in t.elements]
    ids += [x.id for t in project.tracks for x in t.transitions]
    ids += [m.id for m in project.markers]
    return [f"id {dup!r} is used {n} times" for dup, n in Counter(ids).items() if n > 1]


def _element_problems(
    project: Project, track: Track, element: ClipElement | TextElement | AdjustmentElement
) -> list[str]:
    where = f"element {element.id} on track {track.id}"
    problems = []
    if element.duration <= 0:
        problems.append(f"{where}: duration {fmt(element.duration)} must be positive")
    if element.start < 0:
        problems.append(f"{where}: start {fmt(element.start)} is negative")
    if element.end > limits.MAX_SECONDS:
        problems.append(
            f"{where}: ends at {limits.clock(element.end)}, past 24:00:00, the longest a timeline may be"
        )
    if element.fade_in < 0 or element.fade_out < 0:
        problems.append(f"{where}: fades must not be negative")
    elif element.duration > 0 and element.fade_in + element.fade_out > element.duration:
        problems.append(
            f"{where}: fade in + fade out ({fmt(element.fade_in + element.fade_out)} s) "
            f"exceed the duration ({fmt(element.duration)} s)"
        )
    if isinstance(element, TextElement):
        if track.kind not in ("text", "overlay"):
            problems.append(f"{where}: text belongs on a text or overlay track, not a {track.kind} track")
        return problems
    if isinstance(element, AdjustmentElement) != (track.kind == "adjustment"):
        problems.append(f"{where}: adjustment elements go on adjustment tracks, and only there")
        return problems
    if isinstance(element, AdjustmentElement):
        return problems
    media = project.media.get(element.media_id)
    if media is None:
        return problems + [f"{where}: unknown media id {element.media_id!r}"]
    info = media.info
    if track.kind == "audio" and info.audio is None:
        problems.append(
            f"{where}: media {media.id} ({media.name or media.path}) has no audio for an audio track"
        )
    if track.kind in _VISUAL_TRACKS and info.kind == "audio":
        problems.append(f"{where}: media {media.id} is audio-only; put it on an audio track")
    if track.kind == "text":
        problems.append(f"{where}: a text track holds only text elements")
    for effect in element.effects:
        if effect.kind == "lut" and not effect.params.get("path"):
            problems.append(f"{where}: LUT effect {effect.id} has no .cube file")
    if element.source_in < 0:
        problems.append(f"{where}: source in {fmt(element.source_in)} is negative")
    if info.duration is not None and element.source_out > info.duration + SOURCE_END_TOLERANCE:
        problems.append(
            f"{where}: source range {fmt(element.source_in)}–{fmt(element.source_out)} s runs past "
            f"the end of media {media.id} ({float(info.duration):.3f} s)"
        )
    return problems


def _overlap_problems(track: Track) -> list[str]:
    problems = []
    ordered = sorted(track.elements, key=lambda e: e.start)
    for previous, current in zip(ordered, ordered[1:]):
        if current.start < previous.end:
            problems.append(
                f"track {track.id}: elements {previous.id} and {current.id} overlap "
                f"({fmt(current.start)} < {fmt(previous.end)})"
            )
    return problems


def _transition_problems(project: Project, track: Track) -> list[str]:
    problems = []
    by_id = {e.id: e for e in track.elements}
    spans = []
    for transition in track.transitions:
        where = f"transition {transition.id} on track {track.id}"
        left, right = by_id.get(transition.from_id), by_id.get(transition.to_id)
        if left is None or right is None:
            missing = transition.from_id if left is None else transition.to_id
            problems.append(f"{where}: element {missing!r} is not on this track")
            continue
        if left.end != right.start:
            problems.append(
                f"{where}: {left.id} ends at {fmt(left.end)} but {right.id} starts at "
                f"{fmt(right.start)}; a transition needs two clips that meet at a cut"
            )
            continue
        if transition.duration <= 0:
            problems.append(f"{where}: duration must be positive")
            continue
        begin, finish = transition.span(left.end)
        if begin < left.start or finish > right.end:
            problems.append(
                f"{where}: {fmt(transition.duration)} s is longer than the clips around the cut allow"
            )
        if not transition.holds:  # a holding transition shows the edge frames where media runs out
            problems += _handle_problems(project, where, (left, right), begin, finish)
        spans.append((begin, finish, transition.id))
    spans.sort()
    for (_, end_a, id_a), (start_b, _, id_b) in zip(spans, spans[1:]):
        if start_b < end_a:
            problems.append(f"track {track.id}: transitions {id_a} and {id_b} overlap")
    return problems


def media_shortfall(
    project: Project,
    element: ClipElement | TextElement | AdjustmentElement,
    begin: Fraction,
    finish: Fraction,
) -> tuple[Fraction, Fraction]:
    """Media seconds the element lacks before its media's start and after its end to show the timeline span
    [begin, finish) as well as its own range: (0, 0) when the media reaches (stills and text reach anywhere)."""
    if not isinstance(element, ClipElement):
        return Fraction(0), Fraction(0)
    media = project.media.get(element.media_id)
    if media is None or media.info.duration is None:
        return Fraction(0), Fraction(0)
    shown = (min(begin, element.start), max(finish, element.end))
    media_times = [element.media_time(t) for t in shown]
    earliest, latest = min(media_times), max(media_times)
    late = latest - media.info.duration
    return max(Fraction(0), -earliest), late if late > SOURCE_END_TOLERANCE else Fraction(0)


def _handle_problems(project: Project, where: str, elements, begin: Fraction, finish: Fraction) -> list[str]:
    """A transition shows the outgoing clip past its end and the incoming one before its start: the media
    must reach that far."""
    problems = []
    for element in elements:
        early, late = media_shortfall(project, element, begin, finish)
        if early:
            problems.append(
                f"{where}: {element.id} needs {fmt(early)} s more media before its in point "
                f"(handle) than the source has"
            )
        if late:
            problems.append(
                f"{where}: {element.id} needs {fmt(late)} s more media after its out point "
                f"(handle) than the source has"
            )
    return problems


def _ducking_problems(project: Project, track: Track) -> list[str]:
    if track.ducking is None:
        return []
    target = next((t for t in project.tracks if t.id == track.ducking.under_track_id), None)
    if target is None or target is track:
        return [
            f"track {track.id}: ducking refers to {track.ducking.under_track_id!r}, which is not another track"
        ]
    return []
