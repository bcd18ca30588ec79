"""Time travel: a production's history, reopening an earlier step, forking with an edited artefact."""

from __future__ import annotations

import pytest

from .conftest import BRIEF, calls_of


def finished(productions, pid="p-tt"):
    status = productions.start("ad_spot", BRIEF, pid)
    while status.gate:
        status = productions.decide(pid, {"type": "approve"})
    return status


def test_history_lists_every_step_newest_first(productions):
    finished(productions)
    history = productions.history("p-tt")
    steps = [entry["step"] for entry in history]
    assert steps == sorted(steps, reverse=True) and steps[-1] == -1
    assert history[0]["next"] == [] and history[0]["artefacts"] == {
        "vrd": 1,
        "script": 1,
        "shot_list": 1,
        "budget": 1,
    }
    assert any(entry["next"] == ["script_gate"] for entry in history)


def test_reopening_an_earlier_gate_asks_again_and_a_new_branch_runs_on(productions, brain):
    finished(productions)
    at_script_gate = next(e for e in productions.history("p-tt") if e["next"] == ["script_gate"])
    calls = len(calls_of(brain, "scriptsmith"))
    status = productions.reopen("p-tt", at_script_gate["checkpoint_id"])
    assert status.state == "waiting" and status.gate["gate"] == "script"
    assert "shot_list" not in status.artefacts  # the state as it was then
    assert len(calls_of(brain, "scriptsmith")) == calls  # reopening a gate calls no agent
    status = productions.decide("p-tt", {"type": "reject", "message": "cta: Grab one on your way in."})
    assert status.artefacts["script"] == 2
    assert "Grab one on your way in." in productions.artefact("p-tt", "script").to_fountain()
    assert "shot_list" not in status.artefacts


def test_a_fork_with_an_edited_artefact_is_a_new_production_and_the_original_is_kept(productions, brain):
    finished(productions)
    script = productions.artefact("p-tt", "script").model_dump(mode="json")
    script["scenes"][0]["location"] = "Train platform"
    vrd_calls = len(calls_of(brain, "vrd"))
    fork = productions.fork("p-tt", "script", script, new_id="p-tt-b")
    assert fork.id == "p-tt-b" and fork.gate["gate"] == "script"
    assert fork.artefacts == {"vrd": 1, "script": 2}
    assert productions.artefact("p-tt-b", "script").scenes[0].location == "Train platform"
    assert productions.artefact("p-tt-b", "script").id == "p-tt-b/script"
    while fork.gate:
        fork = productions.decide("p-tt-b", {"type": "approve"})
    assert fork.state == "done"
    shots = productions.artefact("p-tt-b", "shot_list")
    assert all("Train platform" in s.prompt for s in shots.shots if s.scene == 1)
    assert len(calls_of(brain, "vrd")) == vrd_calls  # upstream not redone
    original = productions.status("p-tt")
    assert original.artefacts["script"] == 1 and original.state == "done"
    assert productions.artefact("p-tt", "script").scenes[0].location != "Train platform"
    assert {row["id"] for row in productions.all()} == {"p-tt", "p-tt-b"}


def test_a_fork_from_an_earlier_checkpoint_starts_there(productions):
    finished(productions)
    at_vrd_gate = next(e for e in productions.history("p-tt") if e["next"] == ["vrd_gate"])
    fork = productions.fork("p-tt", "vrd", checkpoint_id=at_vrd_gate["checkpoint_id"], new_id="p-tt-c")
    assert fork.gate["gate"] == "vrd" and fork.artefacts == {"vrd": 2}


def test_one_run_of_a_production_at_a_time(productions, tmp_path):
    from agents.brains import ScriptedBrain
    from agents.productions import ProductionError, Productions, open_checkpointer

    productions.start("ad_spot", BRIEF, "p-lock")
    with open_checkpointer(tmp_path) as saver:
        other = Productions(saver, ScriptedBrain(), tmp_path)  # another worker on the same store
        other.lock_wait_s = 0.2
        with productions.exclusive("p-lock"):
            with pytest.raises(ProductionError, match="busy: another worker"):
                other.decide("p-lock", {"type": "approve"})
        assert other.decide("p-lock", {"type": "approve"}).gate["gate"] == "script"
        with pytest.raises(ProductionError, match="invalid production id"):
            other.resume("../../etc")
    assert not list(tmp_path.rglob("etc*"))
