"""The production graph, assembled in one place; it reads like the pipeline:

    brief → VRD → gate → ScriptSmith → gate → ShotMaster → gate → Budget Solver → gate → (part 2)

Which agents and gates a run has comes from its template. The brain is injected here and bound to the agents;
no agent imports one."""

from __future__ import annotations

from functools import partial
from typing import Any

from langgraph.graph import END, START, StateGraph

from agents.brains import Brain
from agents.budget_solver import budget_solver_agent
from agents.drafting import RunSettings
from agents.gates import gate, gate_node_name
from agents.scriptsmith import scriptsmith_agent
from agents.shotmaster import shotmaster_agent
from agents.state import ProductionState
from agents.template import ARTEFACT_OF, Template
from agents.vrd import vrd_agent

AGENTS = {
    "vrd": vrd_agent,
    "scriptsmith": scriptsmith_agent,
    "shotmaster": shotmaster_agent,
    "budget_solver": budget_solver_agent,
}


def build_graph(
    template: Template, brain: Brain, settings: RunSettings | None = None, checkpointer: Any = None
):
    settings = settings or RunSettings()
    graph = StateGraph(ProductionState)
    agents = list(template.agents)
    for index, agent in enumerate(agents):
        kind = ARTEFACT_OF[agent]
        following = agents[index + 1] if index + 1 < len(agents) else END
        graph.add_node(agent, partial(AGENTS[agent], brain=brain, settings=settings))
        graph.add_node(
            gate_node_name(kind),
            partial(gate, kind=kind, next_node=following),
            destinations=(following, agent, gate_node_name(kind)),
        )
        graph.add_edge(agent, gate_node_name(kind))
    graph.add_edge(START, agents[0])
    return graph.compile(checkpointer=checkpointer)
