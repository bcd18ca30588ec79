"""ShotMaster: the shot list, each generated shot with its prompt, seed, frames and the workflow card that can
make it (the best one in the library for its task; the Budget Solver may trade it down)."""

from __future__ import annotations

from typing import Any

from agents import catalog
from agents.brains import Brain
from agents.drafting import RunSettings, write_artefact
from agents.state import ProductionState


def shotmaster_agent(state: ProductionState, brain: Brain, settings: RunSettings) -> dict[str, Any]:
    workflows = {task: catalog.best_card(task) for task in catalog.SHOT_TASKS}
    context = {"vrd": state.get("vrd"), "script": state.get("script"), "workflows": workflows}
    return write_artefact(state, brain, settings, "shotmaster", "shot_list", context)
