"""A real `kijkocut produce` process killed (SIGKILL, no exception, no cleanup) in the middle of an agent's model
call resumes from its last checkpoint: the agents that finished are not called again, nothing is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from agents.template import BUILTIN_DIR, USER_SUBDIR

from .conftest import BRIEF

KIJKOCUT = [sys.executable, "-c", "import sys; from kijkocut.cli import main; sys.exit(main())"]


def produce(data_dir: Path, *args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "KIJKOCUT_DATA_DIR": str(data_dir)}
    env.pop("KIJKOCUT_AGENTS_DATABASE_URL", None)
    return subprocess.Popen([*KIJKOCUT, "produce", *args], env=env, text=True, **popen)


def calls(log: Path) -> Counter:
    if not log.exists():
        return Counter()
    return Counter(json.loads(line)["kind"] for line in log.read_text().splitlines() if line.strip())


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_production_resumes_without_calling_finished_agents_again(tmp_path):
    templates = tmp_path / USER_SUBDIR
    templates.mkdir()
    ungated = json.loads((BUILTIN_DIR / "ad_spot.json").read_text())
    ungated.update(id="ungated", gates=[])  # a user's template: runs through without stopping
    (templates / "ungated.json").write_text(json.dumps(ungated))
    brief, log, spec = tmp_path / "brief.md", tmp_path / "calls.jsonl", tmp_path / "brain.json"
    brief.write_text(BRIEF)
    # ShotMaster's first call hangs: the process is killed while it waits.
    spec.write_text(json.dumps({"call_log": str(log), "replies": {"shotmaster": [{"__delay_s__": 120}]}}))
    brain = f"scripted:{spec}"
    first = produce(
        tmp_path,
        "start",
        "--template",
        "ungated",
        "--brief",
        str(brief),
        "--id",
        "p-kill",
        "--brain",
        brain,
        "--quiet",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while calls(log)["shot_list"] < 1:
        assert first.poll() is None, first.stderr.read() if first.stderr else ""
        assert time.monotonic() < deadline, "ShotMaster was never called"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert first.returncode == -signal.SIGKILL
    before = calls(log)
    assert before == Counter({"vrd": 2, "script": 2, "shot_list": 1})  # a draft and a critique each

    status = produce(tmp_path, "status", "p-kill", "--json", stdout=subprocess.PIPE)
    interrupted = json.loads(status.communicate(timeout=60)[0])
    assert interrupted["state"] == "running" and interrupted["next"] == ["shotmaster"]
    assert interrupted["artefacts"] == {"vrd": 1, "script": 1}

    spec.write_text(json.dumps({"call_log": str(log), "replies": {}}))  # no hang this time
    resumed = produce(
        tmp_path, "resume", "p-kill", "--brain", brain, "--json", "--quiet", stdout=subprocess.PIPE
    )
    out, _ = resumed.communicate(timeout=120)
    assert resumed.returncode == 0
    done = json.loads(out)
    assert done["state"] == "done"
    assert done["artefacts"] == {"vrd": 1, "script": 1, "shot_list": 1, "budget": 1}
    after = calls(log)
    assert after["vrd"] == 2 and after["script"] == 2  # finished agents: not called again
    assert after["shot_list"] == 1 + 2  # the killed call, then its draft and critique
    assert done["by_agent"]["vrd"]["calls"] == 2
