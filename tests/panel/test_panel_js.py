"""Runs the timeline panel's pure JavaScript tests (tests/panel/*.test.mjs: time maths, layout, hit testing,
snapping, the frame cache) with Node's built-in test runner, so the README's pytest command covers them.
Skipped when Node.js is not installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (the panel's JS tests need `node --test`)")
@pytest.mark.parametrize("script", sorted(p.name for p in HERE.glob("*.test.mjs")))
def test_node_test_runner(script):
    result = subprocess.run(
        [NODE, "--test", "--test-reporter=tap", str(HERE / script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout
