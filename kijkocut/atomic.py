"""Files that appear whole: written under a hidden partial name beside the destination, then renamed into place.

The partial file is created with mode 0666 filtered by the user's umask, as any program creating a file gets:
`tempfile.mkstemp` would create it 0600, and the rename would carry that over, leaving exported videos and
saved projects unreadable to everyone but their owner (a media server, a shared folder, ComfyUI run as another
user)."""

from __future__ import annotations

import os
import secrets

_ATTEMPTS = 100


def create_partial(folder: str | os.PathLike[str], prefix: str, suffix: str = "") -> tuple[int, str]:
    """A new empty file in `folder`: (open write descriptor, path). Like `mkstemp`, but with ordinary
    permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(_ATTEMPTS):
        path = os.path.join(os.fspath(folder), f"{prefix}{secrets.token_hex(6)}{suffix}")
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: no free name for a partial file after {_ATTEMPTS} tries")


def empty_partial(folder: str | os.PathLike[str], prefix: str, suffix: str = "") -> str:
    """The path of a new, empty, closed partial file, for writers that open files themselves (FFmpeg)."""
    fd, path = create_partial(folder, prefix, suffix)
    os.close(fd)
    return path
