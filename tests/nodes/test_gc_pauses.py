"""The ComfyUI process's start-up heap is frozen once (nodes/gc_pauses.py), unless the user turns it off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import gc, json
from nodes.gc_pauses import freeze_startup_objects
before = gc.get_freeze_count()
frozen = freeze_startup_objects()
print(json.dumps([before, frozen, gc.get_freeze_count()]))
"""


def _run(env_value: str | None) -> list[int]:
    env = {k: v for k, v in os.environ.items() if k != "KIJKOCUT_GC_FREEZE"}
    if env_value is not None:
        env["KIJKOCUT_GC_FREEZE"] = env_value
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return [int(n) for n in done.stdout.strip().strip("[]").split(",")]


def test_freezes_what_is_loaded_and_reports_it():
    before, frozen, after = _run(None)
    assert before == 0 and frozen == after and frozen > 1000


def test_can_be_turned_off():
    assert _run("0") == [0, 0, 0]
