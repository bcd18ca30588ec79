"""A process that keeps writing encrypted state until it is killed: saving edits of an encrypted project
(`save`), changing the passphrase back and forth (`rekey`), or encrypting and decrypting a project (`toggle`).
tests/privacy/test_kill.py SIGKILLs it at random moments and checks what it left.

    python -m tests.privacy.scenarios.vault_worker MODE DATA_DIR PROJECTS_DIR PROJECT_ID"""

from __future__ import annotations

import sys
from pathlib import Path

from kijkocut.service.store import ProjectStore
from kijkocut.vault.errors import WrongPassphraseError
from kijkocut.vault.keys import KdfParams, Vault

FAST = KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="AAAAAAAAAAAAAAAAAAAAAA==")
PASSPHRASES = ("first passphrase", "second passphrase")


def unlocked(data_dir: Path) -> tuple[Vault, str]:
    for passphrase in PASSPHRASES:
        vault = Vault.for_data_dir(data_dir, env={})
        try:
            vault.unlock(passphrase)
            return vault, passphrase
        except WrongPassphraseError:
            continue
    raise SystemExit("neither passphrase opens the keys")


def main(mode: str, data_dir: Path, projects: Path, project_id: str) -> None:
    vault, passphrase = unlocked(data_dir)
    store = ProjectStore(projects, vault=vault)
    step = 0
    while True:
        if mode == "save":
            store.rename(project_id, f"name {step}")
        elif mode == "rekey":
            passphrase = PASSPHRASES[1] if passphrase == PASSPHRASES[0] else PASSPHRASES[0]
            vault.change_passphrase(passphrase, FAST)
        elif mode == "toggle":
            store.set_encrypted(project_id, step % 2 == 0)
        if step == 0:
            print("ready", flush=True)
        step += 1


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
