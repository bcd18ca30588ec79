"""What one ComfyUI server can run: its node types and installed model files, and what a card lacks there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from workflows_library.cards import WorkflowCard
from workflows_library.object_info import model_choices, parse_object_info


class ServerCapabilities(BaseModel):
    node_types: frozenset[str]
    model_files: frozenset[str]

    @classmethod
    def from_object_info(cls, raw: dict[str, Any], extra_models: Iterable[str] = ()) -> ServerCapabilities:
        nodes = parse_object_info(raw)
        return cls(
            node_types=frozenset(nodes), model_files=frozenset(model_choices(nodes) | set(extra_models))
        )


class Missing(BaseModel):
    node_types: list[str] = []
    models: list[str] = []

    @property
    def nothing(self) -> bool:
        return not self.node_types and not self.models

    def describe(self) -> str:
        parts = []
        if self.node_types:
            parts.append("missing nodes: " + ", ".join(self.node_types))
        if self.models:
            parts.append("missing models: " + ", ".join(self.models))
        return "; ".join(parts) or "nothing missing"


def missing_on(card: WorkflowCard, node_types: Iterable[str], server: ServerCapabilities) -> Missing:
    """Node types and model files the card's workflow needs that the server does not offer."""
    return Missing(
        node_types=sorted(set(node_types) - server.node_types),
        models=sorted(
            model.filename
            for model in card.models
            if not model.auto_download and model.filename not in server.model_files
        ),
    )
