"""The durable runner against fake ComfyUI servers: the faults from the issue, each for real over HTTP."""

import asyncio
from pathlib import Path

import pytest
from test_wl_client import free_port
from wl_fake_comfy import FakeComfy

from workflows_library.errors import InputError, UnknownWorkflowError
from workflows_library.jobs import JobStatus

PLATE = "solid_color_plate"
SMALL = {"width": "16", "height": "8", "color": str(0x00FF00)}


async def test_job_completes_with_progress_and_probed_outputs(fake: FakeComfy, make_runner):
    runner = make_runner([fake.url])
    updates = []
    runner.subscribe(lambda job: updates.append((job.status, job.progress)))
    job_id = runner.submit(PLATE, SMALL)
    job = await asyncio.wait_for(runner.run(job_id), 10)
    assert job.status is JobStatus.completed, job.error
    assert [p for s, p in updates if s is JobStatus.running and 0 < p < 1], "no intermediate progress"
    progress = [p for _, p in updates]
    assert progress == sorted(progress)
    (output,) = job.outputs
    assert output.kind == "image" and Path(output.local_path).read_bytes()[:4] == b"\x89PNG"
    assert output.probe["size_bytes"] == Path(output.local_path).stat().st_size
    assert (output.probe["video"]["width"], output.probe["video"]["height"]) == (16, 8)  # the engine's probe
    assert Path(output.local_path).parent.name == job_id
    assert fake.executions[job.prompt_id] == 1


async def test_submit_rejects_bad_requests_before_queueing(make_runner, fake):
    runner = make_runner([fake.url])
    with pytest.raises(UnknownWorkflowError):
        runner.submit("no_such_workflow")
    with pytest.raises(InputError, match="file not found"):
        runner.submit("image_upscale_esrgan_4x", {"image": "/nonexistent/photo.png"})
    assert runner.list_jobs() == []


async def test_server_down_at_submit_then_back(tmp_path: Path, make_runner):
    port = free_port()
    runner = make_runner([f"http://127.0.0.1:{port}"])
    job_id = runner.submit(PLATE, SMALL)
    driver = asyncio.create_task(runner.run(job_id))
    await asyncio.sleep(0.3)
    assert runner.status(job_id).status is JobStatus.queued
    assert runner.status(job_id).server_url is None  # never reached: free to go to any server
    fake = await FakeComfy(tmp_path / "late", port=port).start()
    try:
        job = await asyncio.wait_for(driver, 10)
        assert job.status is JobStatus.completed
        assert fake.executions[job.prompt_id] == 1
    finally:
        await fake.stop()


async def test_500s_on_submit_do_not_queue_twice(fake: FakeComfy, make_runner):
    fake.fail_prompt_times = 2
    runner = make_runner([fake.url])
    job = await asyncio.wait_for(runner.run(runner.submit(PLATE, SMALL)), 10)
    assert job.status is JobStatus.completed
    assert fake.executions[job.prompt_id] == 1


async def test_websocket_dropped_mid_job_falls_back_to_history(fake: FakeComfy, make_runner):
    fake.drop_ws_after_events = 3
    fake.step_delay = 0.02
    runner = make_runner([fake.url])
    job = await asyncio.wait_for(runner.run(runner.submit(PLATE, SMALL)), 10)
    assert job.status is JobStatus.completed and len(job.outputs) == 1


async def test_execution_error_fails_the_job_with_the_node_and_message(fake: FakeComfy, make_runner):
    fake.error_at_class = "SaveImage"
    runner = make_runner([fake.url])
    job = await asyncio.wait_for(runner.run(runner.submit(PLATE, SMALL)), 10)
    assert job.status is JobStatus.failed
    assert "node 2 (SaveImage)" in job.error and "out of memory" in job.error


async def test_validation_failure_fails_without_retry(fake: FakeComfy, make_runner):
    runner = make_runner([fake.url])
    job_id = runner.submit(PLATE, SMALL)
    del fake.object_info["EmptyImage"]  # the server lost a node type after we chose it
    runner.pool._capabilities.clear()
    job = await asyncio.wait_for(runner.run(job_id), 10)
    assert job.status is JobStatus.failed and "EmptyImage" in job.error


