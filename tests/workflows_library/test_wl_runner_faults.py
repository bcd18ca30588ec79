"""The runner's waits have ends, against fake ComfyUI servers misbehaving over real HTTP: a /history entry
that never settles, every server down, /prompt always failing, a server that accepts connections and never
answers, lost contact, a run past its deadline, and a restart right after a job finished."""

import asyncio
import time
from pathlib import Path

from test_wl_client import free_port
from wl_fake_comfy import FakeComfy, silent_server

from workflows_library.jobs import JobStatus

PLATE = "solid_color_plate"
SMALL = {"width": "16", "height": "8", "color": str(0x00FF00)}


async def until(condition, timeout: float = 10.0, state=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"condition not reached {state()}"
        await asyncio.sleep(0.01)


async def test_history_without_status_ends_with_a_clear_error_not_a_busy_loop(fake: FakeComfy, make_runner):
    fake.history_without_status = True  # the prompt ran, left /queue, and /history never says how it ended
    runner = make_runner([fake.url], settle_deadline=1.0)
    began = time.monotonic()
    job = await asyncio.wait_for(runner.run(runner.submit(PLATE, SMALL)), 15)
    assert job.status is JobStatus.failed
    assert "without a completion status" in job.error and fake.url in job.error and job.prompt_id in job.error
    assert time.monotonic() - began < 10
    # Polled with a growing delay (before: thousands of calls a second, forever), and never sent again.
    assert fake.requests["GET /history/{prompt_id}"] < 40
    assert job.submissions == 1 and fake.executions[job.prompt_id] == 1


async def test_every_server_down_fails_naming_the_servers_and_how_to_fix_it(make_runner):
    urls = [f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"]
    runner = make_runner(urls, dispatch_attempts=4, dispatch_deadline=3.0)
    began = time.monotonic()
    job = await asyncio.wait_for(runner.run(runner.submit(PLATE, SMALL)), 20)
    assert time.monotonic() - began < 10
    assert job.status is JobStatus.failed
    assert "no ComfyUI server took the job after 4 tries" in job.error
    assert all(url in job.error for url in urls) and "cannot connect" in job.error
    assert "COMFYUI_URL / COMFYUI_URLS" in job.error


async def test_queued_for_later_stays_queued_and_runs_when_a_server_appears(tmp_path: Path, make_runner):
    port = free_port()
    runner = make_runner([f"http://127.0.0.1:{port}"], dispatch_attempts=2, dispatch_deadline=1.0)
    job_id = runner.submit(PLATE, SMALL, queue_for_later=True)
    job = await asyncio.wait_for(runner.run(job_id), 10)
    assert job.status is JobStatus.queued and job.message.startswith("queued for later: no ComfyUI server")
    assert job.owner is None  # released: any runner may take it up

    fake = await FakeComfy(tmp_path / "late", port=port).start()
    try:
        (job,) = await asyncio.wait_for(runner.resume(), 10)
        assert job.status is JobStatus.completed and fake.executions[job.prompt_id] == 1
    finally:
        await fake.stop()


async def test_prompt_always_failing_is_bounded(fake: FakeComfy, make_runner):
    fake.fail_prompt_times = 10**9
    runner = make_runner([fake.url], dispatch_attempts=3, dispatch_deadline=10.0)
    job = await asyncio.wait_for(runner.run(runner.submit(PLATE, SMALL)), 20)
    assert job.status is JobStatus.failed and "HTTP 500" in job.error and fake.url in job.error
    assert fake.prompt_posts <= 3 * 3  # dispatch attempts x the client's POST retries (before: unbounded)
    assert fake.executions[job.prompt_id] == 0


async def test_a_server_that_never_answers_is_skipped_quickly(fake: FakeComfy, make_runner, library):
    silent, silent_url = await silent_server()
    try:
        runner = make_runner([silent_url, fake.url])  # the default 2 s health timeout
        began = time.monotonic()
        job = await asyncio.wait_for(runner.run(runner.submit(PLATE, SMALL)), 60)
        assert job.status is JobStatus.completed and job.server_url == fake.url
        assert time.monotonic() - began < 30  # a correctness bound (before: 248 s)
    finally:
        silent.close()
        await silent.wait_closed()

    # Skipped for that job only: once it answers, the pool uses it again.
    port = int(silent_url.rsplit(":", 1)[1])
    revived = await FakeComfy(fake.root.parent / "revived", port=port).start()
    try:
        card = library.card(PLATE)
        chosen = await runner.pool.choose(card, library.node_types(PLATE), preferred=silent_url)
        assert chosen.url == silent_url
    finally:
        await revived.stop()


async def test_lost_contact_while_running_ends_after_the_contact_deadline(fake: FakeComfy, make_runner):
    fake.paused = True
    runner = make_runner([fake.url], contact_deadline=1.0)
    job_id = runner.submit(PLATE, SMALL)
    driver = asyncio.create_task(runner.run(job_id))
    await until(lambda: runner.status(job_id).status is JobStatus.running)
    await fake.go_offline()
    job = await asyncio.wait_for(driver, 15)
    assert job.status is JobStatus.failed
    assert f"lost contact with {fake.url}" in job.error and "may still finish there" in job.error


async def test_run_deadline_stops_the_prompt_and_fails_the_job(fake: FakeComfy, make_runner):
    fake.paused = True
    runner = make_runner([fake.url], run_deadline=0.5)
    job = await asyncio.wait_for(runner.run(runner.submit(PLATE, SMALL)), 15)
    assert job.status is JobStatus.failed and "run deadline" in job.error
    assert fake.pending == []  # taken off the server's queue


async def _finished_while_runner_was_gone(
    tmp_path: Path, make_runner, **fake_options
) -> tuple[str, FakeComfy]:
    """A job whose prompt finished on ComfyUI after its runner stopped, and ComfyUI then restarted: the new
    instance has an empty /history but the same output folder."""
    first = await FakeComfy(tmp_path / "comfy", paused=True).start()
    runner = make_runner([first.url])
    job_id = runner.submit(PLATE, SMALL)
    driver = asyncio.create_task(runner.run(job_id))
    await until(lambda: runner.status(job_id).status is JobStatus.running)
    await runner.stop()
    assert driver.done()
    first.resume()
    prompt_id = runner.status(job_id).prompt_id
    await until(
        lambda: prompt_id in first.history,
        state=lambda: (first.pending, first.running, dict(first.executions), runner.status(job_id).message),
    )
    port = first.port
    await first.stop()
    restarted = await FakeComfy(tmp_path / "comfy", port=port, **fake_options).start()
    assert first.executions[prompt_id] == 1 and restarted.history == {}
    return job_id, restarted


async def test_a_job_finished_before_a_restart_is_collected_not_run_twice(tmp_path: Path, make_runner):
    job_id, restarted = await _finished_while_runner_was_gone(tmp_path, make_runner)
    try:
        (job,) = await asyncio.wait_for(make_runner([restarted.url]).resume(), 10)
        assert job.id == job_id and job.status is JobStatus.completed
        assert restarted.executions[job.prompt_id] == 0 and job.submissions == 1
        (output,) = job.outputs
        assert job_id in output.filename and Path(output.local_path).read_bytes()[:4] == b"\x89PNG"
        assert job.workflow["2"]["inputs"]["filename_prefix"] == f"solid_{job_id}_2"
    finally:
        await restarted.stop()


async def test_without_an_output_listing_the_restart_window_remains(tmp_path: Path, make_runner):
    """What the module docstring says stays open: with no way to see the outputs, the job runs again."""
    job_id, restarted = await _finished_while_runner_was_gone(
        tmp_path, make_runner, serve_output_listing=False
    )
    try:
        (job,) = await asyncio.wait_for(make_runner([restarted.url]).resume(), 10)
        assert job.status is JobStatus.completed and job.submissions == 2
        assert restarted.executions[job.prompt_id] == 1
    finally:
        await restarted.stop()


async def test_cancel_with_the_server_offline_is_delivered_when_it_is_back(fake: FakeComfy, make_runner):
    fake.paused = True
    runner = make_runner([fake.url])
    job_id = runner.submit(PLATE, SMALL)
    driver = asyncio.create_task(runner.run(job_id))
    await until(lambda: runner.status(job_id).status is JobStatus.running)
    prompt_id = runner.status(job_id).prompt_id
    await fake.go_offline()

    job = await asyncio.wait_for(runner.cancel(job_id), 10)
    assert job.status is JobStatus.cancelled and job.cancel_pending
    assert (await driver).status is JobStatus.cancelled

    await fake.come_back()
    assert [item[1] for item in fake.pending] == [prompt_id]  # still queued there
    deadline = time.monotonic() + 10
    while fake.pending and time.monotonic() < deadline:  # as the scan loop does, until the breaker lets it
        await asyncio.wait_for(runner.deliver_cancels(), 10)
        await asyncio.sleep(0.05)
    assert fake.pending == [] and not runner.status(job_id).cancel_pending
    fake.resume()
    await asyncio.sleep(0.1)
    assert fake.executions[prompt_id] == 0
