"""Command-line arguments derived from the service layer's parameter models (action parameters, export
options), never re-declared: each field becomes a `name=value` assignment or a `--name` option, with the
field's description as its help and the engine's own choices. Values stay text; the model's validation turns
'2' into 2 and 'true' into True, as it does for every other front end."""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel, WithJsonSchema
from pydantic.fields import FieldInfo

from kijkocut import limits
from kijkocut.json_input import JsonInputError
from kijkocut.json_input import loads as load_json
from kijkocut.service.errors import ServiceError
from kijkocut.service.times import TIME_HELP, TimeArg

HELP_WIDTH = 100


@dataclass(frozen=True)
class Param:
    """One field of a parameter model as the command line shows and reads it."""

    name: str
    shape: str  # how its value is written: TIME, TEXT, N, NUMBER, true|false, a|b|c, JSON
    required: bool
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    many: bool = False  # a list: the assignment repeats (paths=a.mp4 paths=b.mp4)
    json: bool = False  # an object: the value is JSON

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def params_of(model: type[BaseModel]) -> dict[str, Param]:
    schema = model.model_json_schema()
    return {
        name: _param(name, field, schema["properties"].get(name, {}))
        for name, field in model.model_fields.items()
    }


def _param(name: str, field: FieldInfo, prop: dict[str, Any]) -> Param:
    options = [option for option in prop.get("anyOf", [prop]) if option.get("type") != "null"]
    value = options[0] if len(options) == 1 else {}
    kind = value.get("type")
    many = kind == "array"
    if many:
        value = value.get("items", {})
        kind = value.get("type")
    choices = tuple(str(choice) for choice in value.get("enum", ()))
    if _is_time(field):
        shape = "TIME"
    elif choices:
        shape = "|".join(choices)
    else:
        shape = {"boolean": "true|false", "integer": "N", "number": "NUMBER", "string": "TEXT"}.get(
            kind or "", "JSON"
        )
    default = None if field.is_required() else field.get_default(call_default_factory=True)
    return Param(
        name=name,
        shape=shape,
        required=field.is_required(),
        default=default,
        description=" ".join((field.description or "").split()),
        choices=choices,
        many=many,
        json=shape == "JSON",
    )


def _is_time(field: FieldInfo) -> bool:
    def marks_time(metadata: Any) -> bool:
        return (
            isinstance(metadata, WithJsonSchema)
            and (metadata.json_schema or {}).get("description") == TIME_HELP
        )

    return any(marks_time(m) for m in field.metadata) or TimeArg in get_args(field.annotation)


# --- name=value assignments (actions) --------------------------------------------------------------------


def parse_assignments(items: list[str], params: dict[str, Param], what: str) -> dict[str, Any]:
    """`name=value` words as parameters: a list parameter collects its repeats, an object parameter reads
    JSON; an unknown or repeated name is an error naming the parameters there are."""
    values: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise ServiceError(f"{what}: expected name=value, got {item!r}")
        param = params.get(name)
        if param is None:
            raise ServiceError(
                f"{what} has no parameter {name!r}; its parameters: {', '.join(params) or 'none'}"
            )
        value: Any = read_json(text, name) if param.json or (param.many and text.startswith("[")) else text
        if param.many:
            values.setdefault(name, []).extend(value if isinstance(value, list) else [value])
        elif name in values:
            raise ServiceError(f"{what}: {name} is given twice")
        else:
            values[name] = value
    return values


def read_json(text: str, what: str) -> Any:
    try:
        return load_json(text, what=what, limit=limits.MAX_ARGUMENT_DEPTH)
    except JsonInputError as exc:
        raise ServiceError(f"{what}: {exc}") from None


def describe_params(params: dict[str, Param]) -> str:
    """The parameter list of an action's help: name=SHAPE, whether required or its default, what it is."""
    if not params:
        return "parameters: none"
    lines = ["parameters (name=value; repeat a list's name for more items):"]
    for param in params.values():
        head = f"  {param.name}={param.shape}{' ...' if param.many else ''}"
        notes = (
            ["required"]
            if param.required
            else ([f"default {_shown(param.default)}"] if param.default not in (None, [], {}) else [])
        )
        text = "; ".join([*notes, param.description] if param.description else notes) or "optional"
        lines.append(head)
        lines.extend(textwrap.wrap(text, HELP_WIDTH, initial_indent=" " * 6, subsequent_indent=" " * 6))
    if any(param.shape == "TIME" for param in params.values()):
        lines.append(f"TIME: {TIME_HELP}")
    return "\n".join(lines)


def _shown(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# --- --name options (export options) --------------------------------------------------------------------


def add_options(
    parser: argparse.ArgumentParser,
    params: dict[str, Param],
    *,
    flags: dict[str, list[str]] | None = None,
    skip: tuple[str, ...] = (),
) -> None:
    """One option per parameter: `--name VALUE` (the engine's choices where it has them), a boolean that is on
    by default as `--no-name`, one that is off as `--name`. `flags` gives a parameter other spellings (the
    names users' scripts already use); an option left out is absent from the parsed namespace."""
    flags = flags or {}
    for param in params.values():
        if param.name in skip:
            continue
        names = flags.get(param.name, [param.flag])
        text = param.description or None
        if param.shape == "true|false":
            if param.default is True:
                parser.add_argument(
                    *[f"--no-{n.removeprefix('--')}" for n in names],
                    dest=param.name,
                    action="store_const",
                    const=False,
                    default=argparse.SUPPRESS,
                    help=text,
                )
            else:
                parser.add_argument(
                    *names,
                    dest=param.name,
                    action="store_const",
                    const=True,
                    default=argparse.SUPPRESS,
                    help=text,
                )
            continue
        parser.add_argument(
            *names,
            dest=param.name,
            default=argparse.SUPPRESS,
            help=text,
            choices=param.choices or None,
            metavar=None if param.choices else param.shape,
        )


def options_given(args: argparse.Namespace, params: dict[str, Param]) -> dict[str, Any]:
    return {name: getattr(args, name) for name in params if hasattr(args, name)}
