"""The timeline panel's media bin: the media files in one of ComfyUI's folders (input, output), newest first,
bounded in depth and count so a huge output folder cannot stall the server. Symlinks that lead out of the
folder and hidden files are left out; names are relative to the folder, the way /view and the actions take
them."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from typing import Any

from kijkocut.media.probe import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS

MAX_DEPTH = 4
MAX_FILES = 2000


def kind_of(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    return "audio" if suffix in AUDIO_EXTENSIONS else "image" if suffix in IMAGE_EXTENSIONS else "video"


def list_media(
    base: str | os.PathLike[str],
    extensions: Collection[str],
    *,
    max_depth: int = MAX_DEPTH,
    max_files: int = MAX_FILES,
) -> dict[str, Any]:
    """{"files": [{"name", "subfolder", "filename", "size", "mtime", "kind"}], "truncated": bool}; `name` is the
    path relative to `base` with forward slashes; `kind` (audio, image or video, by the extension) tells the bin
    whether to draw a waveform or a thumbnail."""
    root = Path(base).resolve()
    found: list[dict[str, Any]] = []
    truncated = False
    for folder, dirs, files in os.walk(root, followlinks=False):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if depth < max_depth else []
        for file_name in files:
            if file_name.startswith(".") or Path(file_name).suffix.lower() not in extensions:
                continue
            path = Path(folder) / file_name
            real = path.resolve()
            if os.path.commonpath([root, real]) != str(root) or not real.is_file():
                continue  # a link leading out of the folder, or a dangling one
            if len(found) >= max_files:
                truncated = True
                break
            stat = real.stat()
            relative = path.relative_to(root).as_posix()
            subfolder, _, filename = relative.rpartition("/")
            found.append(
                {
                    "name": relative,
                    "subfolder": subfolder,
                    "filename": filename,
                    "size": stat.st_size,
                    "mtime": stat.st_mtime,
                    "kind": kind_of(file_name),
                }
            )
        if truncated:
            break
    found.sort(key=lambda f: (-f["mtime"], f["name"]))
    return {"files": found, "truncated": truncated}
