"""The HTTP command API as a ComfyUI server runs it: projects in <user dir>/kijkocut/projects (or
KIJKOCUT_PROJECTS_DIR), export jobs in the job store the CLI and the MCP server share (KIJKOCUT_DATA_DIR) or
<user dir>/kijkocut/jobs.sqlite3, files confined to ComfyUI's input, output and temp folders, exports written
into the output folder, and every change of a project pushed to the browser as a `kijkocut.change` event.

ComfyUI itself is handed in (its folder lookup, its user folder and `send_sync`), so this runs in tests
too."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from kijkocut.errors import KijkoCutError
from kijkocut.model import Project
from kijkocut.paths import PathPolicy
from kijkocut.service.feed import ChangeEvent
from kijkocut.service.jobs import RenderQueue
from kijkocut.service.preview import ProxyCache, cap_setting
from kijkocut.service.store import ProjectStore

from .paths import FOLDER_TYPES, render_policy
from .project_api import ProjectApi, folder_resolver

CHANGE_EVENT = "kijkocut.change"
PROJECTS_DIR_VARIABLE = "KIJKOCUT_PROJECTS_DIR"
PROXIES_VARIABLE = "KIJKOCUT_PREVIEW_PROXIES"  # "0": scrub previews decode the original files
DATA_DIR_VARIABLE = "KIJKOCUT_DATA_DIR"

FolderLookup = Callable[[str], "str | None"]
Push = Callable[[str, dict[str, Any]], None]  # PromptServer.instance.send_sync: thread-safe
log = logging.getLogger("kijkocut.api")


def projects_dir(user_dir: str | os.PathLike[str], env: Mapping[str, str]) -> Path:
    explicit = env.get(PROJECTS_DIR_VARIABLE, "").strip()
    return Path(explicit).expanduser() if explicit else Path(user_dir) / "kijkocut" / "projects"


def jobs_file(user_dir: str | os.PathLike[str], env: Mapping[str, str]) -> Path:
    explicit = env.get(DATA_DIR_VARIABLE, "").strip()
    return (Path(explicit).expanduser() if explicit else Path(user_dir) / "kijkocut") / "jobs.sqlite3"


def change_pusher(push: Push) -> Callable[[ChangeEvent], None]:
    def forward(event: ChangeEvent) -> None:
        push(CHANGE_EVENT, event.model_dump(mode="json"))

    return forward


def comfyui_project_api(
    folder_for: FolderLookup,
    user_dir: str | os.PathLike[str],
    push: Push,
    env: Mapping[str, str] | None = None,
    *,
    watch: bool = True,
) -> ProjectApi:
    env = os.environ if env is None else env
    folders = [folder for folder in (folder_for(kind) for kind in FOLDER_TYPES) if folder]
    input_dir, output_dir = folder_for("input"), folder_for("output")
    store = ProjectStore(projects_dir(user_dir, env))
    store.feed.subscribe(change_pusher(push))
    if watch:  # an MCP server or the CLI editing the same projects folder shows up in the panel too
        store.watch()
    jobs_path = jobs_file(user_dir, env)
    jobs_path.parent.mkdir(parents=True, exist_ok=True)
    proxies = None
    if env.get(PROXIES_VARIABLE, "1").strip() != "0":
        # Kept under its cap (KIJKOCUT_PROXY_CACHE_MAX); proxies of media no project here uses any more go.
        proxies = ProxyCache(jobs_path.parent / "proxies", project_folders=[store.root], cap=cap_setting(env))
        store.feed.subscribe(proxy_requester(store, proxies))
    preview_folders = [*folders, str(proxies.folder)] if proxies else folders

    def frame(project: Project, t: Fraction, width: int, project_dir: Path):
        from kijkocut.render.frames import render_frame

        return render_frame(
            project,
            t,
            width=width,
            project_dir=project_dir,
            path_policy=render_policy(preview_folders, project_dir, input_dir),
        )

    log.info("KijkoCut: projects in %s, export jobs in %s", store.root, jobs_path)
    return ProjectApi(
        store,
        folder_resolver(folder_for),
        frame,
        path_policy=PathPolicy.of(folders, base=input_dir),
        jobs=RenderQueue(jobs_path),
        output_dir=output_dir,
        folders=folder_for,
        proxies=proxies,
    )


def proxy_requester(store: ProjectStore, proxies: ProxyCache) -> Callable[[ChangeEvent], None]:
    """Proxies start in the background as soon as an edit brings in media (an import), not at the first scrub."""

    def on_change(event: ChangeEvent) -> None:
        if not any(change.entity == "media" for change in event.changes):
            return
        try:
            proxies.request(store.snapshot(event.project_id), store.directory(event.project_id))
        except (KijkoCutError, OSError) as exc:  # a preview aid: never fail the edit that triggered it
            log.warning("KijkoCut: preview proxies not queued: %s", exc)

    return on_change
