"""Shared helpers for the formats' loss rules: which properties of an element differ from a new element of its
kind (only those can be lost), how an element, track or marker is named in a warning, and the frame-grid
check of formats that count whole frames. Each format states what it keeps in its own `losses` module."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

from kijkocut.interchange.report import InterchangeWarning
from kijkocut.model import ClipElement, Element, Marker, Project, TextElement, Track, Transition

# Always carried by any format that carries the element at all (or checked separately, like frame timing).
STRUCTURE = frozenset({"id", "kind", "start", "duration", "media_id", "text"})
DEFAULT_MARKER_COLOUR = Marker.model_fields["color"].default


def changed_properties(element: Element) -> dict[str, Any]:
    """Property path -> value for what differs from a new element of the same kind with the same timing:
    'transform.scale', 'keyframes.gain_db', 'effects', 'style.color', ..."""
    required: dict[str, object] = {"start": element.start, "duration": element.duration}
    if isinstance(element, ClipElement):
        required["media_id"] = element.media_id
    elif isinstance(element, TextElement):
        required["text"] = element.text
    fresh = type(element).model_validate(required)
    current, default = element.model_dump(mode="json"), fresh.model_dump(mode="json")
    changed: dict[str, Any] = {}
    for path, value in _flatten(current):
        if path.split(".")[0] in STRUCTURE:
            continue
        if value != _lookup(default, path):
            changed[path] = value
    return changed


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    # Lists (effects) and each property's keyframes stay whole: they are kept or lost as one.
    if prefix == "keyframes":
        for path, keys in value.items():
            yield f"keyframes.{path}", keys
    elif isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, value


def _lookup(tree: dict[str, Any], path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def kept(path: str, keeps: Iterable[str]) -> bool:
    """Whether `path` is among `keeps`, where an entry ending in '.' keeps everything under it."""
    return any(path == entry or (entry.endswith(".") and path.startswith(entry)) for entry in keeps)


def element_subject(element: Element, track: Track) -> str:
    kind = {"clip": "clip", "text": "text", "adjustment": "adjustment layer"}[element.kind]
    label = element.name or (element.text.splitlines()[0][:30] if isinstance(element, TextElement) else "")
    named = f"{kind} {label!r}" if label else f"{kind} {element.id}"
    return f"{named} at {at_time(element.start)} on track {track_label(track)}"


def track_label(track: Track) -> str:
    return repr(track.name) if track.name else f"{track.id} ({track.kind})"


def transition_subject(transition: Transition, track: Track) -> str:
    return f"transition {transition.kind} on track {track_label(track)}"


def marker_subject(marker: Marker) -> str:
    return (
        f"marker {marker.name!r} at {at_time(marker.time)}"
        if marker.name
        else f"marker at {at_time(marker.time)}"
    )


def at_time(t: Fraction) -> str:
    return f"{float(t):.3f} s"


def off_grid(value: Fraction, rate: Fraction) -> bool:
    return (value * rate).denominator != 1


def frame_timing(fmt: str, project: Project, tracks: Iterable[Track]) -> list[InterchangeWarning]:
    """Formats that count whole frames round element times to the project's frame grid."""
    rate = project.settings.frame_rate
    warnings = []
    for track in tracks:
        by_id = {e.id: e for e in track.elements}
        for transition in track.transitions:
            left = by_id.get(transition.from_id)
            begin = transition.span(left.end)[0] if left is not None else Fraction(0)
            for name, value in (("duration", transition.duration), ("alignment", begin)):
                if off_grid(value, rate):
                    warnings.append(
                        InterchangeWarning(
                            format=fmt,
                            subject=transition_subject(transition, track),
                            element_id=transition.id,
                            property=name,
                            message=f"{'starts' if name == 'alignment' else 'lasts'} "
                            f"{at_time(value)}, between frames at {_fps(rate)} fps; rounded to the nearest frame",
                        )
                    )
        for element in track.elements:
            for name in ("start", "duration", "source_in"):
                time = getattr(element, name, None)  # titles have no source_in
                if time is not None and off_grid(time, rate):
                    warnings.append(
                        InterchangeWarning(
                            format=fmt,
                            subject=element_subject(element, track),
                            element_id=element.id,
                            property=name,
                            message=f"{at_time(time)} is between frames at {_fps(rate)} fps; rounded to the "
                            "nearest frame",
                        )
                    )
    return warnings


def _fps(rate: Fraction) -> str:
    return str(rate.numerator) if rate.denominator == 1 else f"{float(rate):.3f}"
