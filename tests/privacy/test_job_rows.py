"""The job database's payloads (workflow inputs, messages, results) are encrypted when the data directory
encrypts everything; rows written before stay readable; a locked process is told how to unlock."""

from __future__ import annotations

import sqlite3

import pytest

pytest.importorskip("cryptography")
pytest.importorskip("argon2")

from kijkocut.vault.errors import LockedError  # noqa: E402
from kijkocut.vault.keys import KdfParams, Vault  # noqa: E402
from workflows_library.jobs import Job, JobStore  # noqa: E402

FAST = KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="AAAAAAAAAAAAAAAAAAAAAA==")


def bodies(path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT body FROM jobs ORDER BY created_at")]


def test_job_payloads_are_encrypted_once_the_data_directory_encrypts_everything(tmp_path, monkeypatch):
    for name in ("KIJKOCUT_PASSPHRASE", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    plain_store = JobStore(data / "jobs.sqlite3")
    before = plain_store.create(Job(workflow_id="secret_birthday_edit"))
    plain_store.close()

    Vault.for_data_dir(data, env={}).init("pass phrase", params=FAST, encrypt_new_projects=True)
    monkeypatch.setenv("KIJKOCUT_PASSPHRASE", "pass phrase")
    store = JobStore(data / "jobs.sqlite3")
    after = store.create(Job(workflow_id="secret_wedding_edit"))
    store.update(after.id, message="rendering the wedding")
    old_body, new_body = bodies(data / "jobs.sqlite3")
    assert "secret_birthday_edit" in old_body  # written before: left as it was, still readable
    assert new_body.startswith("kjkenc1:") and "wedding" not in new_body
    assert store.get(after.id).message == "rendering the wedding"
    assert store.get(before.id).workflow_id == "secret_birthday_edit"
    store.close()

    monkeypatch.delenv("KIJKOCUT_PASSPHRASE")
    locked = JobStore(data / "jobs.sqlite3")
    with pytest.raises(LockedError, match="kijkocut vault unlock"):
        locked.get(after.id)
