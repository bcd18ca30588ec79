"""What goes wrong with encrypted files, said so a person knows what to do. Messages name the file, never its
contents."""

from __future__ import annotations

from kijkocut.errors import KijkoCutError

UNLOCK_HINT = "run `kijkocut vault unlock` (or set KIJKOCUT_PASSPHRASE) first"


class VaultError(KijkoCutError):
    """Encryption could not be used as asked."""


class LockedError(VaultError):
    """The file is encrypted and no key to open it is available in this process."""


class WrongPassphraseError(VaultError):
    """The passphrase does not open this data directory's keys; nothing was changed."""


class TamperedError(VaultError):
    """An encrypted file failed authentication: changed, truncated or reordered after it was written."""

    def __init__(self, path: str, problem: str):
        self.path = path
        super().__init__(
            f"{path}: {problem}; the file was changed or damaged after it was encrypted and was not read"
        )
