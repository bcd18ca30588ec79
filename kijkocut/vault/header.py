"""The mark every encrypted KijkoCut file starts with (the stream format's header, `stream`), readable without the
crypto extra: a plain project, a media file or a published artefact is told from a sealed one before anything
imports cryptography."""

from __future__ import annotations

import os

MAGIC = b"KJKCRYPT"


def is_sealed_file(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts with the mark; a missing file is not sealed."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except FileNotFoundError:
        return False
