"""The Load Production node reads what the production agents publish: the approved shot list's prompts, seeds
and durations per shot, refusing an unapproved artefact or an id that names a path (needs COMFYUI_PATH)."""

from __future__ import annotations

import pytest

pytest.importorskip("langgraph", reason="the agents extra makes the production the node reads")

from agents.brains import OfflineBrain  # noqa: E402
from agents.productions import Productions, open_checkpointer  # noqa: E402

BRIEF = "# Fresh Brew\nProduct: Fresh Brew\nAudience: commuters\nBenefit: cold coffee in ten seconds\n"


@pytest.fixture
def node(comfy, pack, tmp_path, monkeypatch):
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(tmp_path))
    return pack("nodes.productions").LoadProduction


def test_the_approved_shot_list_drives_one_generation_per_shot(node, tmp_path):
    with open_checkpointer(tmp_path) as saver:
        productions = Productions(saver, OfflineBrain(), tmp_path)
        status = productions.start("ad_spot", BRIEF, "node-1")
        while status.gate and status.gate["gate"] != "budget":
            status = productions.decide("node-1", {"type": "approve"})
        shots = productions.artefact("node-1", "shot_list")
    markdown, as_json, prompts, negatives, seeds, durations = node.execute("node-1", "shot_list", True).args
    assert markdown.startswith("# Shot list (v1)")
    assert prompts == [s.prompt for s in shots.shots] and seeds == [s.seed for s in shots.shots]
    assert sum(durations) == pytest.approx(productions_length(as_json))
    assert len(negatives) == len(prompts) > 3
    with pytest.raises(ValueError, match="budget of 'node-1' .* is not approved"):
        node.execute("node-1", "budget", True)
    assert node.execute("node-1", "budget", False).args[0].startswith("# Budget")


def productions_length(as_json: str) -> float:
    import json

    return sum(shot["duration_s"] for shot in json.loads(as_json)["shots"])


@pytest.mark.parametrize("bad", ["../secrets", "x", "/etc/passwd", "NODE-1"])
def test_an_id_cannot_name_a_path(node, bad):
    with pytest.raises(ValueError, match="production id"):
        node.execute(bad, "shot_list", True)


def test_an_unknown_production_says_where_it_looked(node):
    with pytest.raises(ValueError, match="no production 'nope-1' in the data directory"):
        node.execute("nope-1", "vrd", False)


def test_with_a_database_configured_the_node_still_reads_what_was_published(node, tmp_path, monkeypatch):
    """KIJKOCUT_AGENTS_DATABASE_URL set but the server unreachable: the node falls back to the published JSON
    (the database side is tested against a real server in tests/agents/test_postgres.py)."""
    with open_checkpointer(tmp_path) as saver:
        productions = Productions(saver, OfflineBrain(), tmp_path)
        productions.start("ad_spot", BRIEF, "node-2")
        vrd = productions.artefact("node-2", "vrd")
    monkeypatch.setenv("KIJKOCUT_AGENTS_DATABASE_URL", "postgresql://x:pw@127.0.0.1:9/none?connect_timeout=2")
    assert node.execute("node-2", "vrd", False).args[1] == vrd.model_dump_json(indent=1)
    assert isinstance(node.fingerprint_inputs("node-2", "vrd", False), tuple)  # the published file's stat
