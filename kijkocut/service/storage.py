"""What KijkoCut keeps on this machine, where, and how big; and removing one kind of it on request.

The locations are the ones the rest of the code uses (nothing is guessed): the projects folder of
`store.default_projects_dir`, and in the data directory (`KIJKOCUT_DATA_DIR`, else the platform's user data
dir) the job database, downloaded job outputs, the workflow search index, the exported embedding model, the
agents' production checkpoints and the encryption keys (`kijkocut.vault`). When the nodes run in ComfyUI without
KIJKOCUT_DATA_DIR, they keep projects, jobs and preview proxies under ComfyUI's user folder instead
(`nodes/api_host.py`): `kijkocut storage --comfyui-user DIR` includes that folder.

Preview proxies are a cache with a cap (`proxy_sweep`): `proxy_caches` reports each proxy folder against it,
`sweep_proxies` sweeps them now, and removing the proxies kind leaves a proxy being written in place."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kijkocut.media.proxies import PROXY_PARTIAL
from kijkocut.service import proxy_sweep
from kijkocut.service.errors import ServiceError
from kijkocut.service.proxy_sweep import CacheCap, SweepReport
from kijkocut.service.store import default_projects_dir
from kijkocut.vault.location import default_data_dir


@dataclass(frozen=True)
class StoredKind:
    name: str
    what: str
    paths: tuple[Path, ...]  # files or folders; a kind may be spread over several (a database and its WAL)
    holds_user_work: bool = False  # removing it loses work that cannot be rebuilt

    def existing(self) -> list[Path]:
        return [path for path in self.paths if path.exists() or path.is_symlink()]


@dataclass
class Usage:
    kind: StoredKind
    files: int = 0
    size: int = 0
    present: list[Path] = field(default_factory=list)


def stored_kinds(env: Mapping[str, str] | None = None, comfyui_user: Path | None = None) -> list[StoredKind]:
    data = default_data_dir(env)
    jobs = data / "jobs.sqlite3"
    hosted = (
        [
            StoredKind(
                "comfyui",
                "what the nodes and the timeline panel keep in ComfyUI's user folder: projects, jobs, preview proxies",
                (comfyui_user / "kijkocut",),
                holds_user_work=True,
            )
        ]
        if comfyui_user
        else []
    )
    return hosted + [
        StoredKind(
            "projects",
            "projects with their edit history (undo/redo) and revisions",
            (default_projects_dir(env),),
            holds_user_work=True,
        ),
        StoredKind("media", "outputs downloaded from ComfyUI jobs", (data / "media",), holds_user_work=True),
        StoredKind(
            "jobs",
            "the job database: ComfyUI jobs and render jobs, with their workflows and inputs",
            (jobs, Path(f"{jobs}-wal"), Path(f"{jobs}-shm")),
        ),
        StoredKind(
            "proxies",
            "low-resolution preview copies of large videos (remade when a preview needs them)",
            (data / "proxies",),
        ),
        StoredKind(
            "search-index",
            "the workflow search index (rebuilt on the next search)",
            (data / "workflow_index",),
        ),
        StoredKind(
            "models",
            "the embedding model exported for ONNX Runtime (re-exported on first use)",
            (data / "models",),
        ),
        StoredKind(
            "productions",
            "agent productions: checkpoints of every step, the artefacts and the conversation with the agents",
            (data / "productions",),
            holds_user_work=True,
        ),
        StoredKind(
            "keys",
            "encryption keys: wrapped project keys and the passphrase parameters (without them encrypted "
            "projects cannot be opened)",
            (data / "keys",),
            holds_user_work=True,
        ),
    ]


def kind_named(
    name: str, env: Mapping[str, str] | None = None, comfyui_user: Path | None = None
) -> StoredKind:
    kinds = {kind.name: kind for kind in stored_kinds(env, comfyui_user)}
    if name not in kinds:
        raise ServiceError(f"unknown kind {name!r}; the kinds are {', '.join(kinds)}")
    return kinds[name]


def _measure(path: Path) -> tuple[int, int]:
    """(files, bytes) under `path`, without following links out of it."""
    if path.is_symlink() or path.is_file():
        return 1, path.lstat().st_size
    files = size = 0
    for folder, _dirs, names in os.walk(path):
        for name in names:
            try:
                size += os.lstat(os.path.join(folder, name)).st_size
            except FileNotFoundError:
                continue  # removed while we looked
            files += 1
    return files, size


def usage(env: Mapping[str, str] | None = None, comfyui_user: Path | None = None) -> list[Usage]:
    report = []
    for kind in stored_kinds(env, comfyui_user):
        entry = Usage(kind, present=kind.existing())
        for path in entry.present:
            files, size = _measure(path)
            entry.files += files
            entry.size += size
        report.append(entry)
    return report


@dataclass(frozen=True)
class ProxyFolder:
    folder: Path
    project_folders: tuple[Path, ...]  # where the projects that may use its proxies are stored


def proxy_folders(
    env: Mapping[str, str] | None = None, comfyui_user: Path | None = None
) -> list[ProxyFolder]:
    """The proxy folders the front ends use: the data directory's (CLI, MCP server, ComfyUI with
    KIJKOCUT_DATA_DIR) and, when named, the one in ComfyUI's user folder. A proxy counts as referenced when a
    project in any of the known projects folders uses its media."""
    projects = [default_projects_dir(env)]
    folders = [default_data_dir(env) / "proxies"]
    if comfyui_user is not None:
        projects.append(comfyui_user / "kijkocut" / "projects")
        folders.append(comfyui_user / "kijkocut" / "proxies")
    return [ProxyFolder(folder, tuple(projects)) for folder in folders]


@dataclass(frozen=True)
class ProxyCacheState:
    folder: Path
    files: int
    size: int
    cap: int
    cap_rule: str


def proxy_caches(
    env: Mapping[str, str] | None = None, comfyui_user: Path | None = None, cap: CacheCap | None = None
) -> list[ProxyCacheState]:
    """Each proxy folder's size against its cap (KIJKOCUT_PROXY_CACHE_MAX unless `cap` is given)."""
    cap = cap if cap is not None else proxy_sweep.cap_from_env(env)
    states = []
    for place in proxy_folders(env, comfyui_user):
        files = proxy_sweep.scan(place.folder)
        size = sum(f.size for f in files)
        states.append(
            ProxyCacheState(place.folder, len(files), size, cap.resolve(place.folder, size), cap.describe())
        )
    return states


