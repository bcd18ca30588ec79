"""Encrypted text rows for databases that keep JSON payloads (the job store's `body`): when a data directory
encrypts everything (`kijkocut vault init --encrypt-all`, `kijkocut vault encrypt --all`), each row written is
`kjkenc1:` + base64 of the stream format under the data directory's "jobs" data key. Rows written before stay
readable as they are; an encrypted row read while the keys are locked raises LockedError."""

from __future__ import annotations

import base64
from pathlib import Path

PREFIX = "kjkenc1:"
LABEL = "jobs"


def _vault(data_dir: Path):  # type: ignore[no-untyped-def]
    from kijkocut.vault.keys import Vault

    return Vault.for_data_dir(data_dir)


class RowSealer:
    """Seals and opens the rows of one database in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._vault = None
        self._key: tuple[bytes, bytes] | None = None

    def vault(self):  # type: ignore[no-untyped-def]
        if self._vault is None:
            self._vault = _vault(self.data_dir)
        return self._vault

    def enabled(self) -> bool:
        """Whether new rows are encrypted: the data directory has keys and encrypts everything."""
        if not (self.data_dir / "keys" / "master.json").is_file():
            return False
        return bool(self.vault().master().encrypt_new_projects)

    def seal(self, text: str) -> str:
        from kijkocut.vault.stream import encrypt_bytes

        if self._key is None:
            self._key = self.vault().key_for(LABEL)
        key_id, key = self._key
        return PREFIX + base64.b64encode(encrypt_bytes(text.encode("utf-8"), key, key_id)).decode("ascii")

    def open(self, text: str, where: str) -> str:
        if not text.startswith(PREFIX):
            return text
        from kijkocut.vault.errors import TamperedError
        from kijkocut.vault.stream import decrypt_bytes

        try:
            sealed = base64.b64decode(text[len(PREFIX) :], validate=True)
        except ValueError:
            raise TamperedError(where, "the encrypted row is not valid base64") from None
        return decrypt_bytes(sealed, self.vault().data_key, where).decode("utf-8")
