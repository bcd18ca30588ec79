"""`kijkocut workflows run` and `kijkocut jobs …` through the real entry point (`kijkocut.cli.main`, or a real
`python -m kijkocut.cli` process that the test kills), against fake ComfyUI servers: a killed run is resumed
or adopted, cancel works with the server down, and every error is one line with its documented exit code."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_wl_client import free_port
from wl_fake_comfy import FakeComfy

from kijkocut.cli import main as kijkocut_main
from workflows_library import api
from workflows_library.cli import EXIT_CODES
from workflows_library.jobs import Job, JobStatus, JobStore

ROOT = Path(__file__).resolve().parents[2]
PLATE = "solid_color_plate"


@pytest.fixture
def data_dir(monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(folder))
    monkeypatch.delenv("COMFYUI_URLS", raising=False)
    api.settings.cache_clear()
    yield folder
    api.settings.cache_clear()


async def kijkocut(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the `kijkocut` command in a thread (it calls asyncio.run) while the fakes serve on this loop."""
    api.settings.cache_clear()
    code = await asyncio.to_thread(kijkocut_main, list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


async def until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.05)


async def killed_cli_run(data_dir: Path, fake: FakeComfy) -> Job:
    """A real `kijkocut workflows run` process, SIGKILLed once its job is running on the (paused) server."""
    env = {**os.environ, "KIJKOCUT_DATA_DIR": str(data_dir), "COMFYUI_URL": fake.url}
    env.pop("COMFYUI_URLS", None)
    cli = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kijkocut.cli", "workflows", "run", PLATE, "-i", "width=16", "-i", "height=8",
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    db = data_dir / "jobs.sqlite3"
    try:
        await until(lambda: db.exists() and len(fake.pending) == 1)
        store = JobStore(db)
        await until(lambda: [j.status for j in store.list()] == [JobStatus.running])
    finally:
        cli.kill()
        await cli.wait()
    (job,) = store.list()
    store.close()
    assert job.owner is not None and job.owner.pid == cli.pid
    return job


async def test_a_killed_run_is_resumed_by_jobs_resume(data_dir, tmp_path, capsys):
    fake = await FakeComfy(tmp_path / "comfy", paused=True).start()
    try:
        job = await killed_cli_run(data_dir, fake)
        code, out, _ = await kijkocut(capsys, "jobs", "list")
        assert code == 0 and job.id in out and "its process stopped: kijkocut jobs resume" in out
        fake.resume()
        code, out, err = await kijkocut(capsys, "jobs", "resume")
        assert code == 0, err
        assert f"{job.id}  {PLATE}  completed  100%" in out and ".png" in out
        assert fake.executions[job.prompt_id] == 1
        code, out, _ = await kijkocut(capsys, "jobs", "resume")
        assert code == 0 and out.startswith("nothing to resume")
    finally:
        await fake.stop()


async def test_a_killed_runs_job_is_adopted_when_a_runner_starts(data_dir, tmp_path, make_runner):
    fake = await FakeComfy(tmp_path / "comfy", paused=True).start()
    try:
        job = await killed_cli_run(data_dir, fake)
        runner = make_runner([fake.url], db=data_dir / "jobs.sqlite3")  # as the MCP server's runner starts
        await runner.start()
        await until(lambda: runner.status(job.id).owner == runner.owner)
        fake.resume()
        done = await asyncio.wait_for(runner.wait(job.id), 15)
        assert done.status is JobStatus.completed and done.submissions == 1
        assert fake.executions[job.prompt_id] == 1
    finally:
        await fake.stop()


async def test_cancel_with_the_server_down_then_delivered_when_it_is_back(data_dir, tmp_path, capsys):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    store = JobStore(data_dir / "jobs.sqlite3")
    job = store.create(Job(workflow_id=PLATE, server_url=url, message="sent"))  # left by a killed run
    store.update(job.id, status=JobStatus.running)
    store.close()

    code, out, err = await kijkocut(capsys, "jobs", "cancel", job.id)
    assert code == 0, err
    assert "cancelled" in out and f"{url} is unreachable" in out and err == ""

    fake = await FakeComfy(tmp_path / "comfy", port=port, paused=True).start()
    try:
        fake.pending.append((0, job.prompt_id, {}, job.client_id))  # it is still queued there
        code, out, err = await kijkocut(capsys, "jobs", "resume")
        assert code == 0, err
        assert fake.pending == []
        assert not JobStore(data_dir / "jobs.sqlite3").get(job.id).cancel_pending
    finally:
        await fake.stop()

    code, out, err = await kijkocut(capsys, "jobs", "cancel", job.id)
    assert code == 1 and err.strip() == f"error: job {job.id} had already cancelled; nothing to cancel"


async def test_unknown_job_is_one_line_and_exit_2(data_dir, capsys):
    for command in (
        ["jobs", "show", "job-nope"],
        ["jobs", "cancel", "job-nope"],
        ["jobs", "resume", "job-nope"],
    ):
        code, out, err = await kijkocut(capsys, *command)
        assert code == 2 and out == "" and err == "error: unknown job 'job-nope'\n"


async def test_run_with_every_server_down_fails_in_bounded_time_with_one_line(data_dir, monkeypatch, capsys):
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("COMFYUI_URL", url)
    monkeypatch.setenv("KIJKOCUT_JOB_SUBMIT_ATTEMPTS", "3")
    monkeypatch.setenv("KIJKOCUT_JOB_SUBMIT_DEADLINE", "2")
    began = time.monotonic()
    code, out, err = await kijkocut(capsys, "workflows", "run", PLATE)
    assert time.monotonic() - began < 30
    assert code == 1 and "failed" in out
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert "no ComfyUI server took the job after 3 tries" in line and url in line
    assert "COMFYUI_URL / COMFYUI_URLS" in line

    code, out, err = await kijkocut(capsys, "workflows", "run", PLATE, "--queue")
    assert code == 0 and " queued " in out and "queued for later: no ComfyUI server" in out


async def test_server_errors_and_bad_configuration_have_their_exit_codes(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("COMFYUI_URL", f"http://127.0.0.1:{free_port()}")
    code, _, err = await kijkocut(capsys, "workflows", "validate", PLATE)
    assert code == 3 and err.startswith("error: GET http://127.0.0.1:") and err.count("\n") == 1
    monkeypatch.setenv("KIJKOCUT_JOB_RUN_DEADLINE", "soon")
    code, _, err = await kijkocut(capsys, "jobs", "list")
    assert (
        code == 2
        and err == "error: KIJKOCUT_JOB_RUN_DEADLINE must be a positive number of seconds, got 'soon'\n"
    )


def test_exit_codes_are_in_the_help(capsys):
    with pytest.raises(SystemExit):
        kijkocut_main(["jobs", "--help"])
    assert EXIT_CODES in capsys.readouterr().out
