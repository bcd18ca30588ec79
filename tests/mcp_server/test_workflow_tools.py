"""Workflow tools against the real workflow library, with ComfyUI down (a closed loopback port): cards,
input checks, validation and runs fail fast with the reason; a finished job's outputs import into a project."""

from __future__ import annotations

import time

import anyio
import pytest
from mcp import Client

from kijkocut import samples
from tests.mcp_server.conftest import data, error_text
from workflows_library.jobs import Job, JobOutput, JobStatus

T2V = "ltxv_text_to_video"


async def test_card_and_resource(server):
    async with Client(server) as client:
        card = data(await client.call_tool("workflow_card", {"workflow_id": T2V}))
        assert card["uri"] == f"workflow://{T2V}" and any(i["name"] == "prompt" for i in card["inputs"])
        assert card["requirements"], "the card names the models it needs"
        resource = await client.read_resource(f"workflow://{T2V}")
        assert T2V in resource.contents[0].text
        assert "unknown workflow" in error_text(
            await client.call_tool("workflow_card", {"workflow_id": "nope"})
        )


async def test_comfyui_down_gives_actionable_errors_quickly(server):
    async with Client(server) as client:
        began = time.monotonic()
        with anyio.fail_after(30):
            report = data(
                await client.call_tool(
                    "workflow_validate", {"workflow_id": T2V, "inputs": {"prompt": "a cat"}}
                )
            )
            run = error_text(
                await client.call_tool("workflow_run", {"workflow_id": T2V, "inputs": {"prompt": "a cat"}})
            )
        assert (
            not report["ok"] and "127.0.0.1:9" in report["problems"][0] and "connect" in report["problems"][0]
        )
        assert "no ComfyUI server can run this job" in run and "127.0.0.1:9" in run
        assert time.monotonic() - began < 25, "retries are bounded"

        bad = data(await client.call_tool("workflow_validate", {"workflow_id": T2V, "inputs": {"bogus": 1}}))
        assert not bad["ok"] and "no input(s) bogus" in bad["problems"][0]
        needs = error_text(
            await client.call_tool("workflow_run", {"workflow_id": "ltxv_image_to_video", "inputs": {}})
        )
        assert "needs input(s): image" in needs
        outside = error_text(
            await client.call_tool(
                "workflow_run", {"workflow_id": "ltxv_image_to_video", "inputs": {"image": "/etc/hostname"}}
            )
        )
        assert "outside the allowed folders" in outside
        assert "unknown job" in error_text(
            await client.call_tool("job_status", {"job_id": "job-000000000000"})
        )
        assert data(await client.call_tool("job_list", {}))["jobs"] == []


def _finished_job(services, workspace_dir) -> str:
    """A completed job recorded through the library's own job store, its output downloaded where the runner
    puts downloads (jobs/media/<job id>/), as after a real run."""
    store = services.workflows._store_runner().store
    job = store.create(Job(id="job-0123456789ab", workflow_id=T2V, inputs={"prompt": "a cat"}))
    output = workspace_dir / "jobs" / "media" / job.id / "ltxv_00001.mp4"
    output.parent.mkdir(parents=True)
    samples.write_video(output, seconds=1, width=160, height=90, rate=15, hue=60)
    store.update(job.id, status=JobStatus.running)
    store.update(
        job.id,
        status=JobStatus.completed,
        progress=1.0,
        outputs=[JobOutput(node_id="9", filename="ltxv_00001.mp4", kind="video", local_path=str(output))],
    )
    return job.id


async def test_import_finished_job_outputs(server, services, workspace_dir):
    job_id = _finished_job(services, workspace_dir)
    async with Client(server) as client:
        status = data(await client.call_tool("job_status", {"job_id": job_id}))
        assert status["state"] == "completed" and status["done"] and status["kind"] == "workflow"
        link = status["outputs"][0]
        assert link["uri"] == f"workspace://jobs/media/{job_id}/ltxv_00001.mp4"
        blob = (await client.read_resource(link["uri"])).contents[0].blob
        assert blob and link["size_bytes"] > 0

        pid = data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15}))[
            "id"
        ]
        imported = data(await client.call_tool("job_outputs_import", {"project_id": pid, "job_id": job_id}))
        assert [m["name"] for m in imported["imported"]] == ["ltxv_00001.mp4"]
        view = data(await client.call_tool("project_describe", {"project_id": pid}))
        clip = view["tracks"][0]["elements"][0]
        assert (clip["media_id"], clip["start"], clip["end"]) == (imported["imported"][0]["id"], 0, 1)
        # The media, the track and the clip are one undo step.
        assert imported["revision"] == view["revision"] == 1
        data(await client.call_tool("project_undo", {"project_id": pid}))
        undone = data(await client.call_tool("project_describe", {"project_id": pid}))
        assert undone["tracks"] == [] and undone["media"] == []

        listed = data(await client.call_tool("job_list", {}))
        assert [j["job_id"] for j in listed["jobs"]] == [job_id]


@pytest.mark.slow
async def test_semantic_search(server):
    """The first search builds the index (tens of seconds on two cores); the tool waits a bounded time."""
    async with Client(server) as client:
        for _ in range(3):
            result = await client.call_tool("workflow_search", {"query": "animate a still photo", "limit": 5})
            if not result.is_error:
                break
            assert "still being built" in error_text(result)
        hits = data(result)["hits"]
        assert hits and any("image-to-video" in hit["task"] for hit in hits[:3])
