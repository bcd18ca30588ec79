"""Reading and writing project files: versioned JSON, migrations from older versions, atomic writes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kijkocut import limits
from kijkocut.atomic import create_partial
from kijkocut.errors import KijkoCutError, ProjectFormatError
from kijkocut.json_input import JsonInputError, nested_deeper_than, too_deep_message
from kijkocut.json_input import loads as load_json
from kijkocut.model import FORMAT_VERSION, SCHEMA_NAME, Project
from kijkocut.project_text import project_text
from kijkocut.validate import check_project
from kijkocut.validation_messages import describe_validation_error


def _migrate_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (the prototype format) called the frame rate `fps` and the element/track type `type`."""
    settings = doc.setdefault("settings", {})
    if "fps" in settings:
        settings["frame_rate"] = settings.pop("fps")
    for track in doc.get("tracks", []):
        if "type" in track:
            track["kind"] = track.pop("type")
        for element in track.get("elements", []):
            if "type" in element:
                element["kind"] = element.pop("type")
    doc["schema"] = SCHEMA_NAME
    return doc


def _migrate_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 added effects, keyframes, speed, richer titles, adjustment tracks and more transition kinds,
    all optional with defaults that render exactly as version 1 did."""
    return doc


def _migrate_2_to_3(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 3 records each media file's modification time at import (`mtime_ns`). Older entries have none;
    exports check them by size and content hash instead."""
    return doc


def _migrate_3_to_4(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 4 lets a transition hold the edge frames where media runs out (`handles`). Older transitions
    use media beyond the edges, the default; a version 3 reader refuses version 4 files instead of rendering
    held frames as media it does not have."""
    return doc


# version n -> function producing version n + 1
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
}


def migrate(doc: dict[str, Any]) -> dict[str, Any]:
    version = doc.get("version", 0)
    if not isinstance(version, int) or version < 0:
        raise ProjectFormatError(f"version: expected a whole number, got {version!r}")
    if version > FORMAT_VERSION:
        raise ProjectFormatError(
            f"version: this project was written by a newer KijkoCut (format {version}; "
            f"this one reads up to {FORMAT_VERSION})"
        )
    schema = doc.get("schema", SCHEMA_NAME)
    if schema != SCHEMA_NAME:
        raise ProjectFormatError(f"schema: expected {SCHEMA_NAME!r}, got {schema!r}")
    while version < FORMAT_VERSION:
        try:
            doc = MIGRATIONS[version](doc)
        except (AttributeError, TypeError, KeyError) as exc:
            raise ProjectFormatError(
                f"cannot migrate a version {version} project: it is malformed ({exc})"
            ) from None
        version += 1
        doc["version"] = version
    return doc


def project_from_dict(doc: Any, *, validate: bool = True) -> Project:
    """A project from a parsed document (a file, a tool argument, a node input), within `limits`."""
    if isinstance(doc, dict) and nested_deeper_than(doc, limits.MAX_JSON_DEPTH):
        raise ProjectFormatError(too_deep_message("the project"))
    return _project_from_doc(doc, validate)


def _project_from_doc(doc: Any, validate: bool) -> Project:
    if not isinstance(doc, dict):
        raise ProjectFormatError(f"(root): expected a JSON object, got {type(doc).__name__}")
    doc = migrate(dict(doc))
    try:
        project = Project.model_validate(doc)
    except ValidationError as exc:
        raise ProjectFormatError(describe_validation_error(exc)) from None
    if validate:
        check_project(project)
    return project


def project_from_json(text: str | bytes, *, validate: bool = True) -> Project:
    """A project from JSON text: UTF-8, nested at most `limits.MAX_JSON_DEPTH` deep (checked before parsing)."""
    if len(text) > limits.MAX_PROJECT_BYTES:
        raise ProjectFormatError(_too_big(len(text)))
    try:
        doc = load_json(text, what="the project")
    except JsonInputError as exc:
        raise ProjectFormatError(str(exc)) from None
    return _project_from_doc(doc, validate)


def _too_big(size: int) -> str:
    return (
        f"the project is {limits.size_text(size)}; a project file may be at most "
        f"{limits.size_text(limits.MAX_PROJECT_BYTES)}"
    )


def project_file_bytes(project: Project) -> bytes:
    """The project file's content (`project_to_json`'s document, assembled from pieces kept between saves:
    `project_text`); refuses a project too big to load again (nothing is written)."""
    data = project_text(project).encode("utf-8")
    if len(data) > limits.MAX_PROJECT_BYTES:
        raise KijkoCutError(
            f"{_too_big(len(data))}, so it was not saved; undo the last edit, or split the "
            f"timeline into several projects"
        )
    return data


def project_to_dict(project: Project) -> dict[str, Any]:
    return project.model_dump(mode="json", by_alias=True)


def project_to_json(project: Project, *, indent: int | None = 2) -> str:
    return project.model_dump_json(by_alias=True, indent=indent)


def load_project(path: str | os.PathLike[str], *, validate: bool = True) -> Project:
    path = Path(path)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limits.MAX_PROJECT_BYTES:
                raise ProjectFormatError(f"{path}: {_too_big(size)}")
            text = handle.read(
                limits.MAX_PROJECT_BYTES + 1
            )  # one byte past the limit: /dev/zero is no project
    except OSError as exc:
        raise ProjectFormatError(f"{path}: cannot read project file ({exc.strerror})") from None
    try:
        return project_from_json(text, validate=validate)
    except ProjectFormatError as exc:
        raise ProjectFormatError(f"{path}: {exc}") from None


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write beside the destination and rename over it, so readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = create_partial(path.parent, f".{path.name}.", ".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def save_project(project: Project, path: str | os.PathLike[str]) -> None:
    atomic_write_bytes(path, project_file_bytes(project))


def resolve_media_path(media_path: str, project_dir: str | os.PathLike[str] | None) -> Path:
    path = Path(media_path).expanduser()
    if not path.is_absolute() and project_dir is not None:
        path = Path(project_dir) / path
    return path
