"""Generic nodes derived from the service layer's declarations: Apply Action runs any declared user action
(the ones the panel, the HTTP API and the MCP tools offer) on a timeline as one undo step, with its parameters
checked by the action's own model; Undo / Redo steps through a timeline's history."""

from __future__ import annotations

import json

from comfy_api.latest import io

from kijkocut.service.actions import all_actions, get_action
from kijkocut.service.errors import ServiceError

from .edit_args import REF_NAME, REFS_HELP, bind_refs, has_refs, params_object
from .host import apply
from .timeline_value import TimelineValue
from .types import Timeline, category, described, node_id, timeline_input

FOLDERS = ["input", "output"]  # where file names in an action's parameters are looked up
DEFAULT_ACTION = "add_clip"
PARAMS_EXAMPLE = '{"media_id": "$media[0]", "duration": "2"}'


def action_help() -> str:
    """Every action with its parameter names, for the params tooltip."""
    lines = []
    for declared in all_actions().values():
        names = ", ".join(declared.params.model_fields)
        lines.append(f"{declared.name}: {names}")
    return "\n".join(lines)


def checked_params(action: str, params_json: str) -> dict:
    """The parameters as a JSON object, checked by the action's model when they hold no references (those
    are checked once the ids they name are known)."""
    params = params_object(params_json, example=PARAMS_EXAMPLE)
    if not has_refs(params):
        get_action(action).parse(params)
    return params


class ApplyAction(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        names = sorted(all_actions())
        return io.Schema(
            node_id=node_id("ApplyAction"),
            display_name="Apply Action",
            category=category("edit"),
            **described(
                "Apply any KijkoCut action (the ones the timeline panel, the HTTP API and the MCP "
                "tools offer) to the timeline as one undo step. Times accept seconds, timecode and "
                "frames and land on the frame grid.",
                "run action",
                "any edit",
                "edit command",
                "scripted edit",
            ),
            inputs=[
                timeline_input(),
                io.Combo.Input(
                    "action",
                    options=names,
                    default=DEFAULT_ACTION,
                    tooltip="The action to apply; its parameters are listed under params_json.",
                ),
                io.String.Input(
                    "params_json",
                    default="{}",
                    multiline=True,
                    tooltip="The action's parameters as a JSON object. " + REFS_HELP + "\n" + action_help(),
                ),
                io.Combo.Input(
                    "folder",
                    options=FOLDERS,
                    default="input",
                    optional=True,
                    tooltip="Where file names in the parameters (import_media paths, a LUT) are looked up.",
                ),
                io.String.Input(
                    "remember_as",
                    default="",
                    optional=True,
                    tooltip="Remember the ids this action creates under this name, for later "
                    'Apply Action nodes to use as "$name".',
                ),
            ],
            outputs=[
                Timeline.Output(display_name="timeline"),
                io.String.Output(display_name="created", tooltip="the ids the action created, as JSON"),
            ],
        )

    @classmethod
    def validate_inputs(
        cls, action: str | None = None, params_json: str | None = None, remember_as: str = ""
    ) -> bool | str:
        if action is None or params_json is None:
            return True  # linked inputs arrive as None here; execute checks their values
        if remember_as.strip() and not REF_NAME.match(remember_as.strip()):
            return f"remember_as {remember_as.strip()!r}: use letters, digits and _ (e.g. 'first_clip')"
        try:
            checked_params(action, params_json)
        except ServiceError as exc:
            return str(exc)
        return True

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        action: str,
        params_json: str,
        folder: str = "input",
        remember_as: str = "",
    ) -> io.NodeOutput:
        params = bind_refs(checked_params(action, params_json), timeline.refs, timeline.project)
        result, outcome = apply(timeline, action, params, folder)
        if remember_as.strip():
            result = result.remembering(remember_as.strip(), outcome.created)
        return io.NodeOutput(result, json.dumps(outcome.created, default=str))


class UndoRedo(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("UndoRedo"),
            display_name="Undo / Redo",
            category=category("edit"),
            **described(
                "Take back the last steps of the timeline's history, or redo steps taken back.",
                "undo",
                "redo",
                "history",
                "revert edit",
            ),
            inputs=[
                timeline_input(),
                io.Combo.Input(
                    "step",
                    options=["undo", "redo"],
                    default="undo",
                    tooltip="undo takes edits back; redo puts back edits an undo took.",
                ),
                io.Int.Input("times", default=1, min=1, max=1000, tooltip="How many steps."),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, step: str, times: int) -> io.NodeOutput:
        return io.NodeOutput(timeline.stepped("redo" if step == "redo" else "undo", times))


NODES: list[type[io.ComfyNode]] = [ApplyAction, UndoRedo]
