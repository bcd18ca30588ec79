"""Human approval gates: one node per artefact, one `interrupt()` per node, nothing with side effects before it.
The payload is LangChain's human-in-the-loop request (`action_requests` with arguments, `review_configs` with
the allowed decisions), so Agent-Inbox-style review UIs can show it; the answer is `{"decisions": [...]}` with
one decision: approve; edit (the changed artefact, validated against its schema); reject with notes (the agent
revises and everything after it re-runs); respond (a question answered, the agent revises with the answer).

A gate the template does not name passes an artefact without stopping, unless it has blocking problems or its
agent failed: then it stops like any gate. Approving is impossible while blocking problems are open."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, cast

from langgraph.types import Command, interrupt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents import checks
from agents.artefacts import ARTEFACT_KINDS, ArtefactError, parse_artefact, to_markdown, validation_summary
from agents.state import ProductionState
from agents.template import AGENT_OF

DecisionType = Literal["approve", "edit", "reject", "respond"]


class EditedAction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    args: dict[str, Any]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: DecisionType
    message: str = Field("", max_length=4000)
    edited_action: EditedAction | None = None


class DecisionError(ValueError):
    pass


def gate_node_name(kind: str) -> str:
    return f"{kind}_gate"


def action_name(kind: str) -> str:
    return f"review_{kind}"


def parse_decision(response: Any, kind: str) -> Decision:
    """The one decision in a HITL response, checked: an edit carries a valid artefact, a rejection its notes."""
    if isinstance(response, dict) and "decisions" in response:
        decisions = response["decisions"]
        if not isinstance(decisions, list) or len(decisions) != 1:
            raise DecisionError("a gate takes exactly one decision")
        response = decisions[0]
    try:
        decision = Decision.model_validate(response)
    except ValidationError as error:
        raise DecisionError(f"decision: {validation_summary(error)}") from None
    if decision.type in ("reject", "respond") and not decision.message.strip():
        raise DecisionError(f"a {decision.type} decision needs a message (the notes for the agent)")
    if decision.type == "edit":
        if decision.edited_action is None or "artefact" not in decision.edited_action.args:
            raise DecisionError("an edit decision carries edited_action.args.artefact")
        if decision.edited_action.name != action_name(kind):
            raise DecisionError(f"this gate reviews {action_name(kind)}, not {decision.edited_action.name}")
        try:
            parse_artefact(kind, decision.edited_action.args["artefact"])
        except ArtefactError as error:
            raise DecisionError(f"the edited {error}") from None
    return decision


def _values(state: ProductionState) -> Mapping[str, Any]:
    """The state as a plain mapping, for the artefact named by a gate's kind (a string known only at run time)."""
    return state


def review(state: ProductionState, kind: str) -> dict[str, Any]:
    """What the gate shows: the artefact, its problems (a failure of its agent first), what may be decided."""
    agent, values = AGENT_OF[kind], _values(state)
    artefacts: dict[str, Any] = {k: values.get(k) for k in ARTEFACT_KINDS}
    problems: list[checks.Problem] = []
    failure = (state.get("failures") or {}).get(agent)
    if failure:
        problems.append({"check": "agent", "message": failure, "blocking": True})
    elif not artefacts.get(kind):
        problems.append({"check": "agent", "message": f"no {kind} was written", "blocking": True})
    if artefacts.get(kind):
        problems += checks.check(kind, artefacts, state["template"])
        critique = (state.get("critique") or {}).get(kind) or []
        problems += [{"check": "critic", "message": str(r["message"]), "blocking": False} for r in critique]
    blocking = checks.blocking(problems)
    artefact = artefacts.get(kind)
    allowed = ["edit", "reject", "respond"] if blocking else ["approve", "edit", "reject", "respond"]
    description = to_markdown(parse_artefact(kind, artefact)) if artefact else ""
    if problems:
        description += "\n## Problems\n" + "\n".join(
            f"- {'BLOCKING ' if p['blocking'] else ''}{p['check']}: {p['message']}" for p in problems
        )
    return {
        "action_requests": [
            {
                "name": action_name(kind),
                "args": {"artefact": artefact, "problems": problems},
                "description": description.strip(),
            }
        ],
        "review_configs": [{"action_name": action_name(kind), "allowed_decisions": allowed}],
        "gate": kind,
        "production_id": state.get("production_id", ""),
        "version": (artefact or {}).get("version", 0),
        "blocking": len(blocking),
    }


def downstream_cleared(state: ProductionState, kind: str) -> dict[str, Any]:
    """Everything after `kind` goes: it was made from what is being changed, and re-runs."""
    later = ARTEFACT_KINDS[ARTEFACT_KINDS.index(kind) + 1 :]
    approved = {k: v for k, v in (state.get("approved") or {}).items() if k not in later and k != kind}
    return {**{k: None for k in later if state.get(k) is not None}, "approved": approved}


def gate(state: ProductionState, kind: str, next_node: str) -> Command:
    me, agent = gate_node_name(kind), AGENT_OF[kind]
    request = review(state, kind)
    if kind not in state["template"]["gates"] and not request["blocking"]:
        approved = {**(state.get("approved") or {}), kind: request["version"]}
        return Command(
            goto=next_node, update={"approved": approved, "log": [f"{kind} v{request['version']} passed"]}
        )
    response = interrupt(request)
    try:
        decision = parse_decision(response, kind)
    except DecisionError as error:
        return Command(goto=me, update={"log": [f"{kind} gate: decision refused: {error}"]})
    if decision.type == "approve":
        if request["blocking"]:
            return Command(
                goto=me,
                update={"log": [f"{kind} gate: approval refused, {request['blocking']} blocking problems"]},
            )
        approved = {**(state.get("approved") or {}), kind: request["version"]}
        return Command(
            goto=next_node, update={"approved": approved, "log": [f"{kind} v{request['version']} approved"]}
        )
    if decision.type == "edit":
        assert decision.edited_action is not None
        edited = parse_artefact(kind, decision.edited_action.args["artefact"]).model_dump(mode="json")
        version = (
            max(int((_values(state).get(kind) or {}).get("version", 0)), int(edited.get("version", 0))) + 1
        )
        edited.update(id=f"{state.get('production_id', '')}/{kind}", version=version)
        failures = {k: v for k, v in (state.get("failures") or {}).items() if k != agent}
        critique = {k: v for k, v in (state.get("critique") or {}).items() if k != kind}
        update = {**downstream_cleared(state, kind), kind: edited, "failures": failures, "critique": critique}
        after = review(cast(ProductionState, {**state, **update}), kind)
        if after["blocking"]:
            update["log"] = [
                f"{kind} v{version} edited by the reviewer; {after['blocking']} blocking problems"
            ]
            return Command(goto=me, update=update)
        update["approved"] = {**update["approved"], kind: version}
        update["log"] = [f"{kind} v{version} edited and approved"]
        return Command(goto=next_node, update=update)
    requests = dict(state.get("requests") or {})
    requests[agent] = [*requests.get(agent, []), {"type": decision.type, "message": decision.message}]
    update = {**downstream_cleared(state, kind), "requests": requests}
    update["log"] = [f"{kind} gate: {decision.type}ed, back to {agent} with notes"]
    return Command(goto=agent, update=update)
