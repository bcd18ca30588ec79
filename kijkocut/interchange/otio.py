"""OpenTimelineIO interchange: a project to and from an OTIO timeline, and files in any format an installed
OTIO adapter speaks (.otio natively; .xml with otio-fcp-adapter, .edl with otio-cmx3600-adapter, ...).
`opentimelineio` is optional (`pip install 'kijkocut[otio]'`) and imported only when used."""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from kijkocut import limits
from kijkocut.errors import KijkoCutError
from kijkocut.interchange.edl.read import read_edl
from kijkocut.interchange.formats import format_for
from kijkocut.interchange.otio_export import to_otio
from kijkocut.interchange.otio_import import MissingMedia, from_otio
from kijkocut.interchange.report import ExportReport
from kijkocut.interchange.timing import require_otio
from kijkocut.json_input import text_depth, too_deep_message
from kijkocut.model import Project
from kijkocut.paths import PathPolicy
from kijkocut.project_io import atomic_write_bytes

log = logging.getLogger(__name__)


def _adapter(otio: Any, path: Path) -> Any:
    try:
        return otio.adapters.from_filepath(str(path))
    except otio.exceptions.NoKnownAdapterForExtensionError:
        known = sorted(
            {suffix for adapter in otio.plugins.ActiveManifest().adapters for suffix in adapter.suffixes}
        )
        raise KijkoCutError(
            f"{path}: no OpenTimelineIO adapter for '{path.suffix}' (installed: "
            f"{', '.join('.' + s for s in known)}; e.g. pip install otio-fcp-adapter "
            "otio-cmx3600-adapter for .xml and .edl)"
        ) from None


def _check_bounds(path: Path, adapter_name: str) -> None:
    """OTIO's JSON reader (C++) takes the whole process down on deeply nested input, and reads any size: the
    size and the nesting of the JSON inside .otio, .otioz and .otiod are checked first (`limits`)."""
    content = {"otio_json": path, "otiod": path / "content.otio"}.get(adapter_name)
    try:
        if adapter_name == "otioz":
            with zipfile.ZipFile(path) as bundle:
                info = bundle.getinfo("content.otio")
                _check_size(path, info.file_size)
                data = bundle.read(info)
        elif content is not None:
            with content.open("rb") as handle:
                _check_size(path, os.fstat(handle.fileno()).st_size)
                data = handle.read(limits.MAX_PROJECT_BYTES + 1)
        else:
            _check_size(path, path.stat().st_size)
            return
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise KijkoCutError(f"{path}: cannot read it as {adapter_name} ({type(exc).__name__})") from None
    _check_size(path, len(data))
    if text_depth(data) > limits.MAX_JSON_DEPTH:
        raise KijkoCutError(f"{path}: {too_deep_message('the timeline')}")


def _check_size(path: Path, size: int) -> None:
    if size > limits.MAX_PROJECT_BYTES:
        raise KijkoCutError(
            f"{path}: the timeline is {limits.size_text(size)}; a timeline file may be at most "
            f"{limits.size_text(limits.MAX_PROJECT_BYTES)}"
        )


def export_timeline(
    project: Project,
    path: str | os.PathLike[str],
    *,
    project_dir: str | os.PathLike[str] | None = None,
    **adapter_options: Any,
) -> ExportReport:
    """Write the project as OTIO or any adapter format, chosen by the extension; atomically. Relative media
    paths resolve against `project_dir` (the project file's folder). The report lists, per element and
    property, what the format could not carry."""
    otio = require_otio()
    path = Path(path)
    adapter = _adapter(otio, path)
    fmt = format_for(adapter.name)
    warnings = fmt.losses(project)
    try:
        if fmt.text is not None:
            atomic_write_bytes(path, fmt.text(project, project_dir=project_dir).encode("utf-8"))
        elif adapter.has_feature("write_to_string"):
            timeline = fmt.timeline(project, project_dir=project_dir)
            written = otio.adapters.write_to_string(timeline, adapter_name=adapter.name, **adapter_options)
            if fmt.finish is not None:
                written = fmt.finish(written)
            atomic_write_bytes(path, written.encode("utf-8"))
        else:
            # Bundle formats (.otioz, .otiod) only write files: write beside the destination, then rename.
            timeline = fmt.timeline(project, project_dir=project_dir)
            with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as scratch:
                partial = Path(scratch) / path.name
                otio.adapters.write_to_file(
                    timeline, str(partial), adapter_name=adapter.name, **adapter_options
                )
                os.replace(partial, path)
    except KijkoCutError:
        raise
    except Exception as exc:  # third-party adapters fail in their own ways; name the adapter and the reason
        raise KijkoCutError(
            f"{path}: the {adapter.name} adapter cannot write this timeline ({type(exc).__name__}: {exc})"
        ) from None
    for warning in warnings:
        log.info("%s", warning)
    return ExportReport(path=path, format=fmt.label, warnings=warnings)


def export_otio(
    project: Project,
    path: str | os.PathLike[str],
    *,
    project_dir: str | os.PathLike[str] | None = None,
    **adapter_options: Any,
) -> Path:
    """`export_timeline` for callers that only need the file written."""
    return export_timeline(project, path, project_dir=project_dir, **adapter_options).path


def import_otio(
    path: str | os.PathLike[str],
    *,
    media_root: str | os.PathLike[str] | None = None,
    missing_media: MissingMedia = "error",
    path_policy: PathPolicy | None = None,
    **adapter_options: Any,
) -> Project:
    """Read an OTIO (or adapter format) file into a new project. Relative media paths resolve against
    `media_root`, by default the file's folder; with a `path_policy` they must lie inside its folders."""
    otio = require_otio()
    path = Path(path)
    if not path.exists():
        raise KijkoCutError(f"{path}: no such file")
    adapter = _adapter(otio, path)
    _check_bounds(path, adapter.name)
    fmt = format_for(adapter.name)
    try:
        if adapter.name == "cmx_3600":
            result = read_edl(path.read_text(encoding="utf-8", errors="replace"), **adapter_options)
        else:
            result = otio.adapters.read_from_file(str(path), adapter_name=adapter.name, **adapter_options)
    except Exception as exc:  # as above: adapters raise anything on a file they cannot read
        # Only the kind of failure: adapters quote the offending line, and the file may be anything.
        raise KijkoCutError(f"{path}: cannot read it as {adapter.name} ({type(exc).__name__})") from None
    if not isinstance(result, otio.schema.Timeline):
        timelines = (
            list(result.find_children(descended_from_type=otio.schema.Timeline))
            if hasattr(result, "find_children")
            else []
        )
        if not timelines:
            raise KijkoCutError(f"{path}: contains no timeline")
        result = timelines[0]
    try:
        return from_otio(
            result,
            media_root=path.parent if media_root is None else media_root,
            missing_media=missing_media,
            path_policy=path_policy,
            adapt=fmt.adapt,
        )
    except KijkoCutError as exc:
        raise KijkoCutError(f"{path}: {exc}") from None


__all__ = ["ExportReport", "export_otio", "export_timeline", "from_otio", "import_otio", "to_otio"]
