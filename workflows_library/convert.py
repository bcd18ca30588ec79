"""UI-format (litegraph: nodes + links + widgets_values) to API-format conversion, using `/object_info`
to name the widget values. Frontend-only nodes are resolved: Reroute and bypassed nodes pass their input
through, PrimitiveNode values are inlined, notes and muted nodes are dropped."""

from __future__ import annotations

from typing import Any

from workflows_library.errors import WorkflowLibraryError
from workflows_library.object_info import NodeDef
from workflows_library.workflow_format import ApiWorkflow

FRONTEND_ONLY = {"Note", "MarkdownNote", "Reroute", "PrimitiveNode"}
MODE_MUTED, MODE_BYPASSED = 2, 4
_SEED_CONTROLS = {"fixed", "increment", "decrement", "randomize"}


class ConversionError(WorkflowLibraryError):
    pass


def ui_node_types(ui: dict[str, Any]) -> list[str]:
    """Executable node types a UI workflow uses, including those inside subgraphs."""
    subgraphs = (ui.get("definitions") or {}).get("subgraphs") or []
    subgraph_ids = {sg.get("id") for sg in subgraphs}
    nodes = list(ui.get("nodes", [])) + [n for sg in subgraphs for n in sg.get("nodes", [])]
    return sorted(
        {
            n["type"]
            for n in nodes
            if n.get("type") not in FRONTEND_ONLY
            and n.get("type") not in subgraph_ids
            and n.get("mode", 0) != MODE_MUTED
        }
    )


def _widget_inputs(definition: NodeDef) -> list[str]:
    return [name for name, spec in definition.inputs.items() if spec.is_widget]


def _widget_values(node: dict[str, Any], definition: NodeDef) -> dict[str, Any]:
    values = node.get("widgets_values")
    if isinstance(values, dict):  # some packs store widgets by name
        return {k: v for k, v in values.items() if k in definition.inputs}
    values = list(values or [])
    named: dict[str, Any] = {}
    position = 0
    for name in _widget_inputs(definition):
        if position >= len(values):
            break
        named[name] = values[position]
        position += 1
        spec = definition.inputs[name]
        # The frontend adds a hidden "control after generate" widget behind seed-like INT inputs.
        if spec.type == "INT" and position < len(values) and values[position] in _SEED_CONTROLS:
            position += 1
    return named


def ui_to_api(ui: dict[str, Any], nodes: dict[str, NodeDef]) -> ApiWorkflow:
    if (ui.get("definitions") or {}).get("subgraphs"):
        raise ConversionError(
            "this workflow uses subgraphs, which the converter does not flatten yet; "
            "open it in ComfyUI and use 'Export (API)'"
        )
    by_id = {str(n["id"]): n for n in ui.get("nodes", [])}
    links = {link[0]: (str(link[1]), link[2]) for link in ui.get("links", []) if link}

    def input_link(node: dict[str, Any], slot: int | None = None, type_: str | None = None) -> int | None:
        for index, port in enumerate(node.get("inputs") or []):
            if port.get("link") is None:
                continue
            if (slot is not None and index == slot) or (type_ is not None and port.get("type") == type_):
                return port["link"]
        return None

    def resolve(link_id: int, depth: int = 0) -> tuple[str, int] | tuple[None, Any] | None:
        """(node_id, slot) of the real producer, (None, literal) for a primitive, None when cut off."""
        if depth > 64 or link_id not in links:
            return None
        origin_id, slot = links[link_id]
        origin = by_id.get(origin_id)
        if origin is None:
            return None
        kind, mode = origin.get("type"), origin.get("mode", 0)
        if kind == "PrimitiveNode":
            return None, (origin.get("widgets_values") or [None])[0]
        if kind == "Reroute":
            upstream = input_link(origin, slot=0)
            return resolve(upstream, depth + 1) if upstream is not None else None
        if mode == MODE_BYPASSED:  # pass through the first input of the same type
            out_type = (origin.get("outputs") or [{}])[slot].get("type")
            upstream = input_link(origin, type_=out_type)
            return resolve(upstream, depth + 1) if upstream is not None else None
        if mode == MODE_MUTED:
            return None
        return origin_id, slot

    api: ApiWorkflow = {}
    for node_id, node in by_id.items():
        kind = node.get("type")
        if kind in FRONTEND_ONLY or node.get("mode", 0) in (MODE_MUTED, MODE_BYPASSED):
            continue
        definition = nodes.get(kind)
        if definition is None:
            raise ConversionError(f"node {node_id}: unknown node type {kind!r} (custom node pack missing?)")
        inputs = _widget_values(node, definition)
        for port in node.get("inputs") or []:
            name = port.get("name")
            if port.get("link") is None or name not in definition.inputs:
                continue
            source = resolve(port["link"])
            if source is None:
                inputs.pop(name, None) if not definition.inputs[name].is_widget else None
                continue
            inputs[name] = source[1] if source[0] is None else [source[0], source[1]]
        api[node_id] = {"class_type": kind, "inputs": inputs, "_meta": {"title": node.get("title") or kind}}
    return api
