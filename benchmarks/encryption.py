"""What encryption at rest costs: saving and loading a project (plain vs encrypted, through ProjectStore), and
encrypting and decrypting a media cache file (1 GB by default) with the streaming format: throughput and the
peak memory of the process doing it, against a plain copy with the same chunk size.

    .venv/bin/python benchmarks/encryption.py [--media-mb 1024] [--edits 1000]

Each media phase runs in its own process, so its peak RSS (ru_maxrss from wait4) is its own."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHUNK = 256 * 1024


def phase(kind: str, source: str, target: str) -> None:
    """One media phase, run as a child process."""
    from kijkocut.vault.stream import decrypt_stream, encrypt_stream

    key, key_id = b"k" * 32, b"i" * 16
    with open(source, "rb") as reader, open(target, "wb") as writer:
        if kind == "copy":
            while chunk := reader.read(CHUNK):
                writer.write(chunk)
        elif kind == "encrypt":
            encrypt_stream(reader, writer, key, key_id, CHUNK)
        else:
            decrypt_stream(reader, writer, lambda _id: key, source)


def run_phase(kind: str, source: Path, target: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one phase in a fresh process."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--phase", kind, str(source), str(target)])
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{kind} failed ({status})")
    return elapsed, usage.ru_maxrss / 1024


def media_rows(folder: Path, megabytes: int) -> list[tuple[str, str, str, str]]:
    source = folder / "cache.bin"
    with open(source, "wb") as handle:
        block = os.urandom(8 * 1024 * 1024)
        for _ in range(megabytes // 8):
            handle.write(block)
    rows = []
    for kind, src, dst in (
        ("plain copy", source, folder / "copy.bin"),
        ("encrypt", source, folder / "sealed.kjk"),
        ("decrypt", folder / "sealed.kjk", folder / "opened.bin"),
    ):
        os.sync()
        seconds, rss = run_phase(kind.split()[-1], src, dst)
        rows.append((kind, f"{megabytes} MB", f"{megabytes / seconds:.0f} MB/s", f"{rss:.0f} MB"))
    if (folder / "opened.bin").stat().st_size != source.stat().st_size:
        raise SystemExit("the decrypted file differs in size")
    return rows


def project_rows(folder: Path, edits: int) -> list[tuple[str, str, str, str]]:
    from kijkocut.service.store import ProjectStore
    from kijkocut.vault.keys import KdfParams, Vault

    vault = Vault.for_data_dir(folder / "data", env={})
    vault.init("bench", params=KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="A" * 22 + "=="))
    rows = []
    for sealed in (False, True):
        store = ProjectStore(folder / ("sealed" if sealed else "plain"), vault=vault)
        project = store.create("Benchmark")
        if sealed:
            store.set_encrypted(project.id, True)
        saves = []
        for step in range(edits):
            started = time.perf_counter()
            store.rename(
                project.id, f"Benchmark take {step}"
            )  # one edit: history grows, one atomic save each
            saves.append(time.perf_counter() - started)
        size = store.file(project.id).stat().st_size
        loads = []
        for _ in range(20):
            fresh = ProjectStore(store.root, vault=vault)
            started = time.perf_counter()
            fresh.get(project.id)
            loads.append(time.perf_counter() - started)
        label = "encrypted" if sealed else "plain"
        tail = saves[-100:]
        rows.append(
            (
                f"project save, {label}",
                f"{size / 1024:.0f} KB",
                f"{statistics.median(tail) * 1000:.2f} ms",
                "median of last 100 edits",
            )
        )
        rows.append(
            (
                f"project load, {label}",
                f"{size / 1024:.0f} KB",
                f"{statistics.median(loads) * 1000:.2f} ms",
                "median of 20 cold stores",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--media-mb", type=int, default=1024)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--phase", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(*args.phase)
        return
    with tempfile.TemporaryDirectory(prefix="kijkocut-enc-bench-") as tmp:
        folder = Path(tmp)
        rows = project_rows(folder, args.edits) + media_rows(folder, args.media_mb)
    print(f"{'what':26} {'size':>10} {'time / rate':>14}  notes (peak RSS for media)")
    for what, size, value, note in rows:
        print(f"{what:26} {size:>10} {value:>14}  {note}")


if __name__ == "__main__":
    main()
