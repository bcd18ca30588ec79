"""What `tools/list` publishes, kept small: a client sends every tool's schemas with each request, so their
size is paid on every turn. Titles and null defaults go, `anyOf` with null becomes a type list, the long
time-format help is said once in the server's instructions, descriptions are dedented, and every parameter
gets a description (an id parameter says which tool gives the id)."""

from __future__ import annotations

import inspect
from typing import Any

from kijkocut.service.times import TIME_HELP

Schema = dict[str, Any]
SHORT_TIME_HELP = "a time"
_NULL = {"type": "null"}
# Checked by the parameters model on every call; published, they only lengthen each id and name.
LENGTH_LIMITS = ("minLength", "maxLength")
VALUE_LIMITS = ("enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems")

# Where an id comes from, for parameters whose declaration says nothing.
ID_SOURCES = {
    "project_id": "id from project_list",
    "element_id": "id from project_describe",
    "track_id": "id from project_describe",
    "effect_id": "id from effect_add or project_describe",
    "transition_id": "id from transition_add or project_describe",
    "marker_id": "id from marker_add",
    "media_id": "id from media_import or media_list",
    "job_id": "id from job_list or the call that started it",
    "workflow_id": "id from workflow_search",
}


def short_text(text: str) -> str:
    """A description dedented, with the time-format help shortened (the instructions say it in full)."""
    return inspect.cleandoc(text).replace(TIME_HELP, SHORT_TIME_HELP)


def _nullable(choices: list[Schema], *, output: bool) -> Schema | None:
    """`anyOf: [{type: X, ...}, {type: null}]` as `{type: [X, null], ...}`, or as X in an output schema (results
    leave out empty values, as callers do); None when it does not fit."""
    others = [c for c in choices if c != _NULL]
    if len(others) != 1 or len(choices) != 2 or not isinstance(others[0].get("type"), str):
        return None
    return others[0] if output else {**others[0], "type": [others[0]["type"], "null"]}


def compact_schema(schema: Any, *, output: bool, nested: bool = True) -> Any:
    """`schema` without titles; for an output schema also without defaults (a result states its values).
    `nested=False` publishes nested models as plain objects (one level of fields): only project_describe
    spells out the element, track and media views that other results repeat."""
    if isinstance(schema, list):
        return [compact_schema(item, output=output, nested=nested) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if not nested and "$ref" in schema:
        return {"type": "object"}
    result: Schema = {}
    for key, value in schema.items():
        if not nested and output and key in ("$defs", "required", *VALUE_LIMITS):
            continue  # a flat result: each field's type, no more
        if not nested and output and key == "items":
            continue  # a list: "array" says it
        if key == "title" and isinstance(value, str) or key in LENGTH_LIMITS and not output:
            continue
        if key == "default" and (output or value in (None, False, [], {})):
            continue  # an omitted option is off or empty unless its default says otherwise
        if key in ("properties", "$defs") and isinstance(value, dict):
            result[key] = {
                name: compact_schema(sub, output=output, nested=nested) for name, sub in value.items()
            }
        elif key == "description" and isinstance(value, str):
            if not output:  # a result's field names say enough; its tool's description says the rest
                result[key] = short_text(value)
        else:
            result[key] = compact_schema(value, output=output, nested=nested)
    if (
        isinstance(result.get("anyOf"), list)
        and (merged := _nullable(result["anyOf"], output=output)) is not None
    ):
        result = {**{k: v for k, v in result.items() if k != "anyOf"}, **merged}
    return result


def names_a_new_object(description: str) -> bool:
    """An id parameter that names the object a call creates (it comes from the caller, not from a tool)."""
    return "new" in description or "generated" in description


def described_inputs(schema: Schema) -> Schema:
    """The input schema with a description on every property (an id says where it comes from)."""
    properties = {}
    for name, prop in schema.get("properties", {}).items():
        said = prop.get("description", "")
        source = next((said_by for suffix, said_by in ID_SOURCES.items() if name.endswith(suffix)), None)
        if not said:
            prop = {**prop, "description": source or name.replace("_", " ")}
        elif source and " from " not in said and not names_a_new_object(said):
            prop = {**prop, "description": f"{said} ({source})"}
        properties[name] = prop
    return {**schema, "properties": properties}


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and value != ""


def summary(model: Any, limit: int = 300) -> str:
    """One short line for a result's text block: its set scalar fields and the size of its lists (the
    structured content carries the rest; clients that read only text still see what happened)."""
    parts = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in model.model_fields_set or name in ("project_id", "revision", "state", "done"):
            if _scalar(value):
                parts.append(f"{name}={value}")
            elif isinstance(value, list) and value:
                ids = [
                    getattr(item, "id", None) or (item if isinstance(item, str) else None) for item in value
                ]
                shown = ", ".join(str(i) for i in ids[:5] if i)
                parts.append(
                    f"{name}: {len(value)}"
                    + (f" ({shown}{', ...' if len(value) > 5 else ''})" if shown else "")
                )
    line = "; ".join(parts) or type(model).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."


def without_properties(schema: Schema, names: set[str]) -> Schema:
    """An object schema less the named properties (fields a tool never fills; a result that has them
    still validates, since further properties are allowed)."""
    kept = {k: v for k, v in schema.get("properties", {}).items() if k not in names}
    return {
        **schema,
        "properties": kept,
        **({"required": [r for r in schema["required"] if r not in names]} if "required" in schema else {}),
    }
