"""The VRD agent: from the client's brief to a video requirements document."""

from __future__ import annotations

from typing import Any

from agents.brains import Brain
from agents.drafting import RunSettings, write_artefact
from agents.state import ProductionState


def vrd_agent(state: ProductionState, brain: Brain, settings: RunSettings) -> dict[str, Any]:
    return write_artefact(state, brain, settings, "vrd", "vrd", {})
