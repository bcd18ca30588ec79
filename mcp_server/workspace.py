"""The workspace directory and path confinement.

Every path a client names is resolved here. Relative paths are taken from the workspace root; absolute ones
must lie inside the workspace or a configured media folder. `..` components are refused outright (rather than
normalised away) so a model learns to name paths plainly, and the final check runs on the real path, so a
symlink that points out of the allowed folders is refused too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from mcp_server.errors import NotFoundError, PathNotAllowedError

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,119}$")


def _within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives on Windows
        return False


class Workspace:
    """Owns <root>/projects, renders, previews and jobs; any other folder there is the user's."""

    def __init__(self, root: Path, media_dirs: list[Path] | None = None):
        self.root = Path(os.path.realpath(root))
        for sub in ("projects", "renders", "previews", "jobs"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.media_dirs = [Path(os.path.realpath(p)) for p in media_dirs or []]

    @property
    def readable_roots(self) -> list[Path]:
        return [self.root, *self.media_dirs]

    def folder(self, name: str) -> Path:
        return self.root / name

    def resolve(self, user_path: str, *, must_exist: bool = True, writable: bool = False) -> Path:
        """The real path for a client-supplied path, or PathNotAllowedError naming the allowed folders."""
        text = user_path.strip()
        if "\x00" in text:
            raise PathNotAllowedError("path contains a NUL character")
        if any(part == ".." for part in re.split(r"[\\/]+", text)):
            raise PathNotAllowedError(f"{user_path!r}: '..' is not allowed; name the file relative to the "
                                      f"workspace or as an absolute path inside an allowed folder")
        candidate = Path(text).expanduser()
        if not candidate.is_absolute():
            candidate = self.root / candidate
        real = os.path.realpath(candidate)
        roots = [self.root] if writable else self.readable_roots
        if not any(_within(real, str(root)) for root in roots):
            allowed = ", ".join(str(r) for r in roots)
            raise PathNotAllowedError(f"{user_path!r} is outside the allowed folders ({allowed}); use a path "
                                      f"relative to the workspace or ask the user to allow the folder")
        if must_exist and not os.path.exists(real):
            raise NotFoundError(f"{user_path!r} does not exist (looked at {real})")
        return Path(real)

    def display(self, path: Path) -> str:
        """Workspace-relative for files inside it, so results stay short; absolute otherwise."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def safe_file_name(name: str, default_suffix: str) -> str:
    """A bare file name (no folders) for outputs the server writes; adds the suffix when missing."""
    if not _SAFE_NAME.match(name) or name.startswith("."):
        raise PathNotAllowedError(f"{name!r}: use a plain file name of letters, digits, spaces, '_', '-', '.'")
    return name if name.lower().endswith(default_suffix) else name + default_suffix
