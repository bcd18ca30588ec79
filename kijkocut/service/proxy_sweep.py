"""Keeping the preview proxy folder bounded: a size cap with least-recently-used eviction, and proxies of media
that no stored project references any more removed once they have gone unused for a grace period (an undo may
bring the media back meanwhile).

A sweep is a directory scan (names, sizes, times: nothing is decoded) and, when it has to decide what is still
referenced, a read of the stored projects' media tables. It never removes what it is told is protected (the
proxies of projects open in the calling process), never a partial file whose writer holds its lock (a proxy or
its encrypted form being written by this or another process: `kijkocut.atomic.LockedPartial`), and never
follows a link. A proxy's last use is the later of its access and modification times: the process that shows a
proxy marks its access time (`mark_used`), so proxies in use by another process on the same folder look recent.
Encrypted proxies have the same names and are swept the same way."""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from kijkocut.atomic import sweep_stale_partials
from kijkocut.errors import KijkoCutError
from kijkocut.media.proxies import PROXY_FILE, PROXY_PARTIAL
from kijkocut.model import MediaRef, Project
from kijkocut.service.errors import ServiceError

log = logging.getLogger("kijkocut.preview")

CAP_VARIABLE = "KIJKOCUT_PROXY_CACHE_MAX"
DEFAULT_CAP_BYTES = 20 * 1024**3  # 20 GiB ...
DEFAULT_SHARE = Fraction(1, 4)  # ... or a quarter of the room the cache could have, when that is less
GRACE_SECONDS = 7 * 24 * 3600  # an unreferenced proxy unused this long goes, whatever the cap
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_SIZE = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[kmgt]?)(?:i?b)?", re.IGNORECASE)
_SHARE = re.compile(r"(?P<percent>[0-9]+(?:\.[0-9]+)?)\s*%")


@dataclass(frozen=True)
class CacheCap:
    """The cache's size limit: a fixed number of bytes, or a share of the room it could have (the free space of
    its disk plus what it holds already), never more than `ceiling`."""

    fixed: int | None = None
    share: Fraction = DEFAULT_SHARE
    ceiling: int | None = DEFAULT_CAP_BYTES

    def resolve(self, folder: Path, cache_bytes: int) -> int:
        if self.fixed is not None:
            return self.fixed
        room = int((_free_space(folder) + cache_bytes) * self.share)
        return room if self.ceiling is None else min(room, self.ceiling)

    def describe(self) -> str:
        if self.fixed is not None:
            return f"set by {CAP_VARIABLE}"
        share = f"{float(self.share) * 100:g}% of the free disk space plus the cache"
        return f"{share}, at most {self.ceiling / 1024**3:g} GiB" if self.ceiling is not None else share


def _free_space(folder: Path) -> int:
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    return shutil.disk_usage(existing).free


def parse_cap(text: str, named: str = CAP_VARIABLE) -> CacheCap:
    """A cap as a user writes it: `20G`, `500 MB`, `1.5GiB`, `1073741824` (units are binary), or `10%` (of the
    free space plus the cache, without the 20 GiB ceiling). Empty means the default."""
    text = text.strip()
    if not text:
        return CacheCap()
    if share := _SHARE.fullmatch(text):
        percent = Fraction(share["percent"])
        if 0 < percent <= 100:
            return CacheCap(share=percent / 100, ceiling=None)
    elif size := _SIZE.fullmatch(text):
        return CacheCap(fixed=int(Fraction(size["number"]) * _UNITS[size["unit"].lower()]))
    raise ServiceError(
        f"{named} must be a size such as 20G or 500M, or a share such as 10% of the free disk space; "
        f"got {text[:40]!r}"
    )


def cap_from_env(env: Mapping[str, str] | None = None) -> CacheCap:
    env = os.environ if env is None else env
    return parse_cap(env.get(CAP_VARIABLE, ""))


@dataclass(frozen=True)
class ProxyFile:
    path: Path
    identity: str
    size: int
    last_used: float  # seconds since the epoch: the later of the access and modification times


