"""Running the real `kijkocut` entry point: in this process (`kijkocut.cli.main`) or as a separate process
(`python -m kijkocut.cli`), and a small project made with the command line itself."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kijkocut import samples


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def kijkocut(capsys):
    """`kijkocut WORDS...` in this process: (exit code, stdout, stderr)."""
    from kijkocut.cli import main

    def run(*words: str) -> Ran:
        capsys.readouterr()
        try:
            code = main(list(words))
        except SystemExit as done:  # --help and usage errors exit as argparse does
            code = done.code if isinstance(done.code, int) else 2
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def run_process(
    *words: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    prelude: str = "",
    timeout: float = 120,
) -> Ran:
    """`kijkocut WORDS...` as its own process. `prelude` runs first (e.g. to hide an installed module)."""
    code = f"{prelude}\nimport sys\nfrom kijkocut.cli import main\nsys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, *words],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def still_project(tmp_path, monkeypatch, kijkocut) -> Path:
    """p.json beside still.png: a 15 s timeline at 25 fps on a 64x48 canvas, made with `kijkocut` itself,
    with the working directory beside it."""
    monkeypatch.chdir(tmp_path)
    samples.write_image(tmp_path / "still.png", 64, 48)
    assert (
        kijkocut(
            "project", "create", "Still", "--file", "p.json", "width=64", "height=48", "frame_rate=25"
        ).code
        == 0
    )
    assert kijkocut("edit", "p.json", "add_clip", "path=still.png", "duration=15").code == 0
    return tmp_path / "p.json"
