"""Encrypted rows and blobs for the data kept beside projects: the job store's JSON payloads (`body`), the
production agents' checkpoints and their published artefacts. When a data directory encrypts everything
(`kijkocut vault init --encrypt-all`, `kijkocut vault encrypt --all`), each is sealed in the stream format under
the data directory's data key for its label ("jobs", "productions"); a text row is `kjkenc1:` + base64 of it.
What was written before stays readable as it is; an encrypted one read while the keys are locked raises
LockedError."""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path

PREFIX = "kjkenc1:"
LABEL = "jobs"


def _vault(data_dir: Path):  # type: ignore[no-untyped-def]
    from kijkocut.vault.keys import Vault

    return Vault.for_data_dir(data_dir)


class RowSealer:
    """Seals and opens the rows (text) or blobs (bytes) of one kind of data in `data_dir`."""

    def __init__(self, data_dir: Path, label: str = LABEL) -> None:
        self.data_dir = data_dir
        self.label = label
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

    def seal_bytes(self, plain: bytes) -> bytes:
        from kijkocut.vault.stream import encrypt_bytes

        if self._key is None:
            self._key = self.vault().key_for(self.label)
        key_id, key = self._key
        return encrypt_bytes(plain, key, key_id)

    def seal_file(self, source: Path, target: Path) -> None:
        """`source` encrypted into `target` with flat memory (a large media cache), written beside it under a
        locked hidden name (`.<name>.<token>.sealing`, which a cache sweep leaves alone while it is locked) and
        then renamed into place, so `target` is never a partial file."""
        from kijkocut.atomic import LockedPartial
        from kijkocut.vault.stream import encrypt_stream

        if self._key is None:
            self._key = self.vault().key_for(self.label)
        key_id, key = self._key
        target.parent.mkdir(parents=True, exist_ok=True)
        locked = LockedPartial(target.parent, f".{target.name}.", ".sealing")
        partial = Path(locked.path)
        try:
            with open(source, "rb") as plain, open(partial, "wb") as sealed:
                encrypt_stream(plain, sealed, key, key_id)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
            locked.release()

    def open_bytes(self, data: bytes, where: str) -> bytes:
        """`data` opened when it is sealed (TamperedError, LockedError); plain bytes are returned as they are."""
        from kijkocut.vault.stream import is_encrypted_header

        return self._decrypt(data, where) if is_encrypted_header(data) else data

    def _decrypt(self, sealed: bytes, where: str) -> bytes:
        from kijkocut.vault.stream import decrypt_bytes

        return decrypt_bytes(sealed, self.vault().data_key, where)

    def seal(self, text: str) -> str:
        return PREFIX + base64.b64encode(self.seal_bytes(text.encode("utf-8"))).decode("ascii")

    def open(self, text: str, where: str) -> str:
        if not text.startswith(PREFIX):
            return text
        from kijkocut.vault.errors import TamperedError

        try:
            sealed = base64.b64decode(text[len(PREFIX) :], validate=True)
        except ValueError:
            raise TamperedError(where, "the encrypted row is not valid base64") from None
        return self._decrypt(sealed, where).decode("utf-8")


@functools.lru_cache(maxsize=16)
def _shared(folder: str, label: str) -> RowSealer:
    return RowSealer(Path(folder), label)


def shared_sealer(data_dir: Path, label: str) -> RowSealer:
    """One sealer per data directory and label for the whole process: each sealer keeps its vault, and a new
    vault derives the user's key again from the passphrase (Argon2id, about half a second)."""
    return _shared(os.path.realpath(data_dir), label)
