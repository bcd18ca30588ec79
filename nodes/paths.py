"""Confining file names from the UI or a workflow to one of ComfyUI's folders.

Every name a node or route receives is relative to a known base folder. A name is refused when it is empty,
absolute, contains a `..` segment or a NUL, resolves (after symlinks) outside the base folder, or has an
extension the caller does not accept. The containment check is the engine's (`kijkocut.paths.confine`), and
`render_policy` hands the same folders to the renderers. Pure functions: no ComfyUI import."""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path

from kijkocut.errors import PathNotAllowedError
from kijkocut.paths import PathPolicy
from kijkocut.paths import confine as confine_within

FOLDER_TYPES = ("input", "output", "temp")
PROJECT_EXTENSIONS = frozenset({".json"})

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class PathRefused(ValueError):
    """A file name that may not be used; the message says why without echoing the resolved location."""


def media_extensions() -> frozenset[str]:
    from kijkocut.media.probe import MEDIA_EXTENSIONS

    return frozenset(MEDIA_EXTENSIONS)


def _check_relative(name: str, what: str) -> list[str]:
    if "\x00" in name:
        raise PathRefused(f"{what} contains a NUL character")
    if os.path.isabs(name) or name.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(name):
        raise PathRefused(f"{what} must be relative to the folder, not an absolute path: {name!r}")
    parts = re.split(r"[\\/]+", name)
    if ".." in parts:
        raise PathRefused(f"{what} must not contain '..': {name!r}")
    return [p for p in parts if p not in ("", ".")]


def confine(
    base_dir: str | os.PathLike[str],
    name: str,
    *,
    subfolder: str = "",
    extensions: Collection[str] | None = None,
) -> Path:
    """The real path of `subfolder/name` inside `base_dir`, or PathRefused. The file need not exist."""
    if not isinstance(name, str) or not name.strip():
        raise PathRefused("no file name given")
    parts = _check_relative(subfolder, "subfolder") + _check_relative(name, "file name")
    if not parts:
        raise PathRefused(f"not a file name: {name!r}")
    base = os.path.realpath(base_dir)
    try:
        resolved = str(confine_within(os.path.join(base, *parts), [base]))
    except PathNotAllowedError:
        raise PathRefused(f"{name!r} points outside the allowed folder") from None
    if resolved == base:
        raise PathRefused(f"{name!r} points outside the allowed folder")
    if extensions is not None:
        suffix = Path(resolved).suffix.lower()
        if suffix not in extensions or Path(parts[-1]).suffix.lower() not in extensions:
            raise PathRefused(
                f"{name!r}: file type {suffix or '(none)'} is not allowed here "
                f"(allowed: {', '.join(sorted(extensions))})"
            )
    return Path(resolved)


def confine_existing(
    base_dir: str | os.PathLike[str],
    name: str,
    *,
    subfolder: str = "",
    extensions: Collection[str] | None = None,
) -> Path:
    """Like `confine`, and the file must exist as a regular file (FileNotFoundError otherwise)."""
    path = confine(base_dir, name, subfolder=subfolder, extensions=extensions)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {os.path.join(subfolder, name) if subfolder else name}")
    return path


def is_inside(path: str | os.PathLike[str], folders: Collection[str | os.PathLike[str]]) -> bool:
    """Whether an absolute path resolves inside one of the folders (used for media paths in a project)."""
    try:
        confine_within(path, folders)
    except PathNotAllowedError:
        return False
    return True


def render_policy(
    folders: Collection[str | os.PathLike[str]],
    project_dir: str | os.PathLike[str] | None,
    base: str | os.PathLike[str] | None,
) -> PathPolicy:
    """What a render from the nodes may open: ComfyUI's input, output and temp folders (`folders`), and the
    folder a loaded timeline came from (itself one of the folders Load Timeline allows). Relative paths of a
    timeline without a folder are taken from `base` (the input folder), never the working directory."""
    readable = [*folders, project_dir] if project_dir else list(folders)
    return PathPolicy.of(readable, base=base)
