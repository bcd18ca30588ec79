"""Fixtures for the production agents: productions on a throwaway SQLite checkpoint store, a scripted brain
that answers from the offline rules unless a test scripts otherwise, and briefs."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("langgraph", reason="the agents extra is not installed: pip install -e '.[agents]'")

from agents.brains import ScriptedBrain  # noqa: E402
from agents.cli import SAMPLE_BRIEF  # noqa: E402
from agents.drafting import RunSettings  # noqa: E402
from agents.productions import Productions, open_checkpointer  # noqa: E402

BRIEF = SAMPLE_BRIEF  # the demo's brief: a product, audience, problem, benefit, CTA, budget and deadline

NO_WAIT = RunSettings(attempts=3, backoff_s=0.0, sleep=lambda seconds: None)


@pytest.fixture
def brain() -> ScriptedBrain:
    return ScriptedBrain()


@pytest.fixture
def productions(tmp_path: Path, brain: ScriptedBrain):
    with open_checkpointer(tmp_path) as saver:
        yield Productions(saver, brain, tmp_path, settings=NO_WAIT)


def calls_of(brain: ScriptedBrain, agent: str) -> list:
    return [call for call in brain.calls if call.agent == agent]
