"""Projects compared across front ends: generated ids become their order of appearance (also inside history
labels), media paths their file names, so two projects built the same way by different front ends compare
equal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kijkocut.model import Project
from kijkocut.project_io import project_to_dict

_GENERATED = re.compile(r"\b(prj|trk|clip|text|adj|fx|trn|mrk|med|frz|snd|el)_[0-9a-f]{10}\b")


def comparable(project: Project) -> dict[str, Any]:
    """The project without what legitimately differs between front ends: ids, file locations, name, revision
    and the raw command JSON of history entries (labels and entity changes are kept)."""
    doc = project_to_dict(project)
    ids: dict[str, str] = {}

    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            return {rename(k): rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        if isinstance(value, str):
            return _GENERATED.sub(lambda m: ids.setdefault(m.group(0), f"{m.group(1)}#{len(ids)}"), value)
        return value

    for ref in doc["media"].values():
        ref["path"] = Path(ref["path"]).name
        ref.pop("mtime_ns", None)
    for entry in doc["history"]["done"] + doc["history"]["undone"]:
        entry.pop("command")
    for key in ("id", "name", "revision"):
        doc.pop(key)
    return rename(doc)
