"""A production's data at rest when its data directory encrypts everything: the checkpoints (artefacts,
decisions, reviewers' notes) and the published files hold none of the brief's words; the production reads back
once unlocked; a locked process is told how to unlock; productions written before stay readable."""

from __future__ import annotations

import json
import sqlite3

import pytest

pytest.importorskip("cryptography")
pytest.importorskip("argon2")
pytest.importorskip("langgraph")

from agents.brains import OfflineBrain  # noqa: E402
from agents.productions import Productions, open_checkpointer, published_folder  # noqa: E402
from agents.sealing import read_published_text  # noqa: E402
from kijkocut.vault import rows  # noqa: E402
from kijkocut.vault.errors import LockedError  # noqa: E402
from kijkocut.vault.keys import KdfParams, Vault  # noqa: E402
from tests.agents.conftest import NO_WAIT  # noqa: E402

FAST = KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="AAAAAAAAAAAAAAAAAAAAAA==")
SECRET = "Quokkafizz"  # a product nobody else names


def note(product: str) -> str:
    return f"the {product} mascot must wink"


def brief(product: str) -> str:
    return (
        f"Product: {product}\nAudience: night-shift nurses\nProblem: no time to eat\n"
        f"Benefit: a hot meal in two minutes\nCall to action: Try {product} tonight.\n"
    )


def stored_bytes(data_dir) -> bytes:
    folder = data_dir / "productions"
    with sqlite3.connect(folder / "checkpoints.sqlite") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


def run_to_second_gate(data_dir, product: str) -> str:
    with open_checkpointer(data_dir) as saver:
        productions = Productions(saver, OfflineBrain(), data_dir, settings=NO_WAIT)
        status = productions.start("ad_spot", brief(product))
        productions.decide(status.id, {"type": "reject", "message": note(product)})
        productions.decide(status.id, {"type": "approve"})
        return status.id


def test_checkpoints_and_published_files_are_sealed(tmp_path, monkeypatch):
    for name in ("KIJKOCUT_PASSPHRASE", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    before = run_to_second_gate(data, "Plainola")  # written before encryption was turned on
    assert b"Plainola" in stored_bytes(data) and note("Plainola").encode() in stored_bytes(data)

    Vault.for_data_dir(data, env={}).init("pass phrase", params=FAST, encrypt_new_projects=True)
    monkeypatch.setenv("KIJKOCUT_PASSPHRASE", "pass phrase")
    sealed = run_to_second_gate(data, SECRET)
    stored = stored_bytes(data)
    assert SECRET.encode() not in stored and note(SECRET).encode() not in stored

    with open_checkpointer(data) as saver:
        productions = Productions(saver, OfflineBrain(), data, settings=NO_WAIT)
        assert SECRET in str(productions.status(sealed).gate)
        assert "Plainola" in str(productions.status(before).gate)  # the plain one still reads

    published = published_folder(data, sealed) / "vrd.json"  # what the ComfyUI node reads
    assert SECRET in json.loads(read_published_text(published, data))["product"]

    monkeypatch.delenv("KIJKOCUT_PASSPHRASE")
    rows._shared.cache_clear()  # a new process: the keys unlocked above are not in it
    with pytest.raises(LockedError, match="kijkocut vault unlock"):
        read_published_text(published, data)
    with open_checkpointer(data) as saver, pytest.raises(LockedError, match="kijkocut vault unlock"):
        Productions(saver, OfflineBrain(), data, settings=NO_WAIT).status(sealed)
