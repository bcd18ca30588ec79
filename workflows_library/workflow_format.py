"""ComfyUI API-format workflows: the `{node_id: {class_type, inputs}}` graph that `/prompt` accepts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, RootModel

ApiWorkflow = dict[str, dict[str, Any]]


class ApiNode(BaseModel):
    model_config = ConfigDict(extra="allow")
    class_type: str
    inputs: dict[str, Any] = {}


class ApiGraph(RootModel[dict[str, ApiNode]]):
    """Parses an API workflow strictly enough to reject UI-format files early."""


def is_link(value: Any) -> bool:
    """API format writes a connection as `[source_node_id, output_index]`."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str | int)
        and not isinstance(value[0], bool)
        and isinstance(value[1], int)
        and not isinstance(value[1], bool)
    )


def is_ui_format(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("nodes"), list) and "links" in document


def parse_api_workflow(document: Any) -> ApiWorkflow:
    """Validate an API workflow and return it as plain dicts (what the server wants)."""
    if is_ui_format(document):
        raise ValueError("this is a UI-format workflow (nodes/links); convert it to API format first")
    ApiGraph.model_validate(document)
    return document
