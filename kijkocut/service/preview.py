"""Preview proxies for scrubbing: which media of a project get one (videos larger than the proxy), a single
background worker that makes them (oldest request first, one at a time, so editing keeps the other core), and
the project as the preview renders it: each media whose proxy is ready swapped for it. The engine's frame
placement depends only on a source's aspect for the scale-invariant fits, so media shown by any clip with
`fit: none` (native pixel size) keep their original file. Proxies live in one folder, named by the media's
content hash, and are shared by every project. The folder is kept under its cap (`proxy_sweep`) by the same
worker: once at startup and after each new proxy, never while a request waits, never removing the proxies of a
project this process showed within `IN_USE_SECONDS`."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from kijkocut.errors import KijkoCutError
from kijkocut.model import ClipElement, MediaRef, Project
from kijkocut.project_io import resolve_media_path
from kijkocut.service import proxy_sweep, sealing
from kijkocut.service.proxy_sweep import CacheCap, SweepReport, media_identity

log = logging.getLogger("kijkocut.preview")

# (source, destination, cancel) -> the proxy written; kijkocut.media.proxies.make_proxy by default.
ProxyMaker = Callable[..., Path]
IN_USE_SECONDS = 2 * 3600  # a project shown this recently counts as open: its proxies are never swept
FULL_SWEEP_SECONDS = 24 * 3600  # a long-running server looks for unreferenced proxies again after this
_MARK_SECONDS = 60  # a proxy's access time is written at most this often by one process


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
    if not sealing.has_crypto_extra():
        return None
    from kijkocut.vault.location import default_data_dir
    from kijkocut.vault.rows import shared_sealer

    return shared_sealer(default_data_dir(), "media-cache")


def cap_setting(env: Mapping[str, str] | None = None) -> CacheCap:
    """The cap KIJKOCUT_PROXY_CACHE_MAX asks for; the default, with a warning, when it is not a cap."""
    try:
        return proxy_sweep.cap_from_env(env)
    except KijkoCutError as exc:  # a preview aid: a bad setting must not stop the server
        log.warning("KijkoCut: %s; using the default cap", exc)
        return CacheCap()


class ProxyCache:
    """`project_folders`: where the projects that use these proxies are stored, so proxies of media none of
    them references any more can go (None: only the cap applies). `cap`: the folder's size limit (default:
    KIJKOCUT_PROXY_CACHE_MAX, else `CacheCap()`). `sweep`: sweep at startup and after each new proxy."""

    def __init__(
        self,
        folder: str | Path,
        make: ProxyMaker | None = None,
        height: int | None = None,
        *,
        project_folders: Sequence[Path] | None = None,
        cap: CacheCap | None = None,
        sweep: bool = True,
    ):
        from kijkocut.media.proxies import PROXY_HEIGHT, make_proxy

        self.folder = Path(folder)
        self.height = height or PROXY_HEIGHT
        self.make = make or make_proxy
        self.project_folders = None if project_folders is None else tuple(Path(p) for p in project_folders)
        self.cap = cap if cap is not None else cap_setting()
        self.sweeps = sweep
        self.last_sweep: SweepReport | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kijkocut-proxy")
        self._pending: dict[Path, Future] = {}
        self._failed: set[Path] = set()
        self._used: dict[str, float] = {}  # media identity -> when this process last showed it (monotonic)
        self._marked: dict[Path, float] = {}  # proxy -> when its access time was last written (monotonic)
        self._sweep_queued: Future | None = None
        self._last_full_sweep: float | None = None
        self._references: proxy_sweep.ReferenceMemo = {}
        self._sweeping = threading.Lock()  # one sweep at a time (the worker's, or one asked for directly)
        self._lock = threading.Lock()
        self._closed = threading.Event()
        if sweep:
            self.queue_sweep()

    def path_for(self, ref: MediaRef) -> Path:
        from kijkocut.media.proxies import proxy_file_name

        return self.folder / proxy_file_name(media_identity(ref), self.height)

    def ready(self, ref: MediaRef) -> Path | None:
        path = self.path_for(ref)
        self._note_use([ref])
        if not path.is_file():
            return None
        self._mark(path)
        return path

    def _note_use(self, refs: Sequence[MediaRef]) -> None:
        now = time.monotonic()
        with self._lock:
            for ref in refs:
                self._used[media_identity(ref)] = now

    def _mark(self, path: Path) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._marked.get(path, -_MARK_SECONDS) < _MARK_SECONDS:
                return
            self._marked[path] = now
        proxy_sweep.mark_used(path)

    def in_use(self) -> set[str]:
        """Identities of media this process showed within IN_USE_SECONDS or is making a proxy of."""
        horizon = time.monotonic() - IN_USE_SECONDS
        with self._lock:
            for identity in [i for i, when in self._used.items() if when < horizon]:
                del self._used[identity]
            pending = {target.name.rsplit("_", 1)[0] for target in self._pending}
            return set(self._used) | pending

    def request(self, project: Project, project_dir: str | Path | None) -> list[Future]:
        """Queue proxies for the project's media that want one and have none yet. The project is open here (an
        edit or a preview asked), so its proxies count as in use: a sweep after one is made keeps it."""
        wanted = [ref for ref in project.media.values() if wants_proxy(ref, self.height)]
        self._note_use(wanted)
        queued = []
        for ref in wanted:
            target = self.path_for(ref)
            with self._lock:
                if target.is_file() or target in self._pending or target in self._failed:
                    continue
                source = resolve_media_path(ref.path, project_dir)
                future = self._pool.submit(self._make, source, target)
                self._pending[target] = future
            queued.append(future)
        return queued

    def queue_sweep(self, full: bool = True) -> Future:
        """Sweep the folder on the worker (after the proxies queued before it). One sweep waits at most."""
        with self._lock:
            if self._sweep_queued is not None and not self._sweep_queued.done():
                return self._sweep_queued
            self._sweep_queued = self._pool.submit(self._sweep_quietly, full)
            return self._sweep_queued

    def sweep(self, full: bool = True) -> SweepReport:
        """Sweep the folder now, in this thread."""
        with self._sweeping:
            report = proxy_sweep.sweep(
                self.folder,
                cap=self.cap,
                project_folders=self.project_folders,
                protected=self.in_use(),
                full=full,
                memo=self._references,
            )
        with self._lock:
            for proxy, _ in report.removed:
                self._marked.pop(proxy.path, None)
            if full:
                self._last_full_sweep = time.monotonic()
            self.last_sweep = report
        return report

    def _sweep_quietly(self, full: bool) -> SweepReport | None:
        try:
            return self.sweep(full)
        except (KijkoCutError, OSError) as exc:
            log.warning("KijkoCut: preview proxy folder not swept: %s", exc)
            return None

    def _full_sweep_due(self) -> bool:
        with self._lock:
            last = self._last_full_sweep
        return last is None or time.monotonic() - last > FULL_SWEEP_SECONDS

    def _make(self, source: Path, target: Path) -> Path | None:
        try:
            made = self._write(source, target)
            if self.sweeps and not self._closed.is_set():  # a directory scan, after the proxy is in place
                self.queue_sweep(full=self._full_sweep_due())
            return made
        except (KijkoCutError, OSError, InterruptedError) as exc:
            log.warning("KijkoCut: no preview proxy for %s: %s", source.name, exc)
            with self._lock:
                self._failed.add(target)
            return None
        finally:
            with self._lock:
                self._pending.pop(target, None)

    def _write(self, source: Path, target: Path) -> Path:
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

    def wait_idle(self, timeout: float | None = None) -> None:
        """Return once the worker has done everything queued before this call (proxies and sweeps)."""
        self._pool.submit(lambda: None).result(timeout)

    def close(self) -> None:
        self._closed.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