def scan(folder: Path) -> list[ProxyFile]:
    """The finished proxies in `folder` (regular files named as proxies; links and anything else are skipped)."""
    found = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        named = PROXY_FILE.fullmatch(entry.name)
        if named is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            stat = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue  # removed while we looked
        found.append(
            ProxyFile(Path(entry.path), named["identity"], stat.st_size, max(stat.st_atime, stat.st_mtime))
        )
    return found


def mark_used(path: Path) -> None:
    """Record that `path` was just used (its access time), for the least-recently-used order of every process
    sharing the folder. The modification time is kept."""
    try:
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
    except OSError:
        pass  # gone meanwhile, or a read-only folder: the order is only a hint


def media_identity(ref: MediaRef) -> str:
    """The identity a media's proxy is named by: its content hash, else its path, size and modification time."""
    import hashlib

    identity = (
        ref.content_hash
        or hashlib.sha256(f"{ref.path}|{ref.info.size_bytes}|{ref.mtime_ns}".encode()).hexdigest()
    )
    return identity[:40]


@dataclass
class References:
    """The media identities the stored projects use; `recoverable`: media that an undo or redo in a project
    saved within the grace period can bring back (they are in its history only); `unreadable` names projects
    that could not be read (locked or broken), in which case nothing counts as unreferenced."""

    identities: set[str] = field(default_factory=set)
    recoverable: set[str] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unreadable


@dataclass(frozen=True)
class _ProjectMedia:
    stamp: tuple[int, int, int]  # inode, mtime, size of the project file
    saved: float  # its modification time, seconds since the epoch
    current: frozenset[str]
    in_history: frozenset[str]


# project file -> what it references: a sweep re-reads only the projects changed since the last one.
ReferenceMemo = dict[str, _ProjectMedia]


def _history_media(project: Project) -> frozenset[str]:
    """Media an undo or redo would put back: the media entities of every history entry's changes."""
    found = set()
    for entry in (*project.history.done, *project.history.undone):
        for change in entry.changes:
            if change.entity != "media":
                continue
            for side in (change.before, change.after):
                if isinstance(side, dict):
                    try:
                        found.add(media_identity(MediaRef.model_validate(side)))
                    except ValueError:
                        continue  # not a media as this version knows it: nothing a proxy was made for
    return frozenset(found)


def stored_references(
    project_folders: Iterable[Path], memo: ReferenceMemo | None = None, *, saved_since: float = 0.0
) -> References:
    """The media of every project in the given projects folders (`<folder>/<id>/project.json`, sealed or not);
    media in the history of projects saved since `saved_since` are `recoverable`. With `memo` (kept by the
    caller between sweeps), a project file unchanged since the last sweep is not read again."""
    from kijkocut.project_io import load_project
    from kijkocut.service import sealing
    from kijkocut.service.store import PROJECT_FILE
    from kijkocut.vault.header import is_sealed_file

    found = References()
    memo = {} if memo is None else memo
    seen = set()
    vault = None
    for folder in project_folders:
        for path in sorted(Path(folder).glob(f"*/{PROJECT_FILE}")):
            try:
                stat = path.stat()
                stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
                known = memo.get(str(path))
                if known is None or known.stamp != stamp:
                    if is_sealed_file(path):
                        vault = vault or sealing.default_vault()
                        project = sealing.read_project(path, vault)
                    else:  # only its media are wanted: the timeline's own checks are for editing it
                        project = load_project(path, validate=False)
                    current = frozenset(map(media_identity, project.media.values()))
                    known = _ProjectMedia(stamp, stat.st_mtime, current, _history_media(project) - current)
                    memo[str(path)] = known
            except FileNotFoundError:
                continue  # deleted while we looked
            except (KijkoCutError, OSError, ValueError) as exc:
                log.info("KijkoCut: proxy sweep cannot read %s: %s", path, exc)
                found.unreadable.append(str(path.parent))
                continue
            seen.add(str(path))
            found.identities.update(known.current)
            if known.saved >= saved_since:
                found.recoverable.update(known.in_history)
    for gone in set(memo) - seen:
        del memo[gone]
    return found


