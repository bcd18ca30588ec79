"""The workspace directory and path confinement.

Every path a client names is resolved here, with the engine's one confinement check (`kijkocut.paths`).
Relative paths are taken from the workspace root, never the server's working directory; absolute ones must
lie inside the workspace or a configured media folder. `..` components are refused outright (rather than
normalised away) so a model learns to name paths plainly, and the final check runs on the real path, so a
symlink that points out of the allowed folders is refused too. `policy` hands the same folders to the
service layer (title fonts, and every file path an edit brings into a project) and to the renderers, which
confine every path a project stores before opening anything.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path

from kijkocut.errors import PathNotAllowedError as EnginePathNotAllowedError
from kijkocut.paths import PathPolicy, confine
from mcp_server.errors import NotFoundError, PathNotAllowedError

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,119}$")


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

    @cached_property
    def policy(self) -> PathPolicy:
        """What a project of this workspace may name: files in the workspace and the media folders (fonts
        also from the system font folders); relative paths are the workspace's."""
        return PathPolicy.of(self.readable_roots, [self.root], base=self.root)

    def folder(self, name: str) -> Path:
        return self.root / name

    def resolve(self, user_path: str, *, must_exist: bool = True, writable: bool = False) -> Path:
        """The real path for a client-supplied path, or PathNotAllowedError naming the allowed folders."""
        roots = [self.root] if writable else self.readable_roots
        try:
            real = confine(user_path.strip(), roots, base=self.root)
        except EnginePathNotAllowedError as exc:
            raise PathNotAllowedError(
                f"{exc}; use a path relative to the workspace or ask the user to allow the folder"
            ) from None
        if must_exist and not os.path.exists(real):
            raise NotFoundError(f"{user_path!r} does not exist (looked at {real})")
        return real

    def display(self, path: Path) -> str:
        """Workspace-relative for files inside it, so results stay short; absolute otherwise."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def safe_file_name(name: str, default_suffix: str) -> str:
    """A bare file name (no folders) for outputs the server writes; adds the suffix when missing."""
    if not _SAFE_NAME.match(name) or name.startswith("."):
        raise PathNotAllowedError(
            f"{name!r}: use a plain file name of letters, digits, spaces, '_', '-', '.'"
        )
    return name if name.lower().endswith(default_suffix) else name + default_suffix
