"""Node arguments turned into service-action parameters, without ComfyUI: which element a node edits ("last",
an id, or the element on a track at a time), JSON written in a text widget (effect parameters, keyframes, an
action's parameters), and references to ids an earlier Apply Action node remembered ("$name")."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from kijkocut.effects.catalog import EFFECTS
from kijkocut.json_input import text_depth, too_deep_message
from kijkocut.limits import MAX_ARGUMENT_DEPTH
from kijkocut.model import Project
from kijkocut.service import lookup
from kijkocut.service.effects import KeyframeArg
from kijkocut.service.errors import ServiceError
from kijkocut.service.times import parse_time
from kijkocut.validation_messages import describe_validation_error

TARGET_HELP = (
    "'last' = the element added most recently; an element id (e.g. 'V1_1'); or empty to use the "
    "element on `track` at `time`."
)
KEYFRAMES_EXAMPLE = '[{"time": 0, "value": 1}, {"time": 2, "value": 1.5, "interpolation": "ease_out"}]'
REFS_HELP = (
    '"$name" is the first id the Apply Action remembered as `name` created (the clip of add_clip, '
    'the media list of import_media); "$name.key" picks one of them, "$name.media_ids[0]" one item; '
    '"$last" is the element added last; "$$" writes a literal "$".'
)
_REF = re.compile(r"^\$([A-Za-z_]\w*)(?:\.(\w+))?(?:\[(\d+)\])?$")
REF_NAME = re.compile(r"^[A-Za-z_]\w{0,63}$")


def target(project: Project, element_id: str, track: str, time: float) -> str:
    """`element_id` wins ('last' or an id); empty means the element on `track` covering `time`."""
    at = parse_time(time, project.settings.frame_rate, what="time")
    return lookup.resolve_element(project, element_id, track.strip() or None, at)


def _json(text: str, name: str, example: str) -> Any:
    if text_depth(text) > MAX_ARGUMENT_DEPTH:
        raise ServiceError(too_deep_message(name, MAX_ARGUMENT_DEPTH))
    try:
        return json.loads(text or "null")
    except ValueError as exc:
        raise ServiceError(
            f"{name} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            f"write it like {example}"
        ) from None


def params_object(text: str, name: str = "params_json", example: str = '{"amount": 0.5}') -> dict[str, Any]:
    """A JSON object from a text widget (empty text = no parameters)."""
    params = _json(text, name, example) if text.strip() else {}
    if not isinstance(params, dict):
        raise ServiceError(f"{name} must be a JSON object such as {example}")
    return params


def effect_help() -> str:
    """Every effect's parameters with their ranges, for the params tooltip."""
    lines = []
    for spec in EFFECTS.values():
        params = ", ".join(
            name if p.low is None else f"{name} {p.low:g}..{p.high:g}" for name, p in spec.params.items()
        )
        lines.append(f"{spec.kind}: {params}")
    return "\n".join(lines)


def keyframes(text: str) -> list[dict[str, Any]]:
    """A JSON list of keyframes for the set_keyframes action: objects {"time", "value", "interpolation"?,
    "bezier"?} or [time, value, interpolation?] triples; times are from the element's start. Each is checked
    with the action's own keyframe model."""
    items = _json(text, "keyframes_json", KEYFRAMES_EXAMPLE)
    if not isinstance(items, list):
        raise ServiceError(f"keyframes_json must be a JSON list such as {KEYFRAMES_EXAMPLE}")
    result = []
    for index, item in enumerate(items):
        if isinstance(item, list) and 2 <= len(item) <= 3:
            item = dict(zip(("time", "value", "interpolation"), item))
        if not isinstance(item, dict):
            raise ServiceError(
                f"keyframe {index}: expected an object or [time, value], got a {type(item).__name__}"
            )
        try:
            KeyframeArg.model_validate(item)
        except ValidationError as exc:
            raise ServiceError(f"keyframe {index}: {describe_validation_error(exc)}") from None
        result.append(item)
    return result


def has_refs(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("$") and not value.startswith("$$") and bool(_REF.match(value))
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(has_refs(child) for child in children)


def bind_refs(value: Any, refs: Mapping[str, dict[str, Any]], project: Project) -> Any:
    """Parameters with every "$name" reference replaced by the id it names (see REFS_HELP)."""
    if isinstance(value, dict):
        return {key: bind_refs(child, refs, project) for key, child in value.items()}
    if isinstance(value, list):
        return [bind_refs(child, refs, project) for child in value]
    if not isinstance(value, str) or not value.startswith("$"):
        return value
    if value.startswith("$$"):
        return value[1:]
    match = _REF.match(value)
    if match is None:
        return value  # "$5 off" is text, not a reference
    name, key, index = match.groups()
    if name == "last" and key is None and index is None:
        return lookup.last_added(project)
    if name not in refs:
        remembered = ", ".join(refs) or "nothing yet"
        raise ServiceError(
            f"{value}: no Apply Action remembered anything as {name!r} (remembered: "
            f"{remembered}); set remember_as on the node that creates it, or write ${value} "
            "for the text itself"
        )
    created = refs[name]
    if key is None:
        if not created:
            raise ServiceError(f"{value}: the action remembered as {name!r} created nothing")
        bound = next(iter(created.values()))
    elif key in created:
        bound = created[key]
    else:
        raise ServiceError(f"{value}: {name} holds {', '.join(created) or 'nothing'}, not {key!r}")
    if index is not None:
        if not isinstance(bound, list) or int(index) >= len(bound):
            count = len(bound) if isinstance(bound, list) else "no"
            raise ServiceError(f"{value}: {name} holds {count} items, there is no item {index}")
        bound = bound[int(index)]
    return bound