def plan(
    files: Sequence[ProxyFile],
    *,
    cap: int | None,
    now: float,
    referenced: Collection[str] | None,
    protected: Collection[str] = (),
    grace: float = GRACE_SECONDS,
    recoverable: Collection[str] = (),
) -> list[tuple[ProxyFile, str]]:
    """Which proxies to remove, and why ("unreferenced" or "over the cap"), oldest use first. An unreferenced
    proxy unused for `grace` goes unless it is `recoverable` (an undo in a recently saved project brings its
    media back); over the cap, unreferenced ones go first. Without `referenced` (unknown) nothing counts as
    unreferenced. Protected identities are never chosen."""
    candidates = sorted((f for f in files if f.identity not in protected), key=lambda f: f.last_used)
    orphan = {f.path for f in candidates if referenced is not None and f.identity not in referenced}
    expired = [f for f in candidates if f.path in orphan and f.identity not in recoverable]
    chosen = [(f, "unreferenced") for f in expired if now - f.last_used > grace]
    gone = {f.path for f, _ in chosen}
    total = sum(f.size for f in files if f.path not in gone)
    if cap is not None and total > cap:
        # Unreferenced proxies in their grace period go before the ones a project still shows.
        for f in sorted((f for f in candidates if f.path not in gone), key=lambda f: f.path not in orphan):
            if total <= cap:
                break
            chosen.append((f, "over the cap"))
            total -= f.size
    return chosen


@dataclass
class SweepReport:
    folder: Path
    cap: int
    before_files: int = 0
    before_bytes: int = 0
    removed: list[tuple[ProxyFile, str]] = field(default_factory=list)
    partials_removed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    references_checked: bool = False

    @property
    def freed(self) -> int:
        return sum(f.size for f, _ in self.removed)

    @property
    def after_bytes(self) -> int:
        return self.before_bytes - self.freed

    def count(self, reason: str) -> tuple[int, int]:
        picked = [f for f, why in self.removed if why == reason]
        return len(picked), sum(f.size for f in picked)


def sweep(
    folder: str | os.PathLike[str],
    *,
    cap: CacheCap | int | None = None,
    project_folders: Sequence[Path] | None = None,
    protected: Collection[str] = (),
    full: bool = True,
    grace: float = GRACE_SECONDS,
    now: float | None = None,
    memo: ReferenceMemo | None = None,
) -> SweepReport:
    """Sweep one proxy folder now. `project_folders`: where the projects that may use these proxies are stored
    (None: unknown, so only the cap applies). `full` False is the cheap check after a new proxy: projects are
    read only when the folder is over its cap. Partials left by writers that died go every time."""
    folder = Path(folder)
    files = scan(folder)
    before = sum(f.size for f in files)
    if not isinstance(cap, CacheCap):
        cap = CacheCap() if cap is None else CacheCap(fixed=cap)
    limit = cap.resolve(folder, before)
    report = SweepReport(folder, limit, len(files), before)
    report.partials_removed = sweep_stale_partials(folder, PROXY_PARTIAL) if folder.is_dir() else []
    now = time.time() if now is None else now
    referenced, recoverable = None, set()
    if project_folders is not None and (full or before > limit):
        references = stored_references(project_folders, memo, saved_since=now - grace)
        report.references_checked, report.unreadable = True, references.unreadable
        if references.complete:
            referenced, recoverable = references.identities, references.recoverable
    chosen = plan(
        files,
        cap=limit,
        now=now,
        referenced=referenced,
        protected=protected,
        grace=grace,
        recoverable=recoverable,
    )
    for proxy, reason in chosen:
        if _remove_unchanged(proxy):
            report.removed.append((proxy, reason))
    if report.removed:
        log.info(
            "KijkoCut: preview proxies: removed %d (%d bytes) in %s",
            len(report.removed),
            report.freed,
            folder,
        )
    return report


def _remove_unchanged(proxy: ProxyFile) -> bool:
    """Remove the proxy unless it was replaced or used since the scan (another process showing it)."""
    try:
        stat = proxy.path.lstat()
        if stat.st_size != proxy.size or max(stat.st_atime, stat.st_mtime) > proxy.last_used:
            return False
        proxy.path.unlink()
    except FileNotFoundError:
        return False
    return True


def clear(folder: str | os.PathLike[str], protected: Collection[str] = ()) -> SweepReport:
    """Remove every finished proxy (and abandoned partial) in `folder`, leaving partials being written."""
    return sweep(folder, cap=0, project_folders=None, protected=protected)
