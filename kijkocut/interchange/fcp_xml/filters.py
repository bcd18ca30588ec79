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


Point = float | tuple[float, float]  # a parameter's value: a number, or (horiz, vert) for Center


@dataclass(frozen=True)
class Key:
    """One keyframe: frames from the clip's start and the value there."""

    frame: int
    value: Point


def _number(value: float) -> str:
    return f"{value:.9g}"


def _value(value: Point) -> Any:
    if isinstance(value, tuple):
        return {"horiz": _number(value[0]), "vert": _number(value[1])}
    return _number(value)


def _parameter(
    parameter_id: str,
    name: str,
    value: Point,
    minimum: float | None = None,
    maximum: float | None = None,
    keys: Iterable[Key] = (),
    in_frame: int = 0,
) -> dict[str, Any]:
    parameter: dict[str, Any] = {"parameterid": parameter_id, "name": name}
    if minimum is not None:
        parameter.update(valuemin=_number(minimum), valuemax=_number(maximum or 0))
    parameter["value"] = _value(value)
    keyframes = [{"when": str(in_frame + key.frame), "value": _value(key.value)} for key in keys]
    if keyframes:
        parameter["keyframe"] = keyframes
    return parameter


def _filter(name: str, effect_id: str, category: str, kind: str, media: str, parameters: list[dict]) -> dict:
    return {
        "effect": {
            "name": name,
            "effectid": effect_id,
            "effectcategory": category,
            "effecttype": kind,
            "mediatype": media,
            "parameter": parameters,
        }
    }


CROP_SIDES = ("left", "right", "top", "bottom")
Animation = dict[str, list[Key]]  # parameter id -> its keyframes (an animated parameter only)


def basic_motion(motion: BasicMotion, keys: Animation | None = None, in_frame: int = 0) -> dict:
    keys = keys or {}
    return _filter(
        "Basic Motion",
        "basic",
        "motion",
        "motion",
        "video",
        [
            _parameter("scale", "Scale", motion.scale, 0, 1000, keys.get("scale", ()), in_frame),
            _parameter(
                "rotation", "Rotation", motion.rotation, -8640, 8640, keys.get("rotation", ()), in_frame
            ),
            _parameter(
                "center",
                "Center",
                (motion.center_h, motion.center_v),
                keys=keys.get("center", ()),
                in_frame=in_frame,
            ),
            _parameter("centerOffset", "Anchor Point", (0.0, 0.0)),
        ],
    )


def crop(motion: BasicMotion, keys: Animation | None = None, in_frame: int = 0) -> dict:
    keys = keys or {}
    return _filter(
        "Crop",
        "crop",
        "motion",
        "motion",
        "video",
        [
            _parameter(
                side, side.capitalize(), getattr(motion, f"crop_{side}"), 0, 100, keys.get(side, ()), in_frame
            )
            for side in CROP_SIDES
        ],
    )


def opacity(percent: float, keys: list[Key], in_frame: int) -> dict:
    return _filter(
        "Opacity",
        "opacity",
        "motion",
        "motion",
        "video",
        [_parameter("opacity", "Opacity", percent, 0, 100, keys, in_frame)],
    )


def audio_levels(level: float, keys: list[Key], in_frame: int) -> dict:
    return _filter(
        "Audio Levels",
        "audiolevels",
        "audiolevels",
        "audiolevels",
        "audio",
        [_parameter("level", "Level", level, 0, LEVEL_MAX, keys, in_frame)],
    )


def audio_pan(pan: float, keys: list[Key] | None = None, in_frame: int = 0) -> dict:
    return _filter(
        "Audio Pan",
        "audiopan",
        "audiopan",
        "audiopan",
        "audio",
        [_parameter("pan", "Pan", pan, -1, 1, keys or (), in_frame)],
    )


def time_remap(speed: float, reverse: bool) -> dict:
    """A constant speed change (percent), forwards or backwards."""
    return _filter(
        "Time Remap",
        "timeremap",
        "motion",
        "motion",
        "video",
        [
            {
                "parameterid": "variablespeed",
                "name": "variablespeed",
                "valuemin": "0",
                "valuemax": "1",
                "value": "0",
            },
            _parameter("speed", "speed", speed * 100, -100000, 100000),
            {"parameterid": "reverse", "name": "reverse", "value": "TRUE" if reverse else "FALSE"},
            {"parameterid": "frameblending", "name": "frameblending", "value": "FALSE"},
        ],
    )


def transition_effect(kind: str) -> dict:
    name, effect_id, category, colour = TRANSITIONS.get(kind, TRANSITIONS["crossfade"])
    effect: dict[str, Any] = {
        "name": name,
        "effectid": effect_id,
        "effectcategory": category,
        "effecttype": "transition",
        "mediatype": "video",
        "wipecode": "0",
        "wipeaccuracy": "100",
        "startratio": "0",
        "endratio": "1",
        "reverse": "FALSE",
    }
    if colour is not None:
        red, green, blue = colour
        effect["parameter"] = {
            "parameterid": "color",
            "name": "Color",
            "value": {"alpha": "255", "red": str(red), "green": str(green), "blue": str(blue)},
        }
    return effect


def audio_transition_effect() -> dict:
    name, effect_id, category = AUDIO_TRANSITION
    return {
        "name": name,
        "effectid": effect_id,
        "effectcategory": category,
        "effecttype": "transition",
        "mediatype": "audio",
    }


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
            value = keyframe["value"]
            point = (float(value["horiz"]), float(value["vert"])) if isinstance(value, dict) else float(value)
            found.append(Key(int(float(keyframe["when"])) - in_frame, point))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(found, key=lambda key: key.frame)
