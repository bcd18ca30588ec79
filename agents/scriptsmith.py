"""ScriptSmith: the script, scene by scene along the template's beats (or the brief's own screenplay for
previz), timed to the VRD's length."""

from __future__ import annotations

from typing import Any

from agents.brains import Brain
from agents.drafting import RunSettings, write_artefact
from agents.state import ProductionState


def scriptsmith_agent(state: ProductionState, brain: Brain, settings: RunSettings) -> dict[str, Any]:
    return write_artefact(state, brain, settings, "scriptsmith", "script", {"vrd": state.get("vrd")})
