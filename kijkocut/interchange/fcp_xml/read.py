"""FCP 7 XML -> what KijkoCut makes of it, after OTIO's adapter has read the cuts: the sequence's frame size,
Basic Motion, Crop and Opacity as the transform (opacity ramps from and to 0 as fades), composite modes, frame
blending, Audio Levels and Audio Pan as gain and pan (level ramps as fades), their keyframes as KijkoCut keyframes
that give the same value at every frame, Time Remap as speed and reverse, transition kinds by name, text
generators' words, and tracks turned off or locked. Other filters have no KijkoCut equivalent: they are logged
and left out."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from typing import Any

from kijkocut.animation import Keyframe
from kijkocut.interchange.fcp_xml import filters
from kijkocut.interchange.fcp_xml.curves import constant, corners, keyed_value
from kijkocut.interchange.fcp_xml.fades import fades_from_keys
from kijkocut.interchange.fcp_xml.filters import Key
from kijkocut.interchange.fcp_xml.motion import BasicMotion, from_basic_motion
from kijkocut.interchange.fcp_xml.write import FCP
from kijkocut.interchange.otio_export import KEY
from kijkocut.interchange.timing import plain
from kijkocut.model import ClipElement, Element, Project, TextElement, Track

log = logging.getLogger(__name__)
KNOWN_FILTERS = {"basic", "crop", "opacity", "audiolevels", "audiopan", "timeremap"}
MIN_SPEED, MAX_SPEED = 0.1, 10.0
MIN_GAIN_DB, MAX_GAIN_DB = -96.0, 24.0


def _fcp(item: Any) -> dict[str, Any]:
    data = item.metadata.get(FCP) if item.metadata is not None else None
    return plain(data) if data is not None else {}


def _effects(item: Any) -> dict[str, dict[str, Any]]:
    found = {}
    for effect in getattr(item, "effects", []):
        described = {**_fcp(effect), "name": effect.name}  # the adapter keeps the name apart
        effect_id = str(described.get("effectid") or effect.effect_name or effect.name)
        found[effect_id] = described
    return found


def adapt(project: Project, sources: Mapping[str, Any], timeline: Any) -> Project:
    """The imported project with what the FCP XML says beyond the cuts (see the module docstring)."""
    result = project.model_copy(deep=True)
    result.settings = _sequence_size(result, timeline)
    reader = _Reader(result)
    for track in result.tracks:
        source_track = sources.get(track.id)
        if source_track is not None:
            _track_flags(track, _fcp(source_track))
        for element in track.elements:
            item = sources.get(element.id)
            if item is not None and KEY not in (item.metadata or {}):
                reader.element(element, item, track)
        for transition in track.transitions:
            item = sources.get(transition.id)
            if item is not None and KEY not in (item.metadata or {}) and track.kind != "audio":
                transition.kind = filters.transition_kind(item.name)  # type: ignore[assignment]
    return result


def _sequence_size(project: Project, timeline: Any) -> Any:
    size = _fcp(timeline).get("media", {}).get("video", {}).get("format", {}).get("samplecharacteristics", {})
    try:
        width, height = int(size["width"]), int(size["height"])
    except (KeyError, TypeError, ValueError):
        return project.settings
    if width < 16 or height < 16:
        return project.settings
    return project.settings.model_copy(update={"width": width // 2 * 2, "height": height // 2 * 2})


def _track_flags(track: Track, described: dict[str, Any]) -> None:
    if str(described.get("enabled", "TRUE")).upper() == "FALSE":
        if track.kind == "audio":
            track.muted = True
        else:
            track.hidden = True
    if str(described.get("locked", "FALSE")).upper() == "TRUE":
        track.locked = True


class _Reader:
    def __init__(self, project: Project):
        self.project = project
        self.rate = project.settings.frame_rate

    def _frames(self, t: Fraction) -> int:
        return round(t * self.rate)

    def _seconds(self, frames: int) -> Fraction:
        return Fraction(frames) / self.rate

    def element(self, element: Element, item: Any, track: Track) -> None:
        effects = _effects(item)
        for effect_id, described in effects.items():
            if effect_id not in KNOWN_FILTERS:
                log.warning(
                    "%s: the FCP filter %r has no KijkoCut equivalent; left out",
                    item.name,
                    described.get("name") or effect_id,
                )
        if isinstance(element, TextElement):
            self._text(element, item, effects)
        elif isinstance(element, ClipElement):
            _retime(element, effects.get("timeremap"))
            if track.kind == "audio":
                self._sound(element, effects)
            else:
                self._picture(element, item, effects)

    def _picture(self, element: ClipElement, item: Any, effects: dict[str, dict]) -> None:
        settings = self.project.settings
        media = self.project.media[element.media_id]
        source = (media.info.width or settings.width, media.info.height or settings.height)
        motion = filters.parameters(effects.get("basic", {}))
        cropped = filters.parameters(effects.get("crop", {}))
        centre_h, centre_v = filters.point(motion.get("center"))
        basic = BasicMotion(
            scale=filters.number(motion.get("scale"), 100),
            rotation=filters.number(motion.get("rotation"), 0),
            center_h=centre_h,
            center_v=centre_v,
            **{f"crop_{side}": _crop(filters.number(cropped.get(side), 0)) for side in filters.CROP_SIDES},
        )
        opacity = self._faded(element, effects.get("opacity"), "opacity", "transform.opacity", 100)
        opacity = min(1.0, max(0.0, opacity / 100))
        element.transform = from_basic_motion(basic, opacity, *source, settings.width, settings.height)
        in_frame = self._frames(element.source_in)
        animated = {
            name: found
            for name, parameter in (*motion.items(), *cropped.items())
            if (found := filters.keys(parameter, in_frame))
        }
        if animated.keys() & {"scale", "rotation", "center", *filters.CROP_SIDES}:
            self._animated_motion(element, basic, animated, opacity, source)
        described = _fcp(item)
        mode = str(described.get("compositemode", "normal")).lower()
        if mode in filters.BLEND_MODES:
            element.blend_mode = mode  # type: ignore[assignment]
        if str(described.get("@frameBlend", "FALSE")).upper() == "TRUE":
            element.frame_sampling = "blend"

    def _animated_motion(
        self,
        element: ClipElement,
        basic: BasicMotion,
        animated: dict[str, list[Key]],
        opacity: float,
        source: tuple[int, int],
    ) -> None:
        """Keyframes of the transform that draw, frame by frame, what FCP's animated motion draws."""
        settings = self.project.settings
        transforms = []
        for frame in range(self._frames(element.duration) + 1):
            values = {name: keyed_value(keys, frame) for name, keys in animated.items()}
            centre = values.get("center", (basic.center_h, basic.center_v))
            assert isinstance(centre, tuple)
            at_frame = replace(
                basic,
                scale=float(values.get("scale", basic.scale)),  # type: ignore[arg-type]
                rotation=float(values.get("rotation", basic.rotation)),  # type: ignore[arg-type]
                center_h=centre[0],
                center_v=centre[1],
                **{
                    f"crop_{side}": _crop(float(values[side]))  # type: ignore[arg-type]
                    for side in filters.CROP_SIDES
                    if side in values
                },
            )
            transforms.append(from_basic_motion(at_frame, opacity, *source, settings.width, settings.height))
        series = {
            "x": [settings.width / 2 if t.x is None else t.x for t in transforms],
            "y": [settings.height / 2 if t.y is None else t.y for t in transforms],
            "scale": [t.scale for t in transforms],
            "rotation": [t.rotation for t in transforms],
            **{f"crop.{side}": [getattr(t.crop, side) for t in transforms] for side in filters.CROP_SIDES},
        }
        for name, frames in series.items():
            if not constant(frames):
                element.keyframes[f"transform.{name}"] = self._keyframes(frames)

    def _keyframes(self, values: list[float]) -> list[Keyframe]:
        return [
            Keyframe(time=self._seconds(key.frame), value=float(key.value))  # type: ignore[arg-type]
            for key in corners(values)
        ]

    def _sound(self, element: ClipElement, effects: dict[str, dict]) -> None:
        level = self._faded(element, effects.get("audiolevels"), "level", "gain_db", 1.0)
        element.gain_db = _decibels(level)
        pan = filters.parameters(effects.get("audiopan", {})).get("pan")
        element.pan = min(1.0, max(-1.0, filters.number(pan, 0)))
        keys = filters.keys(pan, self._frames(element.source_in))
        if keys:
            values = [
                min(1.0, max(-1.0, float(keyed_value(keys, frame))))  # type: ignore[arg-type]
                for frame in range(self._frames(element.duration) + 1)
            ]
            if not constant(values):
                element.keyframes["pan"] = self._keyframes(values)

    def _text(self, element: TextElement, item: Any, effects: dict[str, dict]) -> None:
        generator = _fcp(item.media_reference)
        words = filters.parameters(generator).get("str", {}).get("value")
        if isinstance(words, str) and words.strip():
            element.text = words
        self._faded(element, effects.get("opacity"), "opacity", None, 100)

    def _faded(
        self, element: Element, effect: dict | None, parameter_id: str, animated: str | None, default: float
    ) -> float:
        """The parameter's value; a ramp from and to 0 becomes the element's fades, other keyframes its
        animation (of `animated`, converted as that property counts), frame-exact."""
        parameter = filters.parameters(effect or {}).get(parameter_id)
        value = filters.number(parameter, default)
        keys = filters.keys(parameter, self._frames(getattr(element, "source_in", Fraction(0))))
        if not keys:
            return value
        duration = self._frames(element.duration)
        fades = fades_from_keys(keys, duration)
        if fades is not None:
            fade_in, fade_out, value = fades
            element.fade_in, element.fade_out = self._seconds(fade_in), self._seconds(fade_out)
            return value
        if animated is not None:
            convert = _decibels if animated == "gain_db" else (lambda v: min(1.0, max(0.0, v / 100)))
            values = [convert(float(keyed_value(keys, frame))) for frame in range(duration + 1)]  # type: ignore
            if not constant(values):
                element.keyframes[animated] = self._keyframes(values)
        return value


def _retime(element: ClipElement, effect: dict | None) -> None:
    if effect is None:
        return
    parameters = filters.parameters(effect)
    if filters.number(parameters.get("variablespeed"), 0):
        log.warning(
            "%s: variable speed (time remapping) has no KijkoCut equivalent; the clip plays at its "
            "constant speed",
            element.name,
        )
    speed = filters.number(parameters.get("speed"), 100) / 100
    reverse = str(parameters.get("reverse", {}).get("value", "FALSE")).upper() == "TRUE"
    if speed == 0:
        element.freeze_frame = True
        return
    element.speed = min(MAX_SPEED, max(MIN_SPEED, round(abs(speed), 6)))
    element.reverse = reverse != (speed < 0)


def _crop(percent: float) -> float:
    return min(99.0, max(0.0, percent))


def _decibels(level: float) -> float:
    if level <= 0:
        return MIN_GAIN_DB
    return min(MAX_GAIN_DB, max(MIN_GAIN_DB, round(20 * math.log10(level), 6)))
