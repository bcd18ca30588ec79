"""OpenTimelineIO interchange: a project to and from an OTIO timeline, and files in any format an installed
OTIO adapter speaks (.otio natively; .xml with otio-fcp-adapter, .edl with otio-cmx3600-adapter, ...).
`opentimelineio` is optional (`pip install 'kijkocut[otio]'`) and imported only when used."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from kijkocut.errors import KijkoCutError
from kijkocut.interchange.otio_export import to_otio
from kijkocut.interchange.otio_import import MissingMedia, from_otio
from kijkocut.interchange.timing import require_otio
from kijkocut.model import Project
from kijkocut.paths import PathPolicy
from kijkocut.project_io import atomic_write_bytes


def _adapter(otio: Any, path: Path) -> Any:
    try:
        return otio.adapters.from_filepath(str(path))
    except otio.exceptions.NoKnownAdapterForExtensionError:
        known = sorted({suffix for adapter in otio.plugins.ActiveManifest().adapters
                        for suffix in adapter.suffixes})
        raise KijkoCutError(f"{path}: no OpenTimelineIO adapter for '{path.suffix}' (installed: "
                            f"{', '.join('.' + s for s in known)}; e.g. pip install otio-fcp-adapter "
                            "otio-cmx3600-adapter for .xml and .edl)") from None


def export_otio(project: Project, path: str | os.PathLike[str], *,
                project_dir: str | os.PathLike[str] | None = None, **adapter_options: Any) -> Path:
    """Write the project as OTIO or any adapter format, chosen by the extension; atomically. Relative media
    paths resolve against `project_dir` (the project file's folder)."""
    otio = require_otio()
    path = Path(path)
    adapter = _adapter(otio, path)
    timeline = to_otio(project, project_dir=project_dir)
    try:
        if adapter.has_feature("write_to_string"):
            atomic_write_bytes(path, otio.adapters.write_to_string(
                timeline, adapter_name=adapter.name, **adapter_options).encode("utf-8"))
            return path
        # Bundle formats (.otioz, .otiod) only write files: write beside the destination, then rename.
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as scratch:
            partial = Path(scratch) / path.name
            otio.adapters.write_to_file(timeline, str(partial), adapter_name=adapter.name, **adapter_options)
            os.replace(partial, path)
    except KijkoCutError:
        raise
    except Exception as exc:  # third-party adapters fail in their own ways; name the adapter and the reason
        raise KijkoCutError(f"{path}: the {adapter.name} adapter cannot write this timeline "
                            f"({type(exc).__name__}: {exc})") from None
    return path


def import_otio(path: str | os.PathLike[str], *, media_root: str | os.PathLike[str] | None = None,
                missing_media: MissingMedia = "error", path_policy: PathPolicy | None = None,
                **adapter_options: Any) -> Project:
    """Read an OTIO (or adapter format) file into a new project. Relative media paths resolve against
    `media_root`, by default the file's folder; with a `path_policy` they must lie inside its folders."""
    otio = require_otio()
    path = Path(path)
    if not path.exists():
        raise KijkoCutError(f"{path}: no such file")
    adapter = _adapter(otio, path)
    try:
        result = otio.adapters.read_from_file(str(path), adapter_name=adapter.name, **adapter_options)
    except Exception as exc:  # as above: adapters raise anything on a file they cannot read
        # Only the kind of failure: adapters quote the offending line, and the file may be anything.
        raise KijkoCutError(f"{path}: cannot read it as {adapter.name} ({type(exc).__name__})") from None
    if not isinstance(result, otio.schema.Timeline):
        timelines = list(result.find_children(descended_from_type=otio.schema.Timeline)) if hasattr(
            result, "find_children") else []
        if not timelines:
            raise KijkoCutError(f"{path}: contains no timeline")
        result = timelines[0]
    try:
        return from_otio(result, media_root=path.parent if media_root is None else media_root,
                         missing_media=missing_media, path_policy=path_policy)
    except KijkoCutError as exc:
        raise KijkoCutError(f"{path}: {exc}") from None


__all__ = ["export_otio", "from_otio", "import_otio", "to_otio"]
