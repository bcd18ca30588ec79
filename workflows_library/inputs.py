"""Typed workflow inputs: coerce user values (CLI strings, JSON) and write them into an API workflow, and
tell local media files (uploaded when the job runs) from file names already on the ComfyUI server.

Only an absolute path is a local file, and a front end makes it so after confining what the user named
(`localise_media_inputs`): the MCP server to its workspace, the CLI from the shell's working directory. The
library itself never looks a name up in its process's working directory."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import Any

from workflows_library.cards import InputSpec, InputType, WorkflowCard
from workflows_library.errors import InputError

ApiWorkflow = dict[str, dict[str, Any]]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def coerce_value(spec: InputSpec, value: Any) -> Any:
    """Convert `value` to the spec's type and check range/choices; raise InputError saying why not."""
    kind = spec.type
    try:
        if kind in (InputType.int, InputType.seed):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            result: Any = int(value)
        elif kind is InputType.float:
            if isinstance(value, bool):
                raise ValueError
            result = float(value)
        elif kind is InputType.bool:
            if isinstance(value, bool):
                result = value
            elif str(value).strip().lower() in _TRUE | _FALSE:
                result = str(value).strip().lower() in _TRUE
            else:
                raise ValueError
        else:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise ValueError
            result = str(value)
    except (TypeError, ValueError):
        raise InputError(f"input {spec.name!r} expects {kind.value}, got {value!r}") from None

    if kind is InputType.seed and result < 0:
        raise InputError(f"input {spec.name!r}: seed must be >= 0, got {result}")
    if spec.minimum is not None and isinstance(result, int | float) and result < spec.minimum:
        raise InputError(f"input {spec.name!r}: {result} is below the minimum {spec.minimum:g}")
    if spec.maximum is not None and isinstance(result, int | float) and result > spec.maximum:
        raise InputError(f"input {spec.name!r}: {result} is above the maximum {spec.maximum:g}")
    if spec.choices is not None and result not in spec.choices:
        raise InputError(f"input {spec.name!r}: {result!r} is not one of {', '.join(spec.choices)}")
    if kind.is_media and not result:
        raise InputError(f"input {spec.name!r} needs a file")
    return result


def resolve_inputs(card: WorkflowCard, values: dict[str, Any]) -> dict[str, Any]:
    """Coerced values for every input the user set; unknown or missing required inputs are errors."""
    unknown = sorted(set(values) - {spec.name for spec in card.inputs})
    if unknown:
        known = ", ".join(spec.name for spec in card.inputs) or "none"
        raise InputError(f"workflow {card.id!r} has no input(s) {', '.join(unknown)} (inputs: {known})")
    missing = [name for name in card.inputs_needed if values.get(name) in (None, "")]
    if missing:
        raise InputError(f"workflow {card.id!r} needs input(s): {', '.join(missing)}")
    return {name: coerce_value(card.input(name), value) for name, value in values.items()}


def bind_inputs(card: WorkflowCard, workflow: ApiWorkflow, values: dict[str, Any]) -> ApiWorkflow:
    """A copy of `workflow` with every resolved input written into its target node fields."""
    resolved = resolve_inputs(card, values)
    bound = copy.deepcopy(workflow)
    for name, value in resolved.items():
        for target in card.input(name).targets:
            node = bound.get(target.node_id)
            if node is None:
                raise InputError(f"input {name!r} targets node {target.node_id}, absent from the workflow")
            node.setdefault("inputs", {})[target.field] = value
    return bound


def is_local_file(value: object) -> bool:
    """Whether a media input value names a file on this machine to upload (an absolute path); anything else
    is a file name in the server's input folder."""
    return isinstance(value, str) and os.path.isabs(value)


# A front end's answer for one media input (name, value): the absolute path of a file it allows, None to send
# the value as a file name on the server; it raises to refuse the value.
Locate = Callable[[str, str], str | None]


def localise_media_inputs(card: WorkflowCard, values: dict[str, Any], locate: Locate) -> dict[str, Any]:
    """A copy of `values` whose media inputs are replaced by what `locate` makes of them."""
    localised = dict(values)
    for spec in card.inputs:
        value = values.get(spec.name)
        if (
            spec.type.is_media
            and isinstance(value, str | int | float)
            and not isinstance(value, bool)
            and str(value).strip()
        ):
            path = locate(spec.name, str(value))
            if path is not None:
                localised[spec.name] = path
    return localised


def locate_from_cwd(name: str, value: str) -> str | None:
    """The command line's `Locate`: a path as someone at a shell means it ('~', or relative to the working
    directory). An existing file is local; a value spelt as a local path ('/', '.', '~' first) that names no
    file is an error; any other name is a file in the server's input folder."""
    expanded = os.path.expanduser(value)
    if os.path.isfile(expanded):
        return os.path.realpath(expanded)
    if os.path.isabs(expanded) or value.startswith((".", "~")):
        raise InputError(f"input {name!r}: file not found: {value}")
    return None


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """`["k=v", ...]` from the command line into a dict; the value may itself contain '='."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"expected NAME=VALUE, got {pair!r}")
        values[name.strip()] = value
    return values
