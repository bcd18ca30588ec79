"""OTIO timeline -> Project. Our own metadata (see `otio_export`) restores everything exactly; the OTIO
structure still decides placement and trims, so edits made in another editor are kept. A foreign timeline
imports with defaults: the first video track is "video", later ones "overlay"; clips reference media by path,
probed when the file exists. A missing file is an error naming the clip and the path, or, with
missing_media="offline", a media entry marked offline (probe info from the OTIO available range) that can be
relinked later. Generators, nested stacks and transitions beside gaps have no KijkoCut equivalent: the first
two raise, transitions beside gaps are dropped with a warning in the log. A foreign clip on a picture track is
silent, as in the editors that write these files: its sound is the matching clip on an audio track, merged back
into it (`linked_sound`). A format's own reader refines foreign elements through `adapt` (FCP XML filters)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from pydantic import TypeAdapter, ValidationError

from kijkocut.errors import KijkoCutError, MediaError
from kijkocut.interchange.linked_sound import link_sound
from kijkocut.interchange.otio_export import (
    ADJUSTMENT_GENERATOR,
    KEY,
    MARKER_COLOURS,
    TEXT_GENERATOR,
)
from kijkocut.interchange.timing import agreeing, exact_rate, from_rational, plain, require_otio
from kijkocut.media.info import AudioStreamInfo, MediaInfo
from kijkocut.media.probe import import_media
from kijkocut.model import (
    ClipElement,
    Element,
    Marker,
    MediaRef,
    Project,
    ProjectSettings,
    TextElement,
    Track,
    Transition,
    new_id,
)
from kijkocut.paths import PathPolicy
from kijkocut.validate import check_project
from kijkocut.validation_messages import describe_validation_error

log = logging.getLogger(__name__)
MissingMedia = Literal["error", "offline"]
_ELEMENT: TypeAdapter[Any] = TypeAdapter(Element)
TEXT_GENERATORS = (TEXT_GENERATOR, "Text")  # ours, and FCP 7's text generator
# A format's refinement of an imported project: (project, id of a track, element or transition -> the OTIO
# item it came from, timeline).
Adapt = Callable[[Project, Mapping[str, Any], Any], Project]


def _ours(item: Any) -> dict[str, Any] | None:
    data = item.metadata.get(KEY) if item.metadata is not None else None
    return plain(data) if data is not None else None


@dataclass
class _Reader:
    otio: ModuleType
    media_root: Path | None
    missing_media: MissingMedia
    policy: PathPolicy | None = None  # when given, media paths are confined before a file is looked at
    media: dict[str, MediaRef] = field(default_factory=dict)
    by_path: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)  # track, element, transition id -> its OTIO item

    # --- media ---

    def path_of(self, target_url: str) -> Path:
        if target_url.startswith("file:"):
            parsed = urlparse(target_url)
            target_url = unquote(parsed.path)
            if parsed.netloc and parsed.netloc != "localhost":
                target_url = f"//{parsed.netloc}{target_url}"
        path = Path(target_url).expanduser()
        if not path.is_absolute() and self.media_root is not None:
            path = self.media_root / path
        return path if self.policy is None else self.policy.confine(path)

    def media_for(self, clip: Any, kind: str, ours: dict[str, Any] | None) -> str:
        reference = clip.media_reference
        if not isinstance(reference, self.otio.schema.ExternalReference) or not reference.target_url:
            raise KijkoCutError(
                f"clip {clip.name!r}: has no file reference ({type(reference).__name__}); "
                "KijkoCut clips need a media file"
            )
        media_id = (ours or {}).get("media_id") or (_ours(reference) or {}).get("media_id")
        if media_id in self.media:
            known = self.media[media_id]
            if target_url_changed(known.path, reference.target_url):  # relinked in another tool
                self.media[media_id] = known.model_copy(
                    update={"path": str(self.path_of(reference.target_url))}
                )
            return media_id
        path = self.path_of(reference.target_url)
        key = str(path.resolve()) if path.exists() else str(path)
        if key in self.by_path:
            return self.by_path[key]
        if path.exists():
            try:
                media = import_media(path)
            except MediaError as exc:
                raise KijkoCutError(f"clip {clip.name!r}: {exc}") from None
        elif self.missing_media == "offline":
            media = _offline(path, kind, reference, clip)
        else:
            raise KijkoCutError(
                f"clip {clip.name!r}: media file {path} not found (pass media_root=the folder "
                "it moved to, or missing_media='offline' to import it offline)"
            )
        self.media[media.id] = media
        self.by_path[key] = media.id
        return media.id


def target_url_changed(stored_path: str, target_url: str) -> bool:
    return target_url != stored_path and unquote(urlparse(target_url).path) != stored_path


def _offline(path: Path, kind: str, reference: Any, clip: Any) -> MediaRef:
    available = reference.available_range
    duration: Fraction | None
    if available is not None:
        duration = from_rational(available.duration)
    else:
        duration = from_rational(clip.source_range.end_time_exclusive()) if clip.source_range else None
    audio = AudioStreamInfo(codec="unknown", sample_rate=48000, channels=2) if kind == "audio" else None
    info = MediaInfo(
        kind="audio" if kind == "audio" else "video",
        container=path.suffix.lstrip(".").lower(),
        size_bytes=0,
        duration=duration,
        audio=audio,
        warnings=["offline: file not found"],
    )
    return MediaRef(id=new_id("med"), path=str(path), name=path.name, info=info)


def from_otio(
    timeline: Any,
    *,
    media_root: str | os.PathLike[str] | None = None,
    missing_media: MissingMedia = "error",
    path_policy: PathPolicy | None = None,
    adapt: Adapt | None = None,
) -> Project:
    """A project from an `opentimelineio.schema.Timeline` (see the module docstring for foreign files). With
    a `path_policy`, a media path outside its folders is refused before the file is probed."""
    otio = require_otio()
    if not isinstance(timeline, otio.schema.Timeline):
        raise KijkoCutError(f"expected an OTIO Timeline, got {type(timeline).__name__}")
    ours = _ours(timeline) or {}
    reader = _Reader(otio, Path(media_root) if media_root is not None else None, missing_media, path_policy)
    try:
        for media_id, doc in (ours.get("media") or {}).items():
            reader.media[media_id] = MediaRef.model_validate(doc)
        settings = (
            ProjectSettings.model_validate(ours["settings"])
            if "settings" in ours
            else ProjectSettings(frame_rate=_frame_rate(timeline))
        )
        tracks, video_seen = [], False
        for child in timeline.tracks:
            if not isinstance(child, otio.schema.Track):
                raise KijkoCutError(
                    f"{child.name!r}: nested stacks are not supported; flatten the timeline first"
                )
            tracks.append(_track(reader, child, video_seen))
            reader.sources[tracks[-1].id] = child
            video_seen = video_seen or child.kind == otio.schema.TrackKind.Video
        markers = [_marker(marker) for marker in timeline.tracks.markers]
        if "settings" not in ours:
            settings = _canvas_from_media(settings, reader.media.values())
        project = Project(
            id=ours.get("project_id") or new_id("prj"),
            name=timeline.name or "Imported",
            settings=settings,
            media=reader.media,
            tracks=tracks,
            markers=sorted(markers, key=lambda m: m.time),
        )
        if adapt is not None:
            project = adapt(project, reader.sources, timeline)
        foreign = {element_id for element_id, item in reader.sources.items() if _ours(item) is None}
        project = link_sound(project, foreign)
    except ValidationError as exc:
        raise KijkoCutError(f"OTIO timeline {timeline.name!r}: {describe_validation_error(exc)}") from None
    check_project(project)
    return project


def _frame_rate(timeline: Any) -> Fraction:
    if timeline.global_start_time is not None:
        return exact_rate(timeline.global_start_time.rate)
    for clip in timeline.find_clips():
        if clip.source_range is not None:
            return exact_rate(clip.source_range.duration.rate)
    return Fraction(30)


def _canvas_from_media(settings: ProjectSettings, media: Any) -> ProjectSettings:
    for ref in media:
        if ref.info.width and ref.info.height:
            width, height = max(16, ref.info.width // 2 * 2), max(16, ref.info.height // 2 * 2)
            return settings.model_copy(update={"width": width, "height": height})
    return settings


def _track(reader: _Reader, source: Any, video_seen: bool) -> Track:
    otio = reader.otio
    header = _ours(source)
    if header is None:
        kind = (
            "audio" if source.kind == otio.schema.TrackKind.Audio else ("overlay" if video_seen else "video")
        )
        off = {"muted": True} if kind == "audio" else {"hidden": True}
        header = {"id": new_id("trk"), "kind": kind, "name": source.name, **({} if source.enabled else off)}
    track = Track.model_validate({**header, "elements": [], "transitions": []})
    elements: list[Any] = []
    pending: list[tuple[Any, Any]] = []  # (OTIO transition, element before it)
    position = Fraction(0)
    previous_item = None
    for item in source:
        if isinstance(item, otio.schema.Transition):
            pending.append((item, elements[-1] if previous_item == "clip" else None))
            continue
        if isinstance(item, otio.schema.Gap):
            position += from_rational(item.duration())
            previous_item = "gap"
            _drop_pending(pending, track)
            continue
        if not isinstance(item, otio.schema.Clip):
            raise KijkoCutError(
                f"track {source.name!r}: nested {type(item).__name__} {item.name!r} is not "
                "supported; flatten the timeline first"
            )
        element = _element(reader, item, track.kind, position)
        reader.sources[element.id] = item
        elements.append(element)
        for transition, before in pending:
            if before is not None:
                made = _transition(transition, before, element)
                reader.sources[made.id] = transition
                track.transitions.append(made)
        pending.clear()
        position, previous_item = element.end, "clip"
    _drop_pending(pending, track)
    track.elements = elements
    return track


def _drop_pending(pending: list, track: Track) -> None:
    for transition, _ in pending:
        log.warning(
            "track %s: transition %r next to a gap has no KijkoCut equivalent; dropped",
            track.name,
            transition.name,
        )
    pending.clear()


def _element(reader: _Reader, clip: Any, track_kind: str, position: Fraction) -> Any:
    ours = _ours(clip)
    duration = from_rational(clip.duration())
    if ours is not None:
        doc = dict(ours)
        start = agreeing(doc.get("start"), position)
        doc["start"], doc["duration"] = start, agreeing(doc.get("duration"), duration)
        if doc.get("kind") == "clip":
            doc["media_id"] = reader.media_for(clip, track_kind, ours)
            doc["source_in"] = agreeing(doc.get("source_in"), _source_in(clip))
        return _ELEMENT.validate_python(doc)
    reference = clip.media_reference
    generator = getattr(reference, "generator_kind", None)
    if generator in TEXT_GENERATORS:
        return TextElement(
            start=position,
            duration=duration,
            name=clip.name,
            text=str(reference.parameters.get("text") or clip.name or "Text"),
        )
    if generator == ADJUSTMENT_GENERATOR:
        return _ELEMENT.validate_python({"kind": "adjustment", "start": position, "duration": duration})
    speed, reverse, freeze = 1.0, False, False
    for effect in clip.effects:
        if isinstance(effect, reader.otio.schema.FreezeFrame):
            freeze = True
        elif isinstance(effect, reader.otio.schema.LinearTimeWarp) and effect.time_scalar:
            speed, reverse = abs(effect.time_scalar), effect.time_scalar < 0
    return ClipElement(
        name=clip.name,
        start=position,
        duration=duration,
        media_id=reader.media_for(clip, track_kind, None),
        source_in=_source_in(clip),
        speed=speed,
        reverse=reverse,
        freeze_frame=freeze,
    )


def _source_in(clip: Any) -> Fraction:
    """Where the clip starts in its media, from the media's own start (media often starts at a timecode)."""
    start = from_rational(clip.source_range.start_time) if clip.source_range else Fraction(0)
    available = getattr(clip.media_reference, "available_range", None)
    origin = from_rational(available.start_time) if available is not None else Fraction(0)
    return max(Fraction(0), start - origin)


def _transition(source: Any, before: Any, after: Any) -> Transition:
    in_offset, out_offset = from_rational(source.in_offset), from_rational(source.out_offset)
    duration = in_offset + out_offset
    ours = _ours(source)
    if ours is not None:
        return Transition.model_validate(
            {
                **ours,
                "from_id": before.id,
                "to_id": after.id,
                "duration": agreeing(ours.get("duration"), duration),
            }
        )
    if out_offset == 0:
        alignment = "end"
    elif in_offset == 0:
        alignment = "start"
    else:
        alignment = "center"
        if in_offset != out_offset:
            log.warning(
                "transition %r is off-centre (%s before, %s after the cut); centred",
                source.name,
                in_offset,
                out_offset,
            )
    return Transition(from_id=before.id, to_id=after.id, duration=duration, alignment=alignment)


def _marker(source: Any) -> Marker:
    ours = _ours(source)
    time = from_rational(source.marked_range.start_time)
    if ours is not None:
        return Marker.model_validate({**ours, "time": agreeing(ours.get("time"), time)})
    colour = MARKER_COLOURS.get(str(source.color).upper(), MARKER_COLOURS["YELLOW"])
    return Marker(time=time, name=source.name, color=colour)
