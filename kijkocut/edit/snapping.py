"""Snapping: pull a dragged time onto nearby element edges, the playhead or markers."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from kijkocut.model import Project


def snap_candidates(
    project: Project,
    *,
    playhead: Fraction | None = None,
    exclude_ids: Iterable[str] = (),
    edges: bool = True,
    markers: bool = True,
) -> list[Fraction]:
    excluded = set(exclude_ids)
    points: set[Fraction] = {Fraction(0)}
    if edges:
        for track in project.tracks:
            for element in track.elements:
                if element.id not in excluded:
                    points.update((element.start, element.end))
    if markers:
        points.update(m.time for m in project.markers)
    if playhead is not None:
        points.add(playhead)
    return sorted(points)


def snap_time(
    project: Project,
    time: Fraction,
    threshold: Fraction,
    *,
    playhead: Fraction | None = None,
    exclude_ids: Iterable[str] = (),
    edges: bool = True,
    markers: bool = True,
) -> Fraction:
    """The nearest candidate within `threshold` seconds, else `time` unchanged (ties go to the earlier)."""
    best, best_distance = time, threshold
    for point in snap_candidates(
        project, playhead=playhead, exclude_ids=exclude_ids, edges=edges, markers=markers
    ):
        distance = abs(point - time)
        if distance < best_distance or (distance == best_distance and distance <= threshold and best is time):
            best, best_distance = point, distance
    return best
