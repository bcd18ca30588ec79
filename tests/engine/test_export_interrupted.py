"""Exports stopped from outside: SIGTERM cleans up like Ctrl+C; after SIGKILL, which nothing can catch, the
next export into the folder sweeps the partial file, and never one a live export is still writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kijkocut.atomic import LockedPartial, create_partial, sweep_stale_partials
from kijkocut.model import Project, ProjectSettings, TextElement, Track
from kijkocut.project_io import save_project
from kijkocut.render.export import PARTIAL_NAME, export_project
from kijkocut.render.presets import ExportSettings
from kijkocut.signals import TERMINATED_EXIT_CODE

REPO = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120  # generous: the machine may be busy with other tests


def _title_project(seconds: int) -> Project:
    return Project(
        settings=ProjectSettings(width=320, height=180, frame_rate=30),
        tracks=[Track(kind="text", elements=[TextElement(text="long", start=0, duration=seconds)])],
    )


@pytest.fixture
def long_project(tmp_path) -> Path:
    """An hour of timeline: any render of it is still running when the test stops it."""
    path = tmp_path / "long.json"
    save_project(_title_project(3600), path)
    return path


def _start_render(project: Path, output: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kijkocut.cli",
            "render",
            str(project),
            "-o",
            str(output),
            "-q",
            "--speed",
            "ultrafast",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_for_partial(folder: Path, process: subprocess.Popen) -> Path:
    """The partial file once the render has written into it (so it is mid-render, not starting up)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        partials = [p for p in folder.iterdir() if PARTIAL_NAME.fullmatch(p.name)]
        if partials and partials[0].stat().st_size > 0:
            return partials[0]
        if process.poll() is not None:
            raise AssertionError(f"render ended early: {process.communicate()}")
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the render never started writing")


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=WAIT_SECONDS)
    return process.returncode, stderr


def test_sigterm_removes_the_partial_file(long_project, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    process = _start_render(long_project, out / "video.mp4")
    _wait_for_partial(out, process)
    process.send_signal(signal.SIGTERM)
    code, stderr = _finish(process)
    assert code == TERMINATED_EXIT_CODE
    assert stderr.strip().endswith("kijkocut: terminated") and "Traceback" not in stderr
    assert list(out.iterdir()) == []


def test_partial_left_by_sigkill_is_swept_by_the_next_export(long_project, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".notes.txt").write_text("not ours")  # a hidden file that is no partial stays
    process = _start_render(long_project, out / "video.mp4")
    stale = _wait_for_partial(out, process)
    process.send_signal(signal.SIGKILL)
    code, _ = _finish(process)
    assert code == -signal.SIGKILL and stale.exists()  # nothing runs on SIGKILL: the partial stays for now
    export_project(_title_project(1), out / "next.mp4", ExportSettings(speed="ultrafast"))
    assert sorted(p.name for p in out.iterdir()) == [".notes.txt", "next.mp4"]


def test_a_live_exports_partial_is_never_swept(long_project, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    process = _start_render(long_project, out / "video.mp4")
    try:
        live = _wait_for_partial(out, process)
        export_project(_title_project(1), out / "other.mp4", ExportSettings(speed="ultrafast"))
        assert live.exists() and process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        code, _ = _finish(process)
    assert code == TERMINATED_EXIT_CODE
    assert [p.name for p in out.iterdir()] == ["other.mp4"]


# --- the partial-file helper itself ----------------------------------------------------------------------


def test_sweep_removes_only_unlocked_partials_of_ours(tmp_path):
    live = LockedPartial(tmp_path, ".clip.", ".partial.mp4")
    fd, abandoned = create_partial(tmp_path, ".clip.", ".partial.mp4")  # as a killed writer leaves it
    os.close(fd)
    victim = tmp_path / "victim.mp4"
    victim.write_bytes(b"keep")
    (tmp_path / ".clip.0123456789ab.partial.mp4").symlink_to(victim)
    for name in ("clip.mp4", ".clip.partial.mp4", ".clip.0123456789ab.partial.mp4.bak"):
        (tmp_path / name).write_bytes(b"keep")
    try:
        assert sweep_stale_partials(tmp_path, PARTIAL_NAME) == [os.path.basename(abandoned)]
        assert os.path.exists(live.path)
    finally:
        live.release()
    assert sweep_stale_partials(tmp_path, PARTIAL_NAME) == [os.path.basename(live.path)]
    assert victim.read_bytes() == b"keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".clip.0123456789ab.partial.mp4",
        ".clip.0123456789ab.partial.mp4.bak",
        ".clip.partial.mp4",
        "clip.mp4",
        "victim.mp4",
    ]


def test_a_partial_swept_before_its_writer_locked_it_is_replaced(tmp_path, monkeypatch):
    """The window between creating a partial and locking it: a sweep there must not cost the writer its file."""
    import kijkocut.atomic as atomic

    real_create = atomic.create_partial
    swept = []

    def create_then_sweep(folder, prefix, suffix=""):
        fd, path = real_create(folder, prefix, suffix)
        if not swept:
            swept.extend(sweep_stale_partials(folder, PARTIAL_NAME))
        return fd, path

    monkeypatch.setattr(atomic, "create_partial", create_then_sweep)
    partial = LockedPartial(tmp_path, ".clip.", ".partial.mp4")
    try:
        assert len(swept) == 1 and os.path.basename(partial.path) != swept[0]
        assert os.path.exists(partial.path) and sweep_stale_partials(tmp_path, PARTIAL_NAME) == []
    finally:
        partial.release()
