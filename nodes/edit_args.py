"""Node arguments turned into engine values, without ComfyUI: which element a node edits ("last", an id, or
the element on a track at a time), effect parameters and keyframes written as JSON in a text widget."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from kijkocut.animation import Keyframe
from kijkocut.effects.catalog import EFFECTS, resolve_params
from kijkocut.errors import EditError
from kijkocut.model import Project

from .timeline_value import element_at, seconds_arg

LAST = "last"
TARGET_HELP = ("'last' = the element added most recently; an element id (e.g. 'V1_1'); or empty to use the "
               "element on `track` at `time`.")


def last_added(project: Project) -> str:
    """The newest element the history added that still exists (clips, titles, freeze frames...)."""
    existing = {e.id for t in project.tracks for e in t.elements}
    for entry in reversed(project.history.done):
        added = [c.id for c in entry.changes if c.entity == "element" and c.before is None and c.id in existing]
        if added:
            return added[-1]
    raise EditError("no element has been added to this timeline yet: give an element id, or clear element_id "
                    "and pick one by track and time")


def resolve_target(project: Project, element_id: str, track: str, time: float) -> str:
    """`element_id` wins ('last' or an id); empty means the element on `track` at `time`."""
    wanted = element_id.strip()
    if wanted.lower() == LAST:
        return last_added(project)
    if wanted:
        try:
            project.element(wanted)
        except KeyError:
            raise EditError(f"unknown element {wanted!r}") from None
        return wanted
    return element_at(project, track.strip(), seconds_arg(time, "time")).id


def _json(text: str, name: str, example: str) -> Any:
    try:
        return json.loads(text or "null")
    except ValueError as exc:
        raise EditError(f"{name} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                        f"write it like {example}") from None


def params_object(text: str) -> dict[str, float | bool | str]:
    """A JSON object of effect parameters (empty text = all defaults)."""
    params = _json(text, "params_json", '{"amount": 0.5}') if text.strip() else {}
    if not isinstance(params, dict):
        raise EditError('params_json must be a JSON object such as {"amount": 0.5}')
    return params


def effect_params(kind: str, text: str) -> dict[str, float | bool | str]:
    """Checked parameters of an effect: unknown kinds and names, wrong types and out-of-range values are
    errors that name the problem."""
    try:
        return resolve_params(kind, params_object(text))
    except ValueError as exc:
        raise EditError(str(exc)) from None


def effect_help() -> str:
    """Every effect's parameters with their ranges, for the params tooltip."""
    lines = []
    for spec in EFFECTS.values():
        params = ", ".join(name if p.low is None else f"{name} {p.low:g}..{p.high:g}" for name, p in spec.params.items())
        lines.append(f"{spec.kind}: {params}")
    return "\n".join(lines)


def keyframes(text: str) -> list[Keyframe]:
    """A JSON list of keyframes: objects {"time", "value", "interpolation"?, "bezier"?} or [time, value,
    interpolation?] triples; times are seconds from the element's start. An empty list removes the animation."""
    example = '[{"time": 0, "value": 1}, {"time": 2, "value": 1.5, "interpolation": "ease_out"}]'
    items = _json(text, "keyframes_json", example)
    if not isinstance(items, list):
        raise EditError(f"keyframes_json must be a JSON list such as {example}")
    result = []
    for index, item in enumerate(items):
        if isinstance(item, list) and 2 <= len(item) <= 3:
            item = dict(zip(("time", "value", "interpolation"), item))
        if not isinstance(item, dict):
            raise EditError(f"keyframe {index}: expected an object or [time, value], got {item!r}")
        try:
            result.append(Keyframe(**{**item, "time": seconds_arg(item.get("time", 0), "time")}))
        except (ValidationError, TypeError, ValueError) as exc:
            errors = getattr(exc, "errors", None)
            detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors()) if errors else exc
            raise EditError(f"keyframe {index}: {detail}") from None
    return result
