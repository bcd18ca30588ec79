"""Media for the tools: browse the allowed folders, import (probe) files or whole folders into a project,
list the media pool. Files are referenced where they are, never copied: paths are confined by the workspace."""

from __future__ import annotations

from pathlib import Path

from kijkocut.edit.commands import AddMedia
from kijkocut.errors import MediaError
from kijkocut.media.probe import (
    AUDIO_EXTENSIONS,
    IMAGE_EXTENSIONS,
    MEDIA_EXTENSIONS,
    VIDEO_EXTENSIONS,
    import_media,
)
from kijkocut.model import MediaRef
from mcp_server.errors import PathNotAllowedError, ServiceError
from mcp_server.projects import ProjectStore
from mcp_server.schemas import FileEntry, FileList, ImportOutcome, MediaList, SkippedFile
from mcp_server.views import media_view
from mcp_server.workspace import Workspace

MAX_LISTED = 500
MAX_IMPORT = 200


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    for kind, suffixes in (("video", VIDEO_EXTENSIONS), ("audio", AUDIO_EXTENSIONS), ("image", IMAGE_EXTENSIONS)):
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
    return FileList(folder=workspace.display(base) or ".", entries=entries[:MAX_LISTED],
                    truncated=len(entries) > MAX_LISTED)


def _candidates(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = [p for p in sorted(path.iterdir(), key=lambda p: p.name.lower())
             if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in MEDIA_EXTENSIONS]
    if len(files) > MAX_IMPORT:
        raise ServiceError(f"{path} holds {len(files)} media files; import at most {MAX_IMPORT} at a time "
                           f"(name the files, or a smaller folder)")
    return files


def import_path(store: ProjectStore, workspace: Workspace, project_id: str, path: str) -> ImportOutcome:
    """Probe a file, or every media file directly inside a folder, and add them to the project's media pool.
    Unreadable files are skipped with the reason; a file already in the pool (same content) is not added
    twice but reported as imported, so repeating the call is harmless."""
    target = workspace.resolve(path)
    probed: list[MediaRef] = []
    skipped: list[SkippedFile] = []
    for file in _candidates(target):
        try:
            real = workspace.resolve(str(file))  # a symlink inside an allowed folder may still point out
            probed.append(import_media(real))
        except PathNotAllowedError:
            skipped.append(SkippedFile(path=workspace.display(file), reason="links outside the allowed folders"))
        except MediaError as exc:
            skipped.append(SkippedFile(path=workspace.display(file), reason=exc.problem))
    if not probed and not skipped:
        raise ServiceError(f"{path!r} holds no media files ({', '.join(sorted(MEDIA_EXTENSIONS))})")
    with store.edit(project_id) as editor:
        pool = editor.project.media
        imported = []
        for ref in probed:
            existing = next((m for m in pool.values()
                             if m.path == ref.path and m.content_hash == ref.content_hash), None)
            if existing is None:
                editor.apply(AddMedia(media=ref))
                existing = ref
            imported.append(media_view(existing, workspace))
        return ImportOutcome(project_id=project_id, revision=editor.project.revision, imported=imported,
                             skipped=skipped)


def list_media(store: ProjectStore, workspace: Workspace, project_id: str) -> MediaList:
    with store.read(project_id) as project:
        return MediaList(project_id=project_id, media=[media_view(m, workspace) for m in project.media.values()])
