"""Tool parameters derived from a pydantic parameters model (a service action's, the export options): one
keyword parameter per field, named, described and defaulted as the model declares it.

The MCP SDK builds a tool's input schema, and the model that checks a call's arguments, from the tool
function's signature; a derived tool therefore gets an explicit `__signature__`. Each parameter publishes a
flat JSON schema, for clients that sanitise schemas (Gemini CLI drops `$ref`/`$defs` and copes badly with
`anyOf`): nested models are inlined, optional values publish their plain type, a value of several types
publishes none. The SDK's own check stays lenient (text stays text, anything else passes) so that the
parameters model checks each call once, and its errors read like every other front end's."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, TypeAdapter, WithJsonSchema
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

Schema = dict[str, Any]
_NULL = {"type": "null"}


def flat_schema(schema: Schema, defs: dict[str, Schema] | None = None) -> Schema:
    """`schema` without `$ref`, `$defs`, `anyOf`, `oneOf` or `allOf`, and without titles."""
    defs = {**(defs or {}), **schema.get("$defs", {})}
    if "$ref" in schema:
        referenced = defs[schema["$ref"].rsplit("/", 1)[-1]]
        schema = {**referenced, **{k: v for k, v in schema.items() if k != "$ref"}}
    result: Schema = {}
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            choices = [flat_schema(c, defs) for c in schema[key] if c != _NULL]
            # One choice left (an optional value): it is the schema. Several: accept any value.
            result.update(choices[0] if len(choices) == 1 else {})
    for key, value in schema.items():
        if key in ("$defs", "$ref", "anyOf", "oneOf", "allOf", "title"):
            continue
        if key == "prefixItems":  # a fixed-length tuple: one item schema when the items agree
            items = [flat_schema(v, defs) for v in value]
            if all(item == items[0] for item in items):
                result["items"] = items[0]
        elif key == "items" and isinstance(value, dict):
            result[key] = flat_schema(value, defs)
        elif key == "additionalProperties" and isinstance(value, dict):
            result[key] = flat_schema(value, defs) or True  # values of several types: any value
        elif key == "properties":
            result[key] = {name: flat_schema(v, defs) for name, v in value.items()}
        else:
            result[key] = value
    return result


def _type_schema(info: FieldInfo) -> Schema:
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return flat_schema(TypeAdapter(annotation).json_schema())


def _is_text(info: FieldInfo) -> bool:
    """A plain text field: the SDK must hand its value over as given (it would parse a JSON-looking value of a
    field of any other type, e.g. a property value '{"x": 3}')."""
    return info.annotation is str and not any(isinstance(m, BeforeValidator) for m in info.metadata)


def _number_as_text(value: Any) -> Any:
    """A number given for a text parameter (property_set's value -6) is that number's text."""
    return str(value).lower() if isinstance(value, (int, float)) else value


def parameter(name: str, info: FieldInfo) -> inspect.Parameter:
    """The keyword parameter publishing one field of a parameters model."""
    schema = _type_schema(info)
    # A type's own help (what a time may look like) follows the field's (what the time is for).
    described = [text for text in (info.description, schema.pop("description", None)) if text]
    annotation = Annotated[
        Annotated[str, BeforeValidator(_number_as_text)] if _is_text(info) else Any,
        WithJsonSchema(schema),
        Field(description="; ".join(described) or None),
    ]
    if info.is_required():
        default: Any = inspect.Parameter.empty
    elif info.default_factory is not None:
        default = info.default_factory()  # type: ignore[call-arg]
    else:
        default = None if info.default is PydanticUndefined else info.default
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def model_parameters(model: type[BaseModel]) -> list[inspect.Parameter]:
    """A parameter per field of `model`, required ones first (the order of the published schema)."""
    params = [parameter(name, info) for name, info in model.model_fields.items()]
    return sorted(params, key=lambda p: p.default is not inspect.Parameter.empty)


def tool_function(
    name: str, description: str, parameters: list[inspect.Parameter], returns: Any, body: Callable[..., Any]
) -> Callable[..., Any]:
    """A function the SDK registers as a tool: `parameters` as its signature, calling `body(**arguments)`
    (awaited when `body` is a coroutine function)."""
    if inspect.iscoroutinefunction(body):

        async def call_async(**arguments: Any) -> Any:
            return await body(**arguments)

        tool: Callable[..., Any | Awaitable[Any]] = call_async
    else:

        def call(**arguments: Any) -> Any:
            return body(**arguments)

        tool = call
    tool.__name__ = tool.__qualname__ = name
    tool.__doc__ = description
    tool.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    tool.__annotations__ = {**{p.name: p.annotation for p in parameters}, "return": returns}
    return tool
