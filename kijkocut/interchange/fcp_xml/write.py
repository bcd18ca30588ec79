"""Project -> the OTIO timeline that OTIO's FCP 7 XML adapter writes, carrying what FCP 7 XML can say.

The adapter writes an item's metadata["fcp_xml"] as XML under the item, so that is where KijkoCut puts Basic
Motion, Crop and Opacity filters (fades as opacity keyframes), composite modes and frame blending on video
clipitems; Audio Levels (gain, fades as level keyframes) and Audio Pan on audio clipitems; animations of
these as keyframes that give KijkoCut's value at every frame (`curves`); speed and reverse as Time Remap; transition effects
and alignment; track enabled/locked; the sequence's frame size; each file's picture size and sound. In FCP a
clip on a video track is silent: the sound of KijkoCut's video and overlay clips goes on audio tracks of its
own, one per picture track, with the picture's transitions as audio cross fades. Adjustment layers have no FCP 7
equivalent and are left out (`losses` says so); what else is lost is listed there too."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

from kijkocut.interchange.fcp_xml import filters
from kijkocut.interchange.fcp_xml.curves import constant, corners
from kijkocut.interchange.fcp_xml.fades import fade_keys, fade_weight
from kijkocut.interchange.fcp_xml.motion import to_basic_motion
from kijkocut.interchange.linked_sound import SOUND_FROM, sounds
from kijkocut.interchange.otio_export import KEY, to_otio
from kijkocut.interchange.timing import require_otio, to_range
from kijkocut.model import ClipElement, Element, MediaRef, Project, ProjectSettings, TextElement, Track
from kijkocut.project_io import resolve_media_path
from kijkocut.render.animate import element_at

FCP = "fcp_xml"  # the adapter's metadata namespace
TEXT_EFFECT = "Text"  # FCP 7's text generator


def fcp_timeline(project: Project, *, project_dir: str | os.PathLike[str] | None = None) -> Any:
    """The OTIO timeline to hand to the fcp_xml adapter."""
    otio = require_otio()
    exported = _without_adjustments(project)
    timeline = to_otio(exported, project_dir=project_dir)
    settings = exported.settings
    timeline.metadata[FCP] = {
        "media": {
            "video": {
                "format": {
                    "samplecharacteristics": {"width": str(settings.width), "height": str(settings.height)}
                }
            }
        }
    }
    writer = _Writer(otio, exported, project_dir)
    pictures, sounds, audio = [], [], []
    for otio_track, track in zip(list(timeline.tracks), exported.tracks):
        writer.decorate(otio_track, track)
        if track.kind == "audio":
            audio.append(otio_track)
            continue
        pictures.append(otio_track)
        sound = writer.sound_track(otio_track, track) if track.kind in SOUND_FROM else None
        if sound is not None:
            sounds.append(sound)
    del timeline.tracks[:]
    timeline.tracks.extend(pictures + sounds + audio)
    return timeline


def _without_adjustments(project: Project) -> Project:
    exported = project.model_copy(deep=True)
    exported.tracks = [track for track in exported.tracks if track.kind != "adjustment"]
    for track in exported.tracks:
        dropped = {e.id for e in track.elements if e.kind == "adjustment"}
        track.elements = [e for e in track.elements if e.id not in dropped]
        track.transitions = [
            t for t in track.transitions if t.from_id not in dropped and t.to_id not in dropped
        ]
    return exported


def track_flags(track: Track, *, sound: bool) -> dict[str, str]:
    flags = {}
    if track.muted if sound else track.hidden:
        flags["enabled"] = "FALSE"
    if track.locked:
        flags["locked"] = "TRUE"
    return flags


class _Writer:
    def __init__(self, otio: ModuleType, project: Project, project_dir: str | os.PathLike[str] | None):
        self.otio = otio
        self.project = project
        self.project_dir = project_dir
        self.rate = project.settings.frame_rate
        self.elements = {e.id: e for track in project.tracks for e in track.elements}
        self.transitions = {t.id: t for track in project.tracks for t in track.transitions}
        # A still's file needs a length: the furthest any clip reads into it.
        self.still_lengths: dict[str, Fraction] = {}
        for element in self.elements.values():
            if isinstance(element, ClipElement) and project.media[element.media_id].info.duration is None:
                end = element.source_in + element.duration
                self.still_lengths[element.media_id] = max(end, self.still_lengths.get(element.media_id, end))

    def _element(self, item: Any) -> Element | None:
        ours = item.metadata.get(KEY)
        return self.elements.get(str(ours.get("id"))) if ours is not None else None

    def _frames(self, t: Fraction) -> int:
        return round(t * self.rate)

    def decorate(self, otio_track: Any, track: Track) -> None:
        otio_track.metadata[FCP] = track_flags(track, sound=track.kind == "audio")
        for item in otio_track:
            if isinstance(item, self.otio.schema.Transition):
                transition = self.transitions[str(item.metadata[KEY]["id"])]
                item.metadata[FCP] = {
                    "alignment": transition.alignment,
                    "effect": filters.transition_effect(transition.kind),
                }
                continue
            element = self._element(item)
            if isinstance(element, TextElement):
                self._text(item, element)
            elif isinstance(element, ClipElement):
                self._file(item, element)
                item.metadata[FCP] = self._sound(element) if track.kind == "audio" else self._picture(element)

    def _picture(self, element: ClipElement) -> dict[str, Any]:
        media = self.project.media[element.media_id]
        settings = self.project.settings
        width, height = media.info.width or settings.width, media.info.height or settings.height
        in_frame = self._frames(element.source_in)
        if any(path.startswith("transform.") for path in element.keyframes):
            found = self._animated_picture(element, width, height, in_frame)
        else:
            motion = to_basic_motion(element.transform, width, height, settings.width, settings.height)
            found = [filters.basic_motion(motion)] + ([filters.crop(motion)] if motion.crops else [])
            opacity = element.transform.opacity * 100
            keys = self._fade_keys(element, opacity)
            if keys or opacity != 100:
                found.append(filters.opacity(opacity, keys, in_frame))
        metadata: dict[str, Any] = {
            "@frameBlend": "TRUE" if element.frame_sampling == "blend" else "FALSE",
            "filter": found + _retimed(element),
        }
        if element.blend_mode != "normal":
            metadata["compositemode"] = element.blend_mode
        return metadata

    def _every_frame(self, element: ClipElement) -> list[ClipElement]:
        """The element as it is at each frame from its start to its end (both included)."""
        return [
            element_at(element, element.start + Fraction(frame) / self.rate)
            for frame in range(self._frames(element.duration) + 1)
        ]

    def _weights(self, element: Element) -> list[float]:
        duration = self._frames(element.duration)
        fade_in, fade_out = self._frames(element.fade_in), self._frames(element.fade_out)
        return [
            float(fade_weight(Fraction(frame), duration, fade_in, fade_out)) for frame in range(duration + 1)
        ]

    def _animated_picture(self, element: ClipElement, width: int, height: int, in_frame: int) -> list[dict]:
        settings = self.project.settings
        states = [state.transform for state in self._every_frame(element)]
        motions = [to_basic_motion(t, width, height, settings.width, settings.height) for t in states]
        series: dict[str, list[filters.Point]] = {
            "scale": [m.scale for m in motions],
            "rotation": [m.rotation for m in motions],
            "center": [(m.center_h, m.center_v) for m in motions],
            **{side: [getattr(m, f"crop_{side}") for m in motions] for side in filters.CROP_SIDES},
        }
        keys = {name: corners(values) for name, values in series.items() if not constant(values)}
        found = [filters.basic_motion(motions[0], keys, in_frame)]
        if any(m.crops for m in motions):
            found.append(filters.crop(motions[0], keys, in_frame))
        opacity = [t.opacity * 100 * weight for t, weight in zip(states, self._weights(element))]
        if not constant(opacity) or opacity[0] != 100:
            found.append(
                filters.opacity(
                    states[0].opacity * 100, [] if constant(opacity) else corners(opacity), in_frame
                )
            )
        return found

    def _sound(self, element: ClipElement) -> dict[str, Any]:
        in_frame = self._frames(element.source_in)
        level = 10 ** (element.gain_db / 20)
        if "gain_db" in element.keyframes:
            levels = [
                10 ** (state.gain_db / 20) * weight
                for state, weight in zip(self._every_frame(element), self._weights(element))
            ]
            level_keys = [] if constant(levels) else corners(levels)
        else:
            level_keys = self._fade_keys(element, level)
        found = [filters.audio_levels(level, level_keys, in_frame)]
        if "pan" in element.keyframes:
            pans = [state.pan for state in self._every_frame(element)]
            found.append(filters.audio_pan(element.pan, [] if constant(pans) else corners(pans), in_frame))
        elif element.pan:
            found.append(filters.audio_pan(element.pan))
        return {"sourcetrack": {"mediatype": "audio", "trackindex": "1"}, "filter": found + _retimed(element)}

    def _fade_keys(self, element: Element, value: float) -> list[filters.Key]:
        return fade_keys(
            self._frames(element.duration),
            self._frames(element.fade_in),
            self._frames(element.fade_out),
            value,
        )

    def _text(self, item: Any, element: TextElement) -> None:
        otio = self.otio
        item.media_reference = otio.schema.GeneratorReference(
            name=TEXT_EFFECT,
            generator_kind=TEXT_EFFECT,
            available_range=to_range(otio, Fraction(0), element.duration, self.rate),
            metadata={
                FCP: {
                    "effectcategory": "Text",
                    "effecttype": "generator",
                    "mediatype": "video",
                    "parameter": [{"parameterid": "str", "name": "Text", "value": element.text}],
                }
            },
        )
        keys = self._fade_keys(element, 100)
        item.metadata[FCP] = {"filter": [filters.opacity(100, keys, 0)]} if keys else {}

    def _file(self, item: Any, element: ClipElement) -> None:
        media = self.project.media[element.media_id]
        reference = item.media_reference
        path = Path(
            resolve_media_path(media.path, self.project_dir) if self.project_dir is not None else media.path
        )
        if path.is_absolute():
            reference.target_url = path.as_uri()
        if media.id in self.still_lengths:
            reference.available_range = to_range(
                self.otio, Fraction(0), self.still_lengths[media.id], self.rate
            )
        reference.metadata[FCP] = {"media": _file_media(media, self.project.settings)}

    def sound_track(self, otio_track: Any, track: Track) -> Any | None:
        """The audio track carrying the sound of a picture track's clips, or None when none sounds."""
        otio = self.otio
        items = list(otio_track)
        heard = [
            isinstance(item, otio.schema.Clip)
            and (element := self._element(item)) is not None
            and sounds(element, self.project)
            for item in items
        ]
        if not any(heard):
            return None
        result = otio.schema.Track(
            name=track.name, kind=otio.schema.TrackKind.Audio, metadata={FCP: track_flags(track, sound=True)}
        )
        for index, item in enumerate(items):
            if isinstance(item, otio.schema.Transition):
                transition = self.transitions[str(item.metadata[KEY]["id"])]
                if transition.audio and heard[index - 1] and index + 1 < len(items) and heard[index + 1]:
                    copy = item.clone()
                    copy.metadata[FCP] = {
                        "alignment": transition.alignment,
                        "effect": filters.audio_transition_effect(),
                    }
                    result.append(copy)
            elif heard[index]:
                copy = item.clone()
                element = self._element(item)
                assert isinstance(element, ClipElement)
                copy.metadata[FCP] = self._sound(element)
                result.append(copy)
            else:
                result.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(duration=item.duration())))
        return result


def _retimed(element: ClipElement) -> list[dict]:
    # The source span (`out`) the adapter writes at normal speed is stretched to the speed by `retime`.
    if element.speed == 1 and not element.reverse:
        return []
    return [filters.time_remap(element.speed, element.reverse)]


def _file_media(media: MediaRef, settings: ProjectSettings) -> dict[str, Any]:
    info = media.info
    described: dict[str, Any] = {}
    if info.video is not None:
        described["video"] = {"samplecharacteristics": {"width": str(info.width), "height": str(info.height)}}
    if info.audio is not None:
        described["audio"] = {
            "samplecharacteristics": {"depth": "16", "samplerate": str(info.audio.sample_rate)},
            "channelcount": str(info.audio.channels),
        }
    return described or {
        "video": {"samplecharacteristics": {"width": str(settings.width), "height": str(settings.height)}}
    }
