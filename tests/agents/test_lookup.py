"""Reading a production's artefact outside the graph (what the ComfyUI node does): from the published JSON, and
from there too when a configured checkpoint database cannot say; ids never name a path. The database side,
against a real PostgreSQL server, is in test_postgres.py."""

from __future__ import annotations

import pytest

from agents.lookup import fingerprint, read_production

from .conftest import BRIEF

UNREACHABLE = "postgresql://kijkocut:s3cret-pw@127.0.0.1:9/none?connect_timeout=2"


@pytest.fixture
def published(productions, tmp_path):
    status = productions.start("ad_spot", BRIEF, "look-1")
    while status.gate["gate"] != "budget":
        status = productions.decide("look-1", {"type": "approve"})
    return tmp_path


def test_the_published_artefact_is_read_and_approval_checked(published, productions):
    shots = read_production("look-1", "shot_list", True, published)
    assert shots == productions.artefact("look-1", "shot_list")
    with pytest.raises(ValueError, match="budget of 'look-1' .* is not approved"):
        read_production("look-1", "budget", True, published)
    assert read_production("look-1", "budget", False, published).version == 1


def test_an_unreachable_database_falls_back_to_the_published_files(published):
    shots = read_production("look-1", "shot_list", True, published, url=UNREACHABLE)
    assert shots.shots
    with pytest.raises(ValueError) as refused:
        read_production("nope-1", "vrd", False, published, url=UNREACHABLE)
    message = str(refused.value)
    assert "no production 'nope-1' in the data directory" in message
    assert "checkpoint database could not be read" in message and "s3cret" not in message


@pytest.mark.parametrize("bad", ["../secrets", "x", "/etc/passwd", "NODE-1"])
def test_an_id_cannot_name_a_path(tmp_path, bad):
    with pytest.raises(ValueError, match="production id"):
        read_production(bad, "shot_list", True, tmp_path)


def test_the_fingerprint_follows_the_production(published, productions):
    before = fingerprint("look-1", published)
    productions.decide("look-1", {"type": "approve"})
    assert fingerprint("look-1", published) != before
    assert fingerprint("nope-1", published) != fingerprint("nope-1", published)  # NaN: never cached
