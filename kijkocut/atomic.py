"""Files that appear whole: written under a hidden partial name beside the destination, then renamed into place.

The partial file is created with mode 0666 filtered by the user's umask, as any program creating a file gets:
`tempfile.mkstemp` would create it 0600, and the rename would carry that over, leaving exported videos and
saved projects unreadable to everyone but their owner (a media server, a shared folder, ComfyUI run as another
user).

A writer killed outright (SIGKILL, a crash, power loss) cannot remove its partial file. Long writes (exports)
therefore hold an exclusive `flock` on theirs while writing: the kernel drops the lock when the writer dies,
so `sweep_stale_partials` removes exactly the partials nobody is writing, never a concurrent export's."""

from __future__ import annotations

import logging
import os
import re
import secrets
import stat

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted there, which protects a live partial instead
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
_ATTEMPTS = 100
_TOKEN_BYTES = 6


def create_partial(folder: str | os.PathLike[str], prefix: str, suffix: str = "") -> tuple[int, str]:
    """A new empty file in `folder`: (open write descriptor, path). Like `mkstemp`, but with ordinary
    permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(_ATTEMPTS):
        path = os.path.join(os.fspath(folder), f"{prefix}{secrets.token_hex(_TOKEN_BYTES)}{suffix}")
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


class LockedPartial:
    """A new, empty partial file, exclusively locked until `release`: for writers that open the file themselves
    (FFmpeg) and rename it into place when done. Removing it on failure is the writer's job."""

    def __init__(self, folder: str | os.PathLike[str], prefix: str, suffix: str = ""):
        while True:
            fd, path = create_partial(folder, prefix, suffix)
            if fcntl is None:
                break
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _still_named(fd, path):
                break
            os.close(fd)  # a sweep removed it between creation and locking: take another
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _still_named(fd: int, path: str) -> bool:
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def partial_name_pattern(prefix_pattern: str, suffix_pattern: str) -> re.Pattern[str]:
    """Names `create_partial` makes for a prefix and suffix matching the given regular expressions."""
    return re.compile(f"{prefix_pattern}[0-9a-f]{{{2 * _TOKEN_BYTES}}}{suffix_pattern}")


def sweep_stale_partials(folder: str | os.PathLike[str], pattern: re.Pattern[str]) -> list[str]:
    """Remove the partial files in `folder` whose names fully match `pattern` and whose writer is gone (no
    lock held on them). Returns the names removed."""
    try:
        names = [name for name in os.listdir(folder) if pattern.fullmatch(name)]
    except OSError:
        return []
    removed = []
    for name in names:
        path = os.path.join(os.fspath(folder), name)
        if _remove_if_abandoned(path):
            removed.append(name)
    if removed:
        log.info("removed %d partial file(s) left by interrupted exports in %s", len(removed), folder)
    return removed


def _remove_if_abandoned(path: str) -> bool:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return False  # gone already, a symlink, or not ours to open
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        if fcntl is None:
            os.close(fd)
            fd = -1
            return _unlink_quietly(path)  # fails while a writer still has it open
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # its writer is alive
        # Unlinked while the lock is held, so a writer creating and locking a file never loses it to a sweep.
        return _still_named(fd, path) and _unlink_quietly(path)
    finally:
        if fd >= 0:
            os.close(fd)


def _unlink_quietly(path: str) -> bool:
    try:
        os.unlink(path)
    except OSError:
        return False
    return True
