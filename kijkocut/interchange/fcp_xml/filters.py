"""The FCP 7 XML vocabulary KijkoCut speaks: filters (Basic Motion, Crop, Opacity, Audio Levels, Audio Pan),
transition effects and keyframes, as the nested dicts the OTIO FCP adapter turns into XML elements (and reads
back), and the parameter values read out of them.

A keyframe's `when` counts frames of the clip's media (the clip's `in` plus the offset into the clip), so
keyframes stay on their frames when a clip is trimmed, as in Final Cut Pro 7."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kijkocut.interchange.fcp_xml.motion import BasicMotion

# KijkoCut transition kind -> (effect name, effectid, category, dip colour). Names are what a person sees and
# what KijkoCut reads back; the effectid is what FCP 7 and Premiere look the effect up by.
TRANSITIONS = {
    "crossfade": ("Cross Dissolve", "Cross Dissolve", "Dissolve", None),
    "dip_to_black": ("Dip to Black", "Dip to Color Dissolve", "Dissolve", (0, 0, 0)),
    "dip_to_white": ("Dip to White", "Dip to Color Dissolve", "Dissolve", (255, 255, 255)),
}
# Linear gain ramps that sum to one across the cut: FCP's 0 dB cross fade.
AUDIO_TRANSITION = ("Cross Fade (0dB)", "KGAudioTransCrossFade0dB", "audiotransition")
BLEND_MODES = {"normal", "add", "multiply", "screen", "overlay", "darken", "lighten", "difference"}
LEVEL_MAX = 3.98109  # +12 dB, FCP 7's Audio Levels ceiling


@dataclass(frozen=True)
class Key:
    """One keyframe: frames from the clip's start and the value there."""

    frame: int
    value: float


def _number(value: float) -> str:
    return f"{value:.9g}"


def _parameter(parameter_id: str, name: str, value: Any, minimum: float | None = None,
               maximum: float | None = None, keys: Iterable[Key] = (), in_frame: int = 0) -> dict[str, Any]:
    parameter: dict[str, Any] = {"parameterid": parameter_id, "name": name}
    if minimum is not None:
        parameter.update(valuemin=_number(minimum), valuemax=_number(maximum or 0))
    parameter["value"] = value if isinstance(value, dict) else _number(value)
    keyframes = [{"when": str(in_frame + key.frame), "value": _number(key.value)} for key in keys]
    if keyframes:
        parameter["keyframe"] = keyframes
    return parameter


def _filter(name: str, effect_id: str, category: str, kind: str, media: str, parameters: list[dict]) -> dict:
    return {"effect": {"name": name, "effectid": effect_id, "effectcategory": category, "effecttype": kind,
                       "mediatype": media, "parameter": parameters}}


def basic_motion(motion: BasicMotion) -> dict:
    return _filter("Basic Motion", "basic", "motion", "motion", "video", [
        _parameter("scale", "Scale", motion.scale, 0, 1000),
        _parameter("rotation", "Rotation", motion.rotation, -8640, 8640),
        _parameter("center", "Center", {"horiz": _number(motion.center_h), "vert": _number(motion.center_v)}),
        _parameter("centerOffset", "Anchor Point", {"horiz": "0", "vert": "0"}),
    ])


def crop(motion: BasicMotion) -> dict:
    return _filter("Crop", "crop", "motion", "motion", "video", [
        _parameter(side, side.capitalize(), getattr(motion, f"crop_{side}"), 0, 100)
        for side in ("left", "right", "top", "bottom")])


def opacity(percent: float, keys: list[Key], in_frame: int) -> dict:
    return _filter("Opacity", "opacity", "motion", "motion", "video",
                   [_parameter("opacity", "Opacity", percent, 0, 100, keys, in_frame)])


def audio_levels(level: float, keys: list[Key], in_frame: int) -> dict:
    return _filter("Audio Levels", "audiolevels", "audiolevels", "audiolevels", "audio",
                   [_parameter("level", "Level", level, 0, LEVEL_MAX, keys, in_frame)])


def audio_pan(pan: float) -> dict:
    return _filter("Audio Pan", "audiopan", "audiopan", "audiopan", "audio",
                   [_parameter("pan", "Pan", pan, -1, 1)])


def transition_effect(kind: str) -> dict:
    name, effect_id, category, colour = TRANSITIONS.get(kind, TRANSITIONS["crossfade"])
    effect: dict[str, Any] = {"name": name, "effectid": effect_id, "effectcategory": category,
                              "effecttype": "transition", "mediatype": "video", "wipecode": "0",
                              "wipeaccuracy": "100", "startratio": "0", "endratio": "1", "reverse": "FALSE"}
    if colour is not None:
        red, green, blue = colour
        effect["parameter"] = {"parameterid": "color", "name": "Color", "value": {
            "alpha": "255", "red": str(red), "green": str(green), "blue": str(blue)}}
    return effect


def audio_transition_effect() -> dict:
    name, effect_id, category = AUDIO_TRANSITION
    return {"name": name, "effectid": effect_id, "effectcategory": category, "effecttype": "transition",
            "mediatype": "audio"}


def transition_kind(name: str | None) -> str:
    """A KijkoCut transition kind for an FCP transition's name (anything else dissolves)."""
    for kind, (known, *_rest) in TRANSITIONS.items():
        if name == known:
            return kind
    return "crossfade"


# --- reading -------------------------------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    """The adapter gives one child as a dict and several as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def parameters(effect: dict) -> dict[str, dict]:
    return {str(p.get("parameterid")): p for p in as_list(effect.get("parameter")) if isinstance(p, dict)}


def number(parameter: dict | None, default: float) -> float:
    if parameter is None:
        return default
    value = parameter.get("value")
    try:
        return default if value is None else float(value)
    except (TypeError, ValueError):
        return default


def point(parameter: dict | None) -> tuple[float, float]:
    value = parameter.get("value") if parameter else None
    if not isinstance(value, dict):
        return 0.0, 0.0
    try:
        return float(value.get("horiz", 0)), float(value.get("vert", 0))
    except (TypeError, ValueError):
        return 0.0, 0.0


def keys(parameter: dict | None, in_frame: int) -> list[Key]:
    found = []
    for keyframe in as_list(parameter.get("keyframe") if parameter else None):
        try:
            found.append(Key(int(float(keyframe["when"])) - in_frame, float(keyframe["value"])))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(found, key=lambda key: key.frame)
