"""A production's data at rest, encrypted when its data directory encrypts everything (`kijkocut vault init
--encrypt-all`): the LangGraph checkpoints, which hold every artefact, decision and reviewer's note, and the
published JSON the ComfyUI node reads. Both are sealed in the vault's stream format under the data directory's
"productions" data key (`kijkocut.vault.rows`). Without the crypto extra or keys they stay plain, and what was
written plain stays readable. Nothing here imports LangGraph: the node reads published files without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kijkocut.vault.header import MAGIC

LABEL = "productions"
NEEDS_CRYPTO = "this production is encrypted: install the crypto extra (pip install 'kijkocut[crypto]')"
CIPHER = "kjkvault1"  # appended to a checkpoint blob's type, as LangGraph's EncryptedSerializer does


def _sealer(data_dir: Path):  # type: ignore[no-untyped-def]
    try:
        from kijkocut.vault.rows import shared_sealer
    except ImportError:  # no crypto extra: nothing can have been sealed
        return None
    return shared_sealer(data_dir, LABEL)


class SealedSerializer:
    """LangGraph's SerializerProtocol around its own serializer: blobs written while the data directory
    encrypts everything are sealed, and sealed blobs are opened whenever they are read (LockedError says how
    to unlock)."""

    def __init__(self, data_dir: Path, inner: Any) -> None:
        self.inner = inner
        self.sealer = _sealer(data_dir)

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        kind, data = self.inner.dumps_typed(obj)
        if self.sealer is not None and self.sealer.enabled():
            return f"{kind}+{CIPHER}", self.sealer.seal_bytes(data)
        return kind, data

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        kind, payload = data
        if not kind.endswith(f"+{CIPHER}"):
            return self.inner.loads_typed(data)
        if self.sealer is None:
            raise RuntimeError(NEEDS_CRYPTO)
        opened = self.sealer.open_bytes(payload, "a production checkpoint")
        return self.inner.loads_typed((kind.removesuffix(f"+{CIPHER}"), opened))


def checkpoint_serde(data_dir: Path) -> SealedSerializer:
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    return SealedSerializer(data_dir, JsonPlusSerializer())


def published_bytes(data_dir: Path, text: str) -> bytes:
    """What a published file holds: the text, sealed while the data directory encrypts everything."""
    plain = text.encode("utf-8")
    sealer = _sealer(data_dir)
    return sealer.seal_bytes(plain) if sealer is not None and sealer.enabled() else plain


def read_published_text(path: Path, data_dir: Path) -> str:
    """A published file's text, opened when it is sealed (LockedError, TamperedError name the file)."""
    raw = path.read_bytes()
    sealer = _sealer(data_dir)
    if sealer is None:
        if raw.startswith(MAGIC):
            raise RuntimeError(f"{path}: {NEEDS_CRYPTO}")
        return raw.decode("utf-8")
    return sealer.open_bytes(raw, str(path)).decode("utf-8")
