"""Preview proxies for scrubbing: which media of a project get one (videos larger than the proxy), a single
background worker that makes them (oldest request first, one at a time, so editing keeps the other core), and
the project as the preview renders it: each media whose proxy is ready swapped for it. The engine's frame
placement depends only on a source's aspect for the scale-invariant fits, so media shown by any clip with
`fit: none` (native pixel size) keep their original file. Proxies live in one folder, named by the media's
content hash, and are shared by every project."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from kijkocut.errors import KijkoCutError
from kijkocut.model import ClipElement, MediaRef, Project
from kijkocut.project_io import resolve_media_path

log = logging.getLogger("kijkocut.preview")

# (source, destination, cancel) -> the proxy written; kijkocut.media.proxies.make_proxy by default.
ProxyMaker = Callable[..., Path]


def wants_proxy(ref: MediaRef, height: int) -> bool:
    video = ref.info.video
    return (
        ref.info.kind == "video" and video is not None and max(video.width, video.height) > height * 16 // 9
    )


def native_size_media(project: Project) -> set[str]:
    """Media shown by a clip at its native pixel size: a proxy would change the picture's size there."""
    return {
        element.media_id
        for track in project.tracks
        for element in track.elements
        if isinstance(element, ClipElement) and element.transform.fit == "none"
    }


def _media_sealer():  # type: ignore[no-untyped-def]
    """Seals media caches under the default data directory's keys; None without the crypto extra."""
    try:
        from kijkocut.vault.location import default_data_dir
        from kijkocut.vault.rows import shared_sealer
    except ImportError:
        return None
    return shared_sealer(default_data_dir(), "media-cache")


class ProxyCache:
    def __init__(self, folder: str | Path, make: ProxyMaker | None = None, height: int | None = None):
        from kijkocut.media.proxies import PROXY_HEIGHT, make_proxy

        self.folder = Path(folder)
        self.height = height or PROXY_HEIGHT
        self.make = make or make_proxy
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kijkocut-proxy")
        self._pending: dict[Path, Future] = {}
        self._failed: set[Path] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def path_for(self, ref: MediaRef) -> Path:
        identity = (
            ref.content_hash
            or hashlib.sha256(f"{ref.path}|{ref.info.size_bytes}|{ref.mtime_ns}".encode()).hexdigest()
        )
        return self.folder / f"{identity[:40]}_{self.height}p.mp4"

    def ready(self, ref: MediaRef) -> Path | None:
        path = self.path_for(ref)
        return path if path.is_file() else None

    def request(self, project: Project, project_dir: str | Path | None) -> list[Future]:
        """Queue proxies for the project's media that want one and have none yet."""
        queued = []
        for ref in project.media.values():
            if not wants_proxy(ref, self.height):
                continue
            target = self.path_for(ref)
            with self._lock:
                if target.is_file() or target in self._pending or target in self._failed:
                    continue
                source = resolve_media_path(ref.path, project_dir)
                future = self._pool.submit(self._make, source, target)
                self._pending[target] = future
            queued.append(future)
        return queued

    def _make(self, source: Path, target: Path) -> Path | None:
        try:
            sealer = _media_sealer()
            if sealer is None or not sealer.enabled():
                return self.make(source, target, height=self.height, cancel=self._closed.is_set)
            # The data directory encrypts everything: the proxy is made in scratch space (memory-backed where
            # the system has it) and only its encrypted form is kept; the engine decrypts it as it scrubs.
            with tempfile.TemporaryDirectory(dir=os.environ.get("XDG_RUNTIME_DIR")) as scratch:
                plain = self.make(
                    source, Path(scratch) / target.name, height=self.height, cancel=self._closed.is_set
                )
                sealer.seal_file(plain, target)
            return target
        except (KijkoCutError, OSError, InterruptedError) as exc:
            log.warning("KijkoCut: no preview proxy for %s: %s", source.name, exc)
            with self._lock:
                self._failed.add(target)
            return None
        finally:
            with self._lock:
                self._pending.pop(target, None)

    def status(self, project: Project) -> dict[str, str]:
        """media id -> ready | pending | failed | original (no proxy wanted)."""
        answer = {}
        for ref in project.media.values():
            target = self.path_for(ref)
            if not wants_proxy(ref, self.height):
                answer[ref.id] = "original"
            elif target.is_file():
                answer[ref.id] = "ready"
            elif target in self._failed:
                answer[ref.id] = "failed"
            else:
                answer[ref.id] = "pending"
        return answer

    def proxied(self, project: Project) -> Project:
        """The project with every ready proxy in place of its media (for previews only, never saved)."""
        keep = native_size_media(project)
        swapped = {}
        for media_id, ref in project.media.items():
            if media_id in keep or not wants_proxy(ref, self.height):
                continue
            proxy = self.ready(ref)
            if proxy is not None:
                swapped[media_id] = ref.model_copy(update={"path": str(proxy)})
        if not swapped:
            return project
        return project.model_copy(update={"media": {**project.media, **swapped}})

    def close(self) -> None:
        self._closed.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
