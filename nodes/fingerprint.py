"""Cache keys for ComfyUI's `fingerprint_inputs`: the project's edit decisions plus the state (mtime, size)
of every media file it references, so an edit or a replaced source file re-runs the nodes below, and an
unchanged timeline is served from ComfyUI's cache instead of being rendered again."""

from __future__ import annotations

import hashlib
import json
import os

from kijkocut.model import Project
from kijkocut.project_io import project_to_dict, resolve_media_path


def file_state(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def project_fingerprint(project: Project, project_dir: str | os.PathLike[str] | None = None) -> str:
    doc = project_to_dict(project)
    # Undo history and the revision counter do not change what renders.
    doc.pop("history", None)
    doc.pop("revision", None)
    media_states = {
        media_id: file_state(resolve_media_path(ref.path, project_dir))
        for media_id, ref in sorted(project.media.items())
    }
    payload = json.dumps({"project": doc, "files": media_states}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