def sweep_proxies(
    env: Mapping[str, str] | None = None, comfyui_user: Path | None = None, cap: CacheCap | None = None
) -> list[SweepReport]:
    """Sweep every proxy folder now (unreferenced proxies past their grace, then the oldest over the cap)."""
    cap = cap if cap is not None else proxy_sweep.cap_from_env(env)
    return [
        proxy_sweep.sweep(place.folder, cap=cap, project_folders=place.project_folders)
        for place in proxy_folders(env, comfyui_user)
        if place.folder.is_dir()
    ]


def remove(name: str, env: Mapping[str, str] | None = None, comfyui_user: Path | None = None) -> Usage:
    """Delete everything of one kind; returns what was there. Links are removed, never followed. Proxies being
    written (by this or another process) are left to their writer."""
    kind = kind_named(name, env, comfyui_user)
    [before] = [entry for entry in usage(env, comfyui_user) if entry.kind.name == name]
    if name == "proxies":
        return _remove_proxies(kind, before)
    for path in kind.existing():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    return before


def _remove_proxies(kind: StoredKind, before: Usage) -> Usage:
    removed = Usage(kind, present=before.present)
    for folder in kind.existing():
        if folder.is_symlink() or not folder.is_dir():
            folder.unlink(missing_ok=True)
            continue
        report = proxy_sweep.clear(folder)
        removed.files += len(report.removed) + len(report.partials_removed)
        removed.size += report.freed
        for entry in folder.iterdir():  # anything else in the folder but a partial being written
            if PROXY_PARTIAL.fullmatch(entry.name):
                continue
            files, size = _measure(entry)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink(missing_ok=True)
            removed.files += files
            removed.size += size
    return removed


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"
