"""Each decision at each gate of the ad spot template: approve moves on; edit replaces the artefact (validated)
and moves on; reject and respond send the notes back to the agent, and everything after it re-runs. Approving
is impossible while blocking problems are open, in the front door and inside the graph."""

from __future__ import annotations

import pytest
from langgraph.types import Command

from agents.artefacts import ARTEFACT_KINDS
from agents.productions import ProductionError, _config
from agents.template import AGENT_OF

from .conftest import BRIEF, calls_of

GATES = ["vrd", "script", "shot_list", "budget"]
SHORT_SCRIPT = {
    "title": "T",
    "language": "en",
    "scenes": [
        {
            "number": 1,
            "int_ext": "INT",
            "location": "Room",
            "time_of_day": "Day",
            "duration_s": 10,
            "lines": [{"kind": "action", "text": "A room.", "duration_s": 10}],
        }
    ],
}


def at_gate(productions, kind: str, pid: str = "p-gate"):
    status = productions.start("ad_spot", BRIEF, pid)
    while status.gate["gate"] != kind:
        status = productions.decide(pid, {"type": "approve"})
    return status


@pytest.mark.parametrize("kind", GATES)
def test_approve_moves_on_to_the_next_gate(productions, kind):
    status = at_gate(productions, kind)
    version = status.gate["version"]
    after = productions.decide("p-gate", {"type": "approve"})
    assert after.approved[kind] == version
    following = GATES[GATES.index(kind) + 1 :]
    assert (after.gate or {}).get("gate") == (following[0] if following else None)
    assert after.state == ("waiting" if following else "done")


@pytest.mark.parametrize("decision", ["reject", "respond"])
@pytest.mark.parametrize("kind", GATES)
def test_notes_reach_the_agent_and_everything_after_it_reruns(productions, brain, kind, decision):
    at_gate(productions, kind)
    agent = AGENT_OF[kind]
    before = productions.status("p-gate")
    calls_before = {a: len(calls_of(brain, a)) for a in ("vrd", "scriptsmith", "shotmaster")}
    notes = "compute cap: 5" if kind == "budget" else "audience: retired cyclists"
    status = productions.decide("p-gate", {"type": decision, "message": notes})
    assert status.gate["gate"] == kind
    assert status.artefacts[kind] == before.artefacts[kind] + 1
    later = ARTEFACT_KINDS[ARTEFACT_KINDS.index(kind) + 1 :]
    assert not set(later) & set(status.artefacts)  # cleared: they were made from the old version
    if agent != "budget_solver":
        drafts = [c for c in calls_of(brain, agent)[calls_before[agent] :] if c.kind == kind]
        assert drafts and drafts[0].context["requests"] == [{"type": decision, "message": notes}]
    if kind == "vrd":
        assert status.gate["action_requests"][0]["args"]["artefact"]["audience"] == "retired cyclists"
    if kind == "budget":
        budget = productions.artefact("p-gate", "budget")
        assert budget.compute_cap == 5 and budget.compute and sum(c.cost for c in budget.compute) <= 5
    while status.gate:
        status = productions.decide("p-gate", {"type": "approve"})
    for downstream in later:
        if AGENT_OF[downstream] != "budget_solver":
            assert len(calls_of(brain, AGENT_OF[downstream])) > calls_before[AGENT_OF[downstream]]
    assert status.state == "done" and set(status.artefacts) == set(ARTEFACT_KINDS)


@pytest.mark.parametrize("kind", GATES)
def test_an_edit_replaces_the_artefact_and_moves_on(productions, kind):
    status = at_gate(productions, kind)
    artefact = productions.artefact("p-gate", kind).model_dump(mode="json")
    if kind == "vrd":
        artefact["core_message"] = "Cold coffee, no queue."
    elif kind == "script":
        artefact["scenes"][0]["location"] = "Train platform"
    elif kind == "shot_list":
        artefact["shots"][0]["lens_mm"] = 28
    else:
        artefact["trade_offs"] = ["Edited by the producer."]
    after = productions.edit("p-gate", artefact)
    assert after.approved[kind] == status.gate["version"] + 1
    edited = productions.artefact("p-gate", kind).model_dump(mode="json")
    assert edited["version"] == status.gate["version"] + 1
    assert edited["id"] == f"p-gate/{kind}"
    assert {k: v for k, v in edited.items() if k != "version"} == {
        k: v for k, v in artefact.items() if k != "version"
    }


@pytest.mark.parametrize("kind", GATES)
def test_an_invalid_edit_is_refused_and_changes_nothing(productions, kind):
    at_gate(productions, kind)
    before = productions.status("p-gate")
    artefact = productions.artefact("p-gate", kind).model_dump(mode="json")
    artefact["unknown_field"] = "x" * 10_000
    with pytest.raises(ProductionError) as caught:
        productions.edit("p-gate", artefact)
    assert "unknown_field" in str(caught.value) and "xxxx" not in str(caught.value)
    assert productions.status("p-gate") == before


def test_approval_is_impossible_while_blocking_problems_are_open(productions, brain):
    brain.replies["scriptsmith"] = [dict(SHORT_SCRIPT) for _ in range(3)]  # every revision round too short
    status = at_gate(productions, "script")
    assert status.gate["blocking"] >= 1
    assert "approve" not in status.gate["review_configs"][0]["allowed_decisions"]
    with pytest.raises(ProductionError, match="cannot approve the script: 1 blocking"):
        productions.decide("p-gate", {"type": "approve"})
    # Straight into the graph, past the front door: the gate refuses and asks again.
    graph, _ = productions._snapshot("p-gate")
    graph.invoke(Command(resume={"decisions": [{"type": "approve"}]}), _config("p-gate"))
    again = productions.status("p-gate")
    assert again.gate["gate"] == "script" and "approval refused" in again.log[-1]
    assert "script" not in again.approved
    fixed = productions.decide("p-gate", {"type": "reject", "message": "Match the VRD's 30 seconds."})
    assert fixed.gate["gate"] == "script" and fixed.gate["blocking"] == 0


def test_decisions_are_checked_before_anything_runs(productions):
    at_gate(productions, "vrd")
    before = productions.status("p-gate")
    for bad, why in [
        ({"type": "reject"}, "needs a message"),
        ({"type": "maybe"}, "type"),
        ({"decisions": [{"type": "approve"}, {"type": "approve"}]}, "exactly one"),
        ({"type": "edit", "edited_action": {"name": "review_script", "args": {"artefact": {}}}}, "reviews"),
    ]:
        with pytest.raises(ProductionError, match=why):
            productions.decide("p-gate", bad)
    assert productions.status("p-gate") == before


def test_gates_the_template_leaves_out_pass_without_stopping(productions):
    status = productions.start("social_short", BRIEF, "p-short")  # no budget gate
    while status.gate:
        assert status.gate["gate"] != "budget"
        status = productions.decide("p-short", {"type": "approve"})
    assert status.state == "done" and status.approved["budget"] == 1


def test_a_decision_for_a_gate_another_reviewer_moved_past_is_refused(productions):
    at_gate(productions, "vrd")
    productions.decide("p-gate", {"type": "approve"}, {"gate": "vrd", "version": 1})
    with pytest.raises(ProductionError, match="now script v1, not the vrd v1 you reviewed"):
        productions.decide("p-gate", {"type": "approve"}, {"gate": "vrd", "version": 1})
    productions.decide("p-gate", {"type": "reject", "message": "Shorter lines."}, {"gate": "script"})
    with pytest.raises(ProductionError, match="now script v2, not the script v1"):
        productions.decide("p-gate", {"type": "approve"}, {"gate": "script", "version": 1})
