"""Project -> OTIO timeline. The OTIO structure carries what other editors understand (tracks, clips with
source ranges, gaps, transitions, markers, media paths, speed as a time warp); everything else KijkoCut knows
(transforms, effects, text, gain, fades, keyframes, ...) rides along as the exact model JSON under
metadata["kijkocut"] on the timeline, each track, clip, transition and marker."""

from __future__ import annotations

import os
from fractions import Fraction
from types import ModuleType
from typing import Any

from kijkocut.interchange.timing import require_otio, to_range, to_rational
from kijkocut.model import (
    FORMAT_VERSION,
    ClipElement,
    Element,
    Marker,
    Project,
    TextElement,
    Track,
    Transition,
    parse_colour,
)
from kijkocut.project_io import resolve_media_path

KEY = "kijkocut"
TEXT_GENERATOR = "kijkocut.text"
ADJUSTMENT_GENERATOR = "kijkocut.adjustment"
# OTIO's named marker colours and the hex value each stands for here (our default marker colour is yellow).
MARKER_COLOURS = {
    "RED": "#ff0000",
    "PINK": "#ff69b4",
    "ORANGE": "#ff8000",
    "YELLOW": "#ffcc00",
    "GREEN": "#00ff00",
    "CYAN": "#00ffff",
    "BLUE": "#0000ff",
    "PURPLE": "#8000ff",
    "MAGENTA": "#ff00ff",
    "BLACK": "#000000",
    "WHITE": "#ffffff",
}


def nearest_marker_colour(colour: str) -> str:
    red, green, blue, _ = parse_colour(colour)
    return min(
        MARKER_COLOURS,
        key=lambda name: sum(
            (a - b) ** 2 for a, b in zip((red, green, blue), parse_colour(MARKER_COLOURS[name])[:3])
        ),
    )


def _dump(model) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


def to_otio(project: Project, *, project_dir: str | os.PathLike[str] | None = None) -> Any:
    """An `opentimelineio.schema.Timeline` equivalent to the project (its undo history is not exported).
    Media paths relative to the project file resolve against `project_dir` in the OTIO media references."""
    otio = require_otio()
    rate = project.settings.frame_rate
    timeline = otio.schema.Timeline(
        name=project.name,
        metadata={
            KEY: {
                "version": FORMAT_VERSION,
                "project_id": project.id,
                "settings": _dump(project.settings),
                "media": {media_id: _dump(media) for media_id, media in project.media.items()},
            }
        },
    )
    timeline.global_start_time = otio.opentime.RationalTime(0, float(rate))
    for track in project.tracks:
        timeline.tracks.append(_track(otio, project, track, rate, project_dir))
    for marker in project.markers:
        timeline.tracks.markers.append(_marker(otio, marker, rate))
    return timeline


def _track(
    otio: ModuleType,
    project: Project,
    track: Track,
    rate: Fraction,
    project_dir: str | os.PathLike[str] | None,
) -> Any:
    kind = otio.schema.TrackKind.Audio if track.kind == "audio" else otio.schema.TrackKind.Video
    header = track.model_dump(mode="json", exclude={"elements", "transitions"})
    result = otio.schema.Track(name=track.name, kind=kind, metadata={KEY: header})
    result.enabled = not (track.muted if track.kind == "audio" else track.hidden)
    into = {transition.to_id: transition for transition in track.transitions}
    position, previous = Fraction(0), None
    for element in sorted(track.elements, key=lambda e: e.start):
        if element.start > position:
            result.append(
                otio.schema.Gap(source_range=to_range(otio, Fraction(0), element.start - position, rate))
            )
        transition = into.get(element.id)
        if transition is not None and previous is not None and transition.from_id == previous.id:
            result.append(_transition(otio, transition, rate))
        result.append(_item(otio, project, element, rate, project_dir))
        position, previous = element.end, element
    return result


def _transition(otio: ModuleType, transition: Transition, rate: Fraction) -> Any:
    before, after = transition.span(Fraction(0))  # offsets around a cut at 0
    kind = (
        otio.schema.TransitionTypes.SMPTE_Dissolve
        if transition.kind == "crossfade"
        else otio.schema.TransitionTypes.Custom
    )
    return otio.schema.Transition(
        name=transition.kind,
        transition_type=kind,
        in_offset=to_rational(otio, -before, rate),
        out_offset=to_rational(otio, after, rate),
        metadata={KEY: _dump(transition)},
    )


def _item(
    otio: ModuleType,
    project: Project,
    element: Element,
    rate: Fraction,
    project_dir: str | os.PathLike[str] | None,
) -> Any:
    metadata = {KEY: _dump(element)}
    if isinstance(element, ClipElement):
        media = project.media[element.media_id]
        duration = media.info.duration
        available = to_range(otio, Fraction(0), duration, rate) if duration else None
        path = str(resolve_media_path(media.path, project_dir)) if project_dir is not None else media.path
        reference = otio.schema.ExternalReference(
            target_url=path, available_range=available, metadata={KEY: {"media_id": media.id}}
        )
        reference.name = media.name
        clip = otio.schema.Clip(
            name=element.name or media.name,
            media_reference=reference,
            source_range=to_range(otio, element.source_in, element.duration, rate),
            metadata=metadata,
        )
        if element.freeze_frame:
            clip.effects.append(otio.schema.FreezeFrame())
        elif element.speed != 1 or element.reverse:
            clip.effects.append(
                otio.schema.LinearTimeWarp(time_scalar=-element.speed if element.reverse else element.speed)
            )
        return clip
    generator = TEXT_GENERATOR if isinstance(element, TextElement) else ADJUSTMENT_GENERATOR
    parameters = {"text": element.text} if isinstance(element, TextElement) else {}
    # The FCP XML adapter needs an available range and an FCP 7 generator description on generators.
    reference = otio.schema.GeneratorReference(
        name=generator,
        generator_kind=generator,
        parameters=parameters,
        available_range=to_range(otio, Fraction(0), element.duration, rate),
        metadata={
            "fcp_xml": {
                "effecttype": "generator",
                "mediatype": "video",
                "effectcategory": "Text" if isinstance(element, TextElement) else "Matte",
            }
        },
    )
    # Adapters that drop generator parameters (FCP XML) keep the clip name: give text clips their text.
    name = element.name or (element.text if isinstance(element, TextElement) else "Adjustment")
    return otio.schema.Clip(
        name=name,
        media_reference=reference,
        source_range=to_range(otio, Fraction(0), element.duration, rate),
        metadata=metadata,
    )


def _marker(otio: ModuleType, marker: Marker, rate: Fraction) -> Any:
    return otio.schema.Marker(
        name=marker.name,
        marked_range=to_range(otio, marker.time, Fraction(0), rate),
        color=nearest_marker_colour(marker.color),
        metadata={KEY: _dump(marker)},
    )
