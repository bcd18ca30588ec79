"""Registers downloaded outputs: where they are and what the engine's probe says about them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_KIND_BY_EXTENSION = {
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"), "image"),
    **dict.fromkeys((".mp4", ".webm", ".mov", ".mkv", ".gif", ".avi"), "video"),
    **dict.fromkeys((".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a"), "audio"),
}


def kind_from_name(name: str) -> str:
    return _KIND_BY_EXTENSION.get(Path(name).suffix.lower(), "other")


def probe_output(path: Path) -> dict[str, Any]:
    """The engine's `probe_media` as JSON; a minimal record (size, kind from the extension) when the engine
    is not installed alongside or cannot read the file."""
    try:
        from kijkocut.media.probe import probe_media
    except ImportError:
        probe_media = None
    if probe_media is not None:
        try:
            return probe_media(path).model_dump(mode="json")
        except Exception as exc:  # a bad file must not lose the job's other outputs
            return _minimal(path, f"probe failed: {exc}")
    return _minimal(path, "engine probe unavailable")


def _minimal(path: Path, note: str) -> dict[str, Any]:
    return {
        "kind": kind_from_name(path.name),
        "container": path.suffix.lstrip(".").lower(),
        "size_bytes": path.stat().st_size,
        "warnings": [note],
    }


def safe_local_name(filename: str) -> str:
    """Server file names end up in our media folder: never let one climb out of it."""
    name = Path(filename.replace("\\", "/")).name
    return name if name not in ("", ".", "..") else "output"
