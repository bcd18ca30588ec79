"""Media for the tools: browse the allowed folders and list a project's media pool. Importing is the service
layer's `import_media` action (see `action_tools`); files are referenced where they are, never copied."""

from __future__ import annotations

from pathlib import Path

from kijkocut.media.probe import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, VIDEO_EXTENSIONS
from kijkocut.service.store import ProjectStore
from mcp_server.errors import ServiceError
from mcp_server.schemas import FileEntry, FileList, MediaList
from mcp_server.views import media_view
from mcp_server.workspace import Workspace

MAX_LISTED = 500


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    for kind, suffixes in (
        ("video", VIDEO_EXTENSIONS),
        ("audio", AUDIO_EXTENSIONS),
        ("image", IMAGE_EXTENSIONS),
    ):
        if suffix in suffixes:
            return kind
    return "other"


def browse(workspace: Workspace, folder: str = "") -> FileList:
    """Folders and media files directly inside `folder` (workspace-relative or an allowed absolute path);
    with no folder, the workspace root and the allowed media folders."""
    if not folder.strip():
        entries = [FileEntry(path=str(root), kind="folder") for root in workspace.media_dirs]
        base = workspace.root
    else:
        base = workspace.resolve(folder)
        if not base.is_dir():
            raise ServiceError(f"{folder!r} is a file, not a folder; pass it to media_import instead")
        entries = []
    children = sorted(base.iterdir(), key=lambda p: p.name.lower())
    for child in children:
        if child.name.startswith("."):
            continue
        kind = "folder" if child.is_dir() else file_kind(child)
        if kind == "other":
            continue
        size = child.stat().st_size if kind != "folder" else 0
        entries.append(FileEntry(path=workspace.display(child), kind=kind, size_bytes=size))
    return FileList(
        folder=workspace.display(base) or ".",
        entries=entries[:MAX_LISTED],
        truncated=len(entries) > MAX_LISTED,
    )


def list_media(store: ProjectStore, workspace: Workspace, project_id: str) -> MediaList:
    with store.locked(project_id):
        pool = list(store.get(project_id).media.values())
    return MediaList(project_id=project_id, media=[media_view(m, workspace) for m in pool])
