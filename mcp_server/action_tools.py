"""The editing tools, derived from the service layer's action declarations: one table maps each MCP tool name
(assistant configs depend on the names) to its action, a title and its hints; the parameters (names, types,
descriptions, defaults) are the action's, plus `project_id`. Every call runs the action on the stored
project as one undo step and answers with the changed elements, the new revision and the ids it created. An
action the table does not name yet is served under its own name, so a new action reaches MCP clients at once."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from mcp_types import ToolAnnotations
from pydantic import Field

from kijkocut.service.actions import Action, ActionOutcome, all_actions, run_action
from mcp_server.hints import EDIT, EDIT_IDEMPOTENT, REMOVE
from mcp_server.schemas import EditOutcome, ImportOutcome, SkippedFile
from mcp_server.services import ORIGIN, Services
from mcp_server.tool_params import model_parameters, tool_function
from mcp_server.views import edit_outcome, media_view
from mcp_server.workspace import Workspace

ProjectId = Annotated[str, Field(min_length=1, max_length=64, description="id from project_list")]
PROJECT_ID = inspect.Parameter("project_id", inspect.Parameter.KEYWORD_ONLY, annotation=ProjectId)
# Ids a call names that its answer repeats (effect_update answers with the effect it changed).
ECHOED_IDS = ("effect_id", "transition_id")


@dataclass(frozen=True)
class ActionTool:
    name: str
    action: str
    title: str
    hints: ToolAnnotations = field(default_factory=lambda: EDIT)
    note: str = ""  # what the description adds for an MCP client: the other tools to use


ACTION_TOOLS: tuple[ActionTool, ...] = (
    ActionTool(
        "media_import",
        "import_media",
        "Import media",
        EDIT_IDEMPOTENT,
        note="clip_add puts media on the timeline (or set add_to_timeline).",
    ),
    ActionTool("track_add", "add_track", "Add track"),
    ActionTool("track_update", "update_track", "Change track", EDIT_IDEMPOTENT),
    ActionTool("track_reorder", "reorder_track", "Reorder track", EDIT_IDEMPOTENT),
    ActionTool("clip_add", "add_clip", "Add clip"),
    ActionTool(
        "text_add",
        "add_text",
        "Add text",
        note="property_set changes any style field later (style.letter_spacing, style.box_padding, ...).",
    ),
    ActionTool(
        "adjustment_add", "add_adjustment", "Add adjustment layer", note="effect_add puts effects on it."
    ),
    ActionTool("element_move", "move_element", "Move element", EDIT_IDEMPOTENT),
    ActionTool("element_trim", "trim_element", "Trim element", EDIT_IDEMPOTENT),
    ActionTool("element_split", "split_element", "Split element"),
    ActionTool("timeline_split", "split_at", "Split at time"),
    ActionTool(
        "element_delete", "delete_element", "Delete element", REMOVE, note="project_undo brings it back."
    ),
    ActionTool("transition_add", "add_transition", "Add transition"),
    ActionTool("transition_update", "update_transition", "Change transition", EDIT_IDEMPOTENT),
    ActionTool(
        "property_set",
        "set_property",
        "Set property",
        EDIT_IDEMPOTENT,
        note="source_in slips a clip (its place and length stay).",
    ),
    ActionTool(
        "effect_add", "add_effect", "Add effect", note="effect_list shows the effects and their parameters."
    ),
    ActionTool("effect_update", "update_effect", "Change effect", EDIT_IDEMPOTENT),
    ActionTool(
        "effect_remove", "remove_effect", "Remove effect", REMOVE, note="project_undo brings it back."
    ),
    ActionTool("keyframes_set", "set_keyframes", "Set keyframes", EDIT_IDEMPOTENT),
    ActionTool("animation_preset_apply", "apply_animation_preset", "Apply animation preset", EDIT_IDEMPOTENT),
    ActionTool("speed_set", "set_speed", "Set speed", EDIT_IDEMPOTENT),
    ActionTool("freeze_frame", "freeze_frame", "Freeze frame"),
    ActionTool("audio_detach", "detach_audio", "Detach audio"),
    ActionTool("marker_add", "add_marker", "Add marker"),
    ActionTool(
        "marker_remove", "remove_marker", "Remove marker", REMOVE, note="project_undo brings it back."
    ),
    ActionTool(
        "captions_import",
        "import_captions",
        "Import captions",
        note="property_set restyles the captions (style fields).",
    ),
    ActionTool("project_append", "append_project", "Append project"),
)


# The panel's drag gestures, which an assistant does with tools it has (property_set source_in slips a clip;
# marker_remove and marker_add move a marker): served as tools they would only cost every client's context.
PANEL_GESTURES = frozenset({"slip_element", "move_marker"})


def action_tools(actions: dict[str, Action[Any]]) -> list[ActionTool]:
    """The table's tools for the declared actions, then a tool for each action the table does not name (but
    the panel's gestures)."""
    named = [tool for tool in ACTION_TOOLS if tool.action in actions]
    covered = {tool.action for tool in named} | PANEL_GESTURES
    return named + [
        ActionTool(name, name, declared.label) for name, declared in actions.items() if name not in covered
    ]


def outcome_view(
    tool: ActionTool, outcome: ActionOutcome, arguments: dict[str, Any], workspace: Workspace
) -> EditOutcome | ImportOutcome:
    created = outcome.created
    if tool.action == "import_media":
        pool = outcome.project.media
        return ImportOutcome(
            project_id=outcome.project.id,
            revision=outcome.result.revision,
            imported=[media_view(pool[i], workspace) for i in created["media_ids"] if i in pool],
            skipped=[SkippedFile(path=path, reason=why) for path, why in created["skipped"]],
        )
    ids = {name: created.get(name) or arguments.get(name) for name in ECHOED_IDS}
    return edit_outcome(
        outcome.result,
        outcome.project,
        element_id=created.get("element_id"),
        marker_id=created.get("marker_id"),
        **ids,
    )


def register_action_tools(
    services: Services,
    register: Callable[[Callable[..., Any], str, ToolAnnotations], None],
) -> None:
    """Build every action's tool and hand it to `register(function, title, hints)`."""
    actions = all_actions()
    for tool in action_tools(actions):
        declared = actions[tool.action]
        returns = ImportOutcome if tool.action == "import_media" else EditOutcome
        parameters = model_parameters(declared.params)
        description = " ".join(filter(None, (declared.description, tool.note)))
        register(
            tool_function(
                tool.name, description, [PROJECT_ID, *parameters], returns, _body(services, tool, declared)
            ),
            tool.title,
            tool.hints,
        )


def _body(
    services: Services, tool: ActionTool, declared: Action[Any]
) -> Callable[..., EditOutcome | ImportOutcome]:
    def call(project_id: str, **arguments: Any) -> EditOutcome | ImportOutcome:
        # Checked here, so a refused value is named as the tool's parameter (no action name in front).
        parsed = declared.params.model_validate(arguments)
        outcome = run_action(
            services.projects,
            project_id,
            tool.action,
            parsed,
            ctx=services.action_context(project_id),
            origin=ORIGIN,
        )
        return outcome_view(tool, outcome, arguments, services.workspace)

    return call
