"""Preview proxy sweeps: what a sweep of the proxy folder costs the proxy worker, by folder and projects size.
The cheap check after each new proxy (a directory scan under the cap), a full sweep that reads every stored
project, the same with the projects remembered from the last sweep, and a sweep that evicts a tenth over the
cap. Proxy files here are sparse files with proxy names (a sweep reads names, sizes and times, never contents);
projects are real stored projects. Prints a table; no targets are asserted here.

    .venv/bin/python benchmarks/proxy_sweep.py
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from kijkocut import samples
from kijkocut.media.probe import probe_media
from kijkocut.media.proxies import proxy_file_name
from kijkocut.model import ClipElement, MediaRef, Project, ProjectSettings, Track
from kijkocut.service import proxy_sweep
from kijkocut.service.store import ProjectStore

PROJECTS = 200
MEDIA_PER_PROJECT = 10
PROXY_BYTES = 4 * 1024**2


def identity(index: int) -> str:
    return hashlib.sha256(str(index).encode()).hexdigest()


def build(root: Path, proxies: int) -> tuple[Path, Path]:
    clip = samples.write_video(root / "clip.mp4", seconds=0.2, width=320, height=180, rate=10)
    info = probe_media(clip)
    store = ProjectStore(root / "projects")
    for number in range(PROJECTS):
        refs = [
            MediaRef(
                id=f"m{k}", path=str(clip), info=info, content_hash=identity(number * MEDIA_PER_PROJECT + k)
            )
            for k in range(MEDIA_PER_PROJECT)
        ]
        clips = [
            ClipElement(id=f"c{k}", media_id=ref.id, start=Fraction(k, 5), duration=Fraction(1, 5))
            for k, ref in enumerate(refs)
        ]
        store.adopt(
            Project(
                name=f"p{number}",
                settings=ProjectSettings(width=320, height=180, frame_rate="10"),
                media={ref.id: ref for ref in refs},
                tracks=[Track(id="v1", kind="video", elements=clips)],
            )
        )
    folder = root / "proxies"
    folder.mkdir()
    now = time.time()
    for index in range(proxies):
        path = folder / proxy_file_name(identity(index), 360)
        with open(path, "wb") as handle:
            handle.truncate(PROXY_BYTES)
        when = now - 3600 * (index % 150)  # used within the grace (6 days): only the cap removes any
        os.utime(path, (when, when))
    return folder, store.root


def timed(work) -> tuple[float, proxy_sweep.SweepReport]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    report = work()
    return (time.perf_counter() - start) * 1000, report


def rows_for(proxies: int) -> list[tuple[str, ...]]:
    with tempfile.TemporaryDirectory() as scratch:
        folder, projects = build(Path(scratch), proxies)
        total = proxies * PROXY_BYTES
        roomy = proxy_sweep.CacheCap(fixed=total * 2)
        memo: proxy_sweep.ReferenceMemo = {}
        rows = []
        for label, work in (
            (
                "after a new proxy, under the cap",
                lambda: proxy_sweep.sweep(folder, cap=roomy, project_folders=[projects], full=False),
            ),
            (
                "full, reading every project",
                lambda: proxy_sweep.sweep(folder, cap=roomy, project_folders=[projects], memo=memo),
            ),
            (
                "full, projects remembered",
                lambda: proxy_sweep.sweep(folder, cap=roomy, project_folders=[projects], memo=memo),
            ),
            (
                "over the cap by a tenth",
                lambda: proxy_sweep.sweep(
                    folder, cap=total * 9 // 10, project_folders=[projects], full=False, memo=memo
                ),
            ),
        ):
            ms, report = timed(work)
            rows.append(
                (f"{proxies} proxies, {PROJECTS} projects", label, f"{ms:.1f} ms", str(len(report.removed)))
            )
        return rows


def main() -> None:
    rows = [("folder", "sweep", "time", "removed")]
    for proxies in (1000, 10000):
        rows += rows_for(proxies)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
