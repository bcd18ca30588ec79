"""A process killed (SIGKILL) while it saves an encrypted project, changes the passphrase or encrypts and
decrypts a project leaves every file readable with the old or the new key, never a broken one."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("cryptography")
pytest.importorskip("argon2")

from kijkocut.service.store import ProjectStore  # noqa: E402
from kijkocut.vault.keys import Vault  # noqa: E402
from tests.privacy.scenarios.vault_worker import FAST, PASSPHRASES, unlocked  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
KILLS = 6


@pytest.fixture
def encrypted_project(tmp_path) -> tuple[Path, Path, str]:
    data, projects = tmp_path / "data", tmp_path / "projects"
    vault = Vault.for_data_dir(data, env={})
    vault.init(PASSPHRASES[0], params=FAST)
    store = ProjectStore(projects, vault=vault)
    project = store.create("name start")
    store.set_encrypted(project.id, True)
    for _ in range(3):  # more keys than one, so a rekey has several files to rewrap
        store.set_encrypted(store.create("other").id, True)
    return data, projects, project.id


def kill_midway(mode: str, data: Path, projects: Path, project_id: str, rng: random.Random) -> None:
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.privacy.scenarios.vault_worker",
            mode,
            str(data),
            str(projects),
            project_id,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = worker.stdout.readline()
        assert line.strip() == "ready", worker.stderr.read()
        time.sleep(rng.uniform(0.01, 0.4))
        assert worker.poll() is None, worker.stderr.read()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)


def every_project_opens(data: Path, projects: Path) -> list[str]:
    vault, _ = unlocked(data)  # the old passphrase or the new one, whichever is current
    store = ProjectStore(projects, vault=vault)
    names = [store.get(d.name).name for d in sorted(projects.iterdir()) if store.file(d.name).is_file()]
    assert len(names) == 4
    return names


@pytest.mark.parametrize("mode", ["save", "rekey", "toggle"])
def test_killed_mid_write_leaves_every_file_readable(encrypted_project, mode):
    data, projects, project_id = encrypted_project
    rng = random.Random(13)
    for _ in range(KILLS):
        kill_midway(mode, data, projects, project_id, rng)
        names = every_project_opens(data, projects)
        if mode == "save":
            assert any(name.startswith("name ") for name in names)
        if mode == "rekey":
            assert len(list((data / "keys").glob("gen-*"))) <= 2  # the current one, perhaps a half-made next
    # The next key change cleans up what a killed one left.
    vault, passphrase = unlocked(data)
    vault.change_passphrase(PASSPHRASES[0] if passphrase == PASSPHRASES[1] else PASSPHRASES[1], FAST)
    assert len(list((data / "keys").glob("gen-*"))) == 1
    every_project_opens(data, projects)
