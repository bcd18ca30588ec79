"""What the nodes need from the running ComfyUI: its folders (and node edits confined to them), its progress
bar and its interrupt flag.

ComfyUI modules are imported inside the functions, so the pure helpers of the pack import without a host."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kijkocut.errors import RenderCancelled
from kijkocut.paths import PathPolicy
from kijkocut.service.actions import ActionContext, ActionOutcome

from .paths import FOLDER_TYPES, PathRefused, render_policy
from .timeline_value import TimelineValue

ProjectFolder = str  # "output" or "user"


def folder(folder_type: str) -> str:
    """ComfyUI's input, output or temp folder."""
    import folder_paths

    if folder_type not in FOLDER_TYPES:
        raise PathRefused(f"unknown folder type {folder_type!r} (use {', '.join(FOLDER_TYPES)})")
    return folder_paths.get_directory_by_type(folder_type)


def project_folder(kind: ProjectFolder) -> str:
    """Where Load/Save Timeline keep project JSON: the output folder, or the default user's data folder
    (the one ComfyUI's /userdata API serves)."""
    import folder_paths

    if kind == "output":
        return folder_paths.get_output_directory()
    if kind == "user":
        return os.path.join(folder_paths.get_user_directory(), "default")
    raise PathRefused(f"unknown project folder {kind!r} (use output or user)")


def media_folders() -> list[str]:
    return [folder(kind) for kind in FOLDER_TYPES]


def path_policy(project_dir: str | None, base: str = "input", *also: str | None) -> PathPolicy:
    """What the nodes may open: ComfyUI's input, output and temp folders, the folder the timeline came from
    and `also` (another timeline's); relative names from the `base` folder, never ComfyUI's working
    directory."""
    return render_policy([*media_folders(), *(f for f in also if f)], project_dir, folder(base))


def action_context(project_dir: str | None, base: str = "input", *also: str | None) -> ActionContext:
    """How a node's service action opens files: confined by `path_policy` and stored as real paths; any other
    file path the edit brings in (a title's font) is checked against the same folders."""
    policy = path_policy(project_dir, base, *also)
    return ActionContext(
        resolve_path=policy.confine, project_dir=Path(project_dir) if project_dir else None, policy=policy
    )


def apply(
    timeline: TimelineValue, action: str, params: dict[str, Any], base: str = "input", *also: str | None
) -> tuple[TimelineValue, ActionOutcome]:
    """A node's edit: the service action on a copy of the timeline (one undo step), its files confined to
    ComfyUI's folders, relative names taken from the `base` folder."""
    return timeline.applied(action, params, action_context(timeline.project_dir, base, *also))


def intermediates_folder() -> str:
    """Lossless intermediates of IMAGE/AUDIO/VIDEO inputs. In the output folder, not temp: ComfyUI empties
    temp at start-up and a saved timeline must still find its media afterwards."""
    import folder_paths

    path = os.path.join(folder_paths.get_output_directory(), "kijkocut", "intermediates")
    os.makedirs(path, exist_ok=True)
    return path


def progress_callback(total: int) -> Callable[[int, int], None]:
    import comfy.utils

    bar = comfy.utils.ProgressBar(total)

    def report(done: int, of: int) -> None:
        bar.update_absolute(done, of)

    return report


def interrupted() -> bool:
    import comfy.model_management

    return comfy.model_management.processing_interrupted()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Pass `interrupted` to the engine as its cancel check; when the engine stops because of it, raise
    ComfyUI's own interrupt exception so the UI reports an interruption, not an error."""
    try:
        yield
    except RenderCancelled:
        import comfy.model_management

        comfy.model_management.throw_exception_if_processing_interrupted()
        raise
