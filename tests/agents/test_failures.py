"""Model failures (errors, timeouts, invalid structured output) are retried with backoff, then stop at the
agent's gate with a clear message; nothing already made is lost. A hard cap on the ledger stops at a gate."""

from __future__ import annotations

import pytest

from agents.brains import ScriptedBrain
from agents.drafting import RunSettings
from agents.productions import ProductionError, Productions

from .conftest import BRIEF, calls_of

INVALID_VRD = {"title": "", "language": "english"}  # fails the schema


def test_invalid_output_is_retried_and_a_valid_retry_goes_on(productions, brain):
    brain.replies["vrd"] = [INVALID_VRD, {"__error__": "timeout after 60 s"}]  # then the offline rules answer
    status = productions.start("ad_spot", BRIEF, "p-retry")
    assert status.gate["gate"] == "vrd" and status.gate["blocking"] == 0
    assert status.artefacts["vrd"] == 1
    drafts = [c for c in calls_of(brain, "vrd") if c.kind == "vrd"]
    assert len(drafts) == 3


def test_backoff_waits_grow_between_attempts(tmp_path):
    waits: list[float] = []
    brain = ScriptedBrain(replies={"vrd": [INVALID_VRD] * 3})
    from agents.productions import open_checkpointer

    with open_checkpointer(tmp_path) as saver:
        settings = RunSettings(attempts=3, backoff_s=0.5, sleep=waits.append)
        Productions(saver, brain, tmp_path, settings=settings).start("ad_spot", BRIEF, "p-wait")
    assert waits == [0.5, 1.0]


def test_persistent_failure_stops_at_the_gate_and_a_rejection_retries(productions, brain):
    status = productions.start("ad_spot", BRIEF, "p-fail")
    brain.replies["scriptsmith"] = [{"__error__": "deadline exceeded"}] * 3
    status = productions.decide("p-fail", {"type": "approve"})  # VRD approved and kept
    assert status.gate["gate"] == "script" and status.gate["blocking"] == 1
    problem = status.gate["action_requests"][0]["args"]["problems"][0]
    assert "deadline exceeded" in problem["message"] and "3 attempts" in problem["message"]
    assert status.artefacts == {"vrd": 1} and status.approved == {"vrd": 1}
    with pytest.raises(ProductionError, match="cannot approve"):
        productions.decide("p-fail", {"type": "approve"})
    status = productions.decide("p-fail", {"type": "reject", "message": "Try again, please."})
    assert (
        status.gate["gate"] == "script" and status.gate["blocking"] == 0 and status.artefacts["script"] == 1
    )


def test_a_failure_can_be_fixed_by_editing_in_the_artefact(productions, brain):
    brain.replies["vrd"] = [INVALID_VRD] * 3
    status = productions.start("ad_spot", BRIEF, "p-hand")
    assert (
        status.gate["blocking"] == 1 and "not a valid vrd" in status.gate["action_requests"][0]["description"]
    )
    from agents.brains import BrainRequest, OfflineBrain

    template = productions._template_of("p-hand").model_dump()
    written = (
        OfflineBrain().draft(BrainRequest("vrd", "vrd", {"brief": BRIEF, "template": template}), None).data
    )
    status = productions.edit("p-hand", written)
    assert status.approved == {"vrd": 1} and status.gate["gate"] == "script"


def test_a_hard_cap_stops_at_a_gate_with_the_ledger_intact(productions, brain):
    status = productions.start("ad_spot", BRIEF, "p-cap", caps={"tokens": 1500})
    while status.gate and not status.gate["blocking"]:
        status = productions.decide("p-cap", {"type": "approve"})
    assert status.gate is not None
    message = status.gate["action_requests"][0]["args"]["problems"][0]["message"]
    assert "hard cap reached: tokens spent" in message
    assert status.spent["tokens"] >= 1500
    assert sum(v["tokens"] for v in status.by_agent.values()) == status.spent["tokens"]
    assert status.spent["cost"] > 0
    stopped_at = status.gate["gate"]
    raised = productions.set_caps("p-cap", {"tokens": 1_000_000})
    assert (
        raised.gate["gate"] == stopped_at and raised.gate["blocking"] == 1
    )  # still the failure, now retryable
    retried = productions.decide("p-cap", {"type": "reject", "message": "Go on under the new cap."})
    assert retried.gate["gate"] == stopped_at and retried.gate["blocking"] == 0
    with pytest.raises(ProductionError, match="unknown caps: money"):
        productions.set_caps("p-cap", {"money": 3})


def test_the_ledger_counts_calls_tokens_and_cost_per_agent(productions, brain):
    status = productions.start("ad_spot", BRIEF, "p-ledger")
    while status.gate:
        status = productions.decide("p-ledger", {"type": "approve"})
    assert set(status.by_agent) == {"vrd", "scriptsmith", "shotmaster", "budget_solver"}
    assert status.by_agent["budget_solver"]["calls"] == 0
    assert status.spent["calls"] == len(brain.calls) == 6  # a draft and a critique per writing agent
    budget = productions.artefact("p-ledger", "budget")
    assert budget.model_tokens == status.spent["tokens"] - 0  # planned with the tokens spent before it


def test_the_critic_s_blocking_problems_make_the_agent_revise_a_bounded_number_of_rounds(productions, brain):
    blocking = {"problems": [{"message": "The hook does not mention the product.", "blocking": True}]}
    brain.replies["critic"] = [blocking, {"problems": []}]
    status = productions.start("ad_spot", BRIEF, "p-critic")
    drafts = [c for c in calls_of(brain, "vrd")]
    assert len(drafts) == 2  # one revision, with the critic's problem as its request
    assert drafts[1].context["requests"] == [
        {"type": "critique", "message": blocking["problems"][0]["message"]}
    ]
    assert status.gate["blocking"] == 0


def test_a_critic_that_never_agrees_stops_after_max_revisions_and_the_reviewer_sees_it(productions, brain):
    blocking = {"problems": [{"message": "Too generic.", "blocking": True}]}
    brain.replies["critic"] = [blocking] * 10
    status = productions.start("ad_spot", BRIEF, "p-critic2")
    assert len(calls_of(brain, "vrd")) == 3  # ad_spot allows 2 revisions
    # The critic's view is advice the reviewer sees; the deterministic checks decide what blocks approval.
    problems = status.gate["action_requests"][0]["args"]["problems"]
    assert {"check": "critic", "message": "Too generic.", "blocking": False} in problems
    assert "approve" in status.gate["review_configs"][0]["allowed_decisions"]
