"""Pydantic's validation errors in the words of the person (or model) who typed the input: the field as they
named it, what it must be, and nothing of pydantic's own vocabulary ('Field required', 'Input should be',
'function-after[...]'). One function for every front end, so the CLI, the nodes, the HTTP API and the MCP tools
phrase a refused value the same way.

Inputs are echoed only when they are numbers or booleans: a string may come from a file that is not ours (a
project path pointed at a secrets file), and error messages never quote file contents."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

# A hostile file can fail every one of 200,000 elements; the first few name the problem.
MAX_REPORTED_ERRORS = 10

_NUMBER_TYPES = {"float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"}
_WHOLE_NUMBER_TYPES = {"int_parsing", "int_type", "int_from_float", "int_parsing_size"}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}
_KINDS = {
    "string_type": "text",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "list_type": "a list",
    "tuple_type": "a list",
}


def describe_validation_error(error: ValidationError, *, skip: int = 0) -> str:
    """One line: '<field>: <what it must be>' per refused field, the first few of them. `skip` drops that many
    leading parts of each field's path (the tag of a tagged union validated on its own: 'text', 'clip')."""
    phrases: dict[str, str] = {}
    items = error.errors()
    for item in items:
        field = field_name(item["loc"][skip:])
        if field not in phrases:  # a union reports each member's complaint: the first says enough
            phrases[field] = _phrase(field, item)
    lines = list(phrases.values())
    shown = lines[:MAX_REPORTED_ERRORS]
    if len(lines) > MAX_REPORTED_ERRORS:
        shown.append(f"and {len(lines) - MAX_REPORTED_ERRORS} more")
    return "; ".join(shown)


def field_name(loc: tuple[int | str, ...]) -> str:
    """'style.size', 'keyframes[2].time': the path as the input spells it, without the union members and
    validator names pydantic adds ('str', 'function-after[...]', 'tagged-union[...]')."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        elif _is_type_marker(part):
            continue
        else:
            name += f".{part}" if name else part
    return name or "(the input)"


def _is_type_marker(part: str) -> bool:
    return "[" in part or part in {"str", "int", "float", "bool", "list", "dict", "none", "json-or-python"}


def _phrase(field: str, item: ErrorDetails) -> str:
    kind, context, value = item["type"], item.get("ctx") or {}, item.get("input")
    if kind == "missing":
        return f"{field}: missing (required)"
    if kind == "extra_forbidden":
        return f"{field}: not a known field"
    if kind in _NUMBER_TYPES:
        return f"{field}: must be a number{_got(value)}"
    if kind in _WHOLE_NUMBER_TYPES:
        return f"{field}: must be a whole number{_got(value)}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{field}: must be {words} {_number(context.get(key))}{_got(value)}"
    if kind == "string_too_short":
        least = context.get("min_length", 1)
        return f"{field}: must not be empty" if least == 1 else f"{field}: needs at least {least} characters"
    if kind == "string_too_long":
        return f"{field}: is too long (at most {context.get('max_length')} characters)"
    if kind == "too_short":
        return f"{field}: needs at least {context.get('min_length')} item(s)"
    if kind == "too_long":
        return f"{field}: has too many items (at most {context.get('max_length')})"
    if kind in ("literal_error", "enum"):
        return f"{field}: must be one of {_choices(context.get('expected', ''))}"
    if kind in _KINDS:
        return f"{field}: must be {_KINDS[kind]}"
    # value_error, assertion_error and the rest carry our own validators' words
    return f"{field}: {item['msg'].removeprefix('Value error, ').removeprefix('Assertion failed, ')}"


def _got(value: Any) -> str:
    return f", got {_number(value)}" if isinstance(value, bool | int | float) else ""


def _number(value: Any) -> Any:
    """1.0 as 1: bounds are written as people write them."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _choices(expected: str) -> str:
    """Pydantic's "'a', 'b' or 'c'" as 'a, b, c'."""
    return expected.replace("'", "").replace(" or ", ", ")