async def test_job_finishing_while_runner_is_stopped_is_reconciled_not_rerun(
    fake: FakeComfy, make_runner, tmp_path
):
    fake.step_delay = 0.05
    first = make_runner([fake.url])
    job_id = first.submit(PLATE, SMALL)
    driver = asyncio.create_task(first.run(job_id))
    while first.status(job_id).status is not JobStatus.running:
        await asyncio.sleep(0.01)
    await first.stop()  # the process "dies" mid-job
    assert driver.cancelled() or driver.done()
    prompt_id = first.status(job_id).prompt_id
    while prompt_id not in fake.history:  # ComfyUI finishes it meanwhile
        await asyncio.sleep(0.02)

    second = make_runner([fake.url])  # same SQLite file
    await second.start()
    job = await asyncio.wait_for(second.wait(job_id), 10)
    assert job.status is JobStatus.completed and job.outputs
    assert fake.executions[prompt_id] == 1 and job.submissions == 1


async def test_server_restart_losing_the_queue_resubmits_once(tmp_path: Path, make_runner):
    fake = await FakeComfy(tmp_path / "a", paused=True).start()
    runner = make_runner([fake.url])
    job_id = runner.submit(PLATE, SMALL)
    driver = asyncio.create_task(runner.run(job_id))
    while runner.status(job_id).status is not JobStatus.running:
        await asyncio.sleep(0.01)
    port = fake.port
    await fake.stop()
    fresh = await FakeComfy(tmp_path / "b", port=port).start()  # came back with an empty queue
    try:
        job = await asyncio.wait_for(driver, 10)
        assert job.status is JobStatus.completed and job.submissions == 2
        assert fake.executions[job.prompt_id] == 0 and fresh.executions[job.prompt_id] == 1
    finally:
        await fresh.stop()


async def test_cancel_pending_and_running_jobs(fake: FakeComfy, make_runner):
    fake.step_delay = 0.2
    runner = make_runner([fake.url])
    await runner.start()
    running_id = runner.submit(PLATE, SMALL)
    pending_id = runner.submit(PLATE, SMALL)
    while not (fake.running and len(fake.pending) == 1):
        await asyncio.sleep(0.01)
    pending = await runner.cancel(pending_id)
    assert pending.status is JobStatus.cancelled and fake.pending == []
    running = await runner.cancel(running_id)
    assert running.status is JobStatus.cancelled
    await asyncio.sleep(0.5)
    assert runner.status(running_id).status is JobStatus.cancelled
    assert fake.history[running.prompt_id]["status"]["status_str"] == "error"  # interrupted on the server
    assert fake.executions[pending.prompt_id] == 0


async def test_pool_routes_to_the_shorter_queue_and_skips_unfit_servers(tmp_path: Path, make_runner):
    busy = await FakeComfy(tmp_path / "busy", paused=True).start()
    idle = await FakeComfy(tmp_path / "idle").start()
    try:
        runner = make_runner([busy.url, idle.url])
        blocker = runner.submit(PLATE, SMALL, server=busy.url)
        await runner.start()
        while len(busy.pending) < 1:
            await asyncio.sleep(0.01)
        jobs = [runner.submit(PLATE, SMALL) for _ in range(3)]
        done = [await asyncio.wait_for(runner.wait(j), 10) for j in jobs]
        assert all(j.status is JobStatus.completed and j.server_url == idle.url for j in done)
        assert runner.status(blocker).server_url == busy.url

        del idle.object_info["EmptyImage"]
        runner.pool._capabilities.clear()
        job = runner.status(runner.submit(PLATE, SMALL))
        busy.resume()
        job = await asyncio.wait_for(runner.wait(job.id), 10)
        assert job.server_url == busy.url and job.status is JobStatus.completed
    finally:
        await busy.stop()
        await idle.stop()


async def upscale(runner, image: Path):
    return await asyncio.wait_for(
        runner.run(runner.submit("image_upscale_esrgan_4x", {"image": str(image)})), 10
    )


async def test_no_server_has_the_models_fails_with_names(fake: FakeComfy, make_runner, tmp_path):
    image = tmp_path / "in.png"
    image.write_bytes(b"png")
    job = await upscale(make_runner([fake.url]), image)
    assert job.status is JobStatus.failed
    assert "RealESRGAN_x4plus.safetensors" in job.error and fake.url in job.error


async def test_media_inputs_are_uploaded_before_submit(tmp_path: Path, make_runner):
    from wl_fake_comfy import core_object_info

    info = core_object_info(upscale_models=["RealESRGAN_x4plus.safetensors"])
    fake = await FakeComfy(tmp_path / "srv", object_info=info).start()
    try:
        image = tmp_path / "holiday.png"
        image.write_bytes(b"\x89PNG holiday")
        job = await upscale(make_runner([fake.url]), image)
        assert job.status is JobStatus.completed
        assert job.workflow["1"]["inputs"]["image"] == "kijkocut/holiday.png"
        assert (fake.input_dir / "kijkocut" / "holiday.png").exists()
    finally:
        await fake.stop()
