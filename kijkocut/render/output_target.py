"""Where an export may write: never over the project file or a media file the project uses, never over a
folder or a device, and only into a folder that exists (or that the caller asked to create). Everything that
can be known before rendering is checked before rendering; a write that still fails (a disk filling up, a
permission taken away) becomes one `ExportTargetError` line instead of a traceback."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from kijkocut.errors import ExportTargetError, OutputFolderMissingError
from kijkocut.model import Project
from kijkocut.project_io import resolve_media_path

_WRITE_FAILURES = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
    errno.EFBIG: "the file is too large for this disk's file system",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ENOENT: "the folder was removed or does not accept new files",
}


def protected_paths(
    project: Project,
    project_dir: str | os.PathLike | None = None,
    project_file: str | os.PathLike | None = None,
) -> dict[str, str]:
    """Files an export must never replace, by what to call them: every media file in the pool (used or not)
    and the project file when the caller has one."""
    protected = {
        os.fspath(resolve_media_path(m.path, project_dir)): f"media {m.id} ({m.name or Path(m.path).name})"
        for m in project.media.values()
    }
    if project_file is not None:
        protected[os.fspath(project_file)] = "the project file"
    return protected


def _same_file(output: Path, other: str, output_stat: os.stat_result | None) -> bool:
    if os.path.realpath(output) == os.path.realpath(other):
        return True
    if output_stat is None:
        return False
    try:
        other_stat = os.stat(other)
    except OSError:
        return False
    return (other_stat.st_dev, other_stat.st_ino) == (output_stat.st_dev, output_stat.st_ino)  # hard links


def _existing_ancestor(folder: Path) -> Path:
    while not os.path.lexists(folder) and folder.parent != folder:
        folder = folder.parent
    return folder


def check_output_target(output: Path, protected: dict[str, str], *, create_folders: bool = False) -> None:
    """Refuse an output that would replace a protected file, is not a plain file, or has no folder to go in.
    With `create_folders`, a missing folder is created."""
    try:
        output_stat = os.stat(output)
    except (FileNotFoundError, NotADirectoryError):  # the folder checks below say which part is wrong
        output_stat = None
    except OSError as exc:
        raise ExportTargetError(f"cannot write {output}: {exc.strerror}") from None
    for path, what in protected.items():
        if _same_file(output, path, output_stat):
            raise ExportTargetError(
                f"refusing to write the export over {what}: {output}; choose another file name"
            )
    if output_stat is not None and stat.S_ISDIR(output_stat.st_mode):
        raise ExportTargetError(
            f"cannot write {output}: it is a folder; give a file name such as {output / 'video.mp4'}"
        )
    if output_stat is not None and not stat.S_ISREG(output_stat.st_mode):
        raise ExportTargetError(f"cannot write {output}: it exists and is not a regular file")
    folder = output.parent
    if os.path.isdir(folder):
        return
    ancestor = _existing_ancestor(folder)
    if os.path.lexists(ancestor) and not os.path.isdir(ancestor):
        raise ExportTargetError(f"cannot write {output}: {ancestor} is a file, not a folder")
    if not create_folders:
        raise OutputFolderMissingError(str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(exc, output, doing="create the folder for") from None


def write_failure(exc: OSError, output: Path, *, doing: str = "write") -> ExportTargetError:
    """One line for a failed write: what could not be written and why, in words."""
    reason = _WRITE_FAILURES.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    return ExportTargetError(f"cannot {doing} {output}: {reason} (in {output.parent})")
