"""Checkpoints in PostgreSQL, against a real throwaway server: a production run by two workers on one
database (one starts it, the other decides at its gates), history and a fork; a killed worker's production
resumed by another. Skips, saying why, where the PostgreSQL binaries are absent; .ci/checks installs them."""

from __future__ import annotations

import pytest

from agents.brains import ScriptedBrain
from agents.productions import Productions, open_checkpointer

from .conftest import BRIEF, NO_WAIT, calls_of
from .postgres_cluster import binaries, cluster

pytestmark = pytest.mark.skipif(
    binaries() is None, reason="PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql"
)
pytest.importorskip("langgraph.checkpoint.postgres", reason="langgraph-checkpoint-postgres not installed")


@pytest.fixture(scope="module")
def database_url():
    with cluster() as url:
        yield url


def test_two_workers_share_a_production_on_one_database(tmp_path, database_url):
    brain_a, brain_b = ScriptedBrain(), ScriptedBrain()
    with (
        open_checkpointer(tmp_path, database_url) as saver_a,
        open_checkpointer(tmp_path, database_url) as saver_b,
    ):
        worker_a = Productions(saver_a, brain_a, tmp_path, settings=NO_WAIT)
        worker_b = Productions(saver_b, brain_b, tmp_path, settings=NO_WAIT)
        status = worker_a.start("ad_spot", BRIEF, "pg-1")
        assert status.gate["gate"] == "vrd"
        assert worker_b.status("pg-1") == status
        status = worker_b.decide("pg-1", {"type": "reject", "message": "audience: night-shift nurses"})
        assert worker_a.artefact("pg-1", "vrd").audience == "night-shift nurses"
        while status.gate:
            status = worker_b.decide("pg-1", {"type": "approve"})
        assert worker_a.status("pg-1").state == "done"
        # A drafted the VRD; B revised it after the rejection and ran everything after it.
        assert len(calls_of(brain_a, "vrd")) == 1 and len(calls_of(brain_b, "vrd")) == 1
        assert not calls_of(brain_a, "shotmaster") and len(calls_of(brain_b, "shotmaster")) == 1
        history = worker_a.history("pg-1")
        assert history[0]["artefacts"] == {"vrd": 2, "script": 1, "shot_list": 1, "budget": 1}
        fork = worker_a.fork("pg-1", "shot_list", new_id="pg-1-b")
        assert fork.gate["gate"] == "shot_list" and fork.artefacts["shot_list"] == 2
        assert {row["id"] for row in worker_b.all()} >= {"pg-1", "pg-1-b"}


def test_a_production_left_mid_run_is_resumed_by_another_worker(tmp_path, database_url):
    failing = ScriptedBrain(replies={"shotmaster": [{"__error__": "worker lost"}] * 3}, fallback=None)
    with open_checkpointer(tmp_path, database_url) as saver:
        worker = Productions(saver, failing, tmp_path, settings=NO_WAIT)
        worker.start("social_short", BRIEF, "pg-2")
    # The first worker's brain had no replies for VRD and ScriptSmith either: it stopped at the VRD gate.
    with open_checkpointer(tmp_path, database_url) as saver:
        other = Productions(saver, ScriptedBrain(), tmp_path, settings=NO_WAIT)
        status = other.status("pg-2")
        assert status.gate["gate"] == "vrd" and status.gate["blocking"] == 1
        status = other.decide("pg-2", {"type": "respond", "message": "Go ahead with the brief as it is."})
        assert status.gate["blocking"] == 0 and status.artefacts == {"vrd": 1}


def test_a_production_another_worker_is_running_is_busy(tmp_path, database_url):
    from agents.productions import ProductionError

    with (
        open_checkpointer(tmp_path / "a", database_url) as saver_a,
        open_checkpointer(tmp_path / "b", database_url) as saver_b,
    ):
        worker_a = Productions(saver_a, ScriptedBrain(), tmp_path / "a", settings=NO_WAIT)
        worker_b = Productions(saver_b, ScriptedBrain(), tmp_path / "b", settings=NO_WAIT)
        worker_b.lock_wait_s = 0.3
        worker_a.start("ad_spot", BRIEF, "pg-3")
        with worker_a.exclusive("pg-3"):
            with pytest.raises(ProductionError, match="busy"):
                worker_b.decide("pg-3", {"type": "approve"})
        assert worker_b.decide("pg-3", {"type": "approve"}).gate["gate"] == "script"


def test_a_reader_on_another_machine_finds_the_production_in_the_database(tmp_path, database_url):
    """The ComfyUI node's lookup: a production a worker published in its own data directory is read, with its
    approvals, from the checkpoint database by a reader whose data directory has nothing of it."""
    from agents.lookup import fingerprint, read_production

    worker_dir, reader_dir = tmp_path / "worker", tmp_path / "reader"
    with open_checkpointer(worker_dir, database_url) as saver:
        worker = Productions(saver, ScriptedBrain(), worker_dir, settings=NO_WAIT)
        status = worker.start("ad_spot", BRIEF, "pg-read")
        while status.gate["gate"] != "budget":
            status = worker.decide("pg-read", {"type": "approve"})
        shots = worker.artefact("pg-read", "shot_list")
        before = fingerprint("pg-read", reader_dir, database_url)
        assert read_production("pg-read", "shot_list", True, reader_dir, database_url) == shots
        with pytest.raises(ValueError, match="budget of 'pg-read' .* is not approved"):
            read_production("pg-read", "budget", True, reader_dir, database_url)
        worker.decide("pg-read", {"type": "approve"})
        assert read_production("pg-read", "budget", True, reader_dir, database_url).version == 1
        assert fingerprint("pg-read", reader_dir, database_url) != before
    with pytest.raises(ValueError, match="no production 'pg-read' in the data directory"):
        read_production("pg-read", "shot_list", True, reader_dir)  # without the database: not there
    with pytest.raises(ValueError, match="no production 'pg-none'"):
        read_production("pg-none", "vrd", False, reader_dir, database_url)
