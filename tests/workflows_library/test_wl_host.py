"""Against a real ComfyUI server on the CPU (COMFYUI_PATH): validation with the real /object_info, and the
runner end to end on workflows that need no model weights. Skipped with a reason when COMFYUI_PATH is unset."""

import asyncio
from pathlib import Path

import pytest
from PIL import Image
from test_wl_validator import EXPECTED_ABSENT

from tests.comfyui_host import comfyui_server_bare  # noqa: F401 - pytest fixture
from workflows_library.client import ComfyClient
from workflows_library.config import ServerConfig
from workflows_library.errors import PromptRejectedError
from workflows_library.jobs import JobStatus
from workflows_library.object_info import parse_object_info
from workflows_library.validator import IssueKind, validate_workflow

pytestmark = pytest.mark.host


@pytest.fixture
def server_url(comfyui_server_bare) -> str:  # noqa: F811
    return comfyui_server_bare.url


async def test_library_validates_against_the_real_object_info(library, server_url):
    async with ComfyClient(ServerConfig(url=server_url)) as client:
        nodes = parse_object_info(await client.object_info())
    for card in library:
        media = [(t.node_id, t.field) for s in card.inputs if s.type.is_media for t in s.targets]
        report = validate_workflow(library.workflow(card.id), nodes, card.models, media)
        unknown = {i.class_type for i in report.of_kind(IssueKind.unknown_node)}
        assert unknown <= EXPECTED_ABSENT, f"{card.id}: {report.summary()}"
        if not unknown:
            structural = [i for i in report.issues if i.kind is not IssueKind.missing_model]
            assert structural == [], f"{card.id}: {report.summary()}"
    plate = library.card("solid_color_plate")
    assert validate_workflow(library.workflow(plate.id), nodes, plate.models).ok


async def test_runner_runs_a_weightless_workflow_with_progress(make_runner, server_url):
    runner = make_runner([server_url])
    seen = []
    runner.subscribe(lambda job: seen.append((job.status, job.progress, job.current_node)))
    job_id = runner.submit("solid_color_plate", {"width": "48", "height": "24", "color": str(0x3366FF)})
    job = await asyncio.wait_for(runner.run(job_id), 120)
    assert job.status is JobStatus.completed, job.error
    assert any(status is JobStatus.running for status, _, _ in seen)
    (output,) = job.outputs
    with Image.open(output.local_path) as image:
        assert image.size == (48, 24) and image.convert("RGB").getpixel((0, 0)) == (0x33, 0x66, 0xFF)
    assert output.probe["size_bytes"] > 0


async def test_uploaded_image_becomes_a_video_clip(make_runner, server_url, tmp_path: Path):
    still = tmp_path / "title card.png"
    Image.new("RGB", (64, 32), (200, 40, 40)).save(still)
    runner = make_runner([server_url])
    job_id = runner.submit("image_to_still_clip", {"image": str(still), "frames": "12", "fps": "12"})
    job = await asyncio.wait_for(runner.run(job_id), 180)
    assert job.status is JobStatus.completed, job.error
    (output,) = job.outputs
    assert output.kind == "video" and Path(output.local_path).stat().st_size > 0
    assert job.workflow["1"]["inputs"]["image"] == "kijkocut/title card.png"


async def test_real_server_rejections_are_reported_per_node(server_url):
    broken = {
        "1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
        "2": {
            "class_type": "ImageScale",
            "inputs": {
                "image": ["1", 0],
                "upscale_method": "cubic",
                "width": 16,
                "height": 16,
                "crop": "disabled",
            },
        },
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "x"}},
    }
    async with ComfyClient(ServerConfig(url=server_url)) as client:
        with pytest.raises(PromptRejectedError, match="node 2 \\(ImageScale\\)") as info:
            await client.submit(broken, "wl-test", "p-broken")
    assert "2" in info.value.node_errors


async def test_a_real_servers_output_listing_finds_a_jobs_files_by_its_prefix(
    make_runner, server_url, tmp_path
):
    """What the runner checks before resubmitting a prompt a restarted ComfyUI forgot: the job's uniquely
    prefixed files at the top of the real output folder (image and video save nodes)."""
    from workflows_library.output_prefixes import outputs_found

    still = tmp_path / "still.png"
    Image.new("RGB", (32, 16), (10, 200, 40)).save(still)
    runner = make_runner([server_url])
    jobs = [
        runner.submit("solid_color_plate", {"width": "16", "height": "16"}),
        runner.submit("image_to_still_clip", {"image": str(still), "frames": "6", "fps": "6"}),
    ]
    async with ComfyClient(ServerConfig(url=server_url)) as client:
        for job_id in jobs:
            job = await asyncio.wait_for(runner.run(job_id), 180)
            assert job.status is JobStatus.completed, job.error
            found = outputs_found(job.output_prefixes, await client.output_files())
            assert found is not None
            assert sorted(ref.filename for ref in found) == sorted(o.filename for o in job.outputs)
            assert all(job_id in o.filename and o.subfolder == "" for o in job.outputs)
