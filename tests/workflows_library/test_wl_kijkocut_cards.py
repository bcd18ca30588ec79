"""The library's KijkoCut editing cards against the real node pack: every `KijkoCut.*` node type, input and
choice a card uses is in the pack's own schemas (imported with ComfyUI's comfy_api from COMFYUI_PATH), and
on a real ComfyUI with the pack installed the cards validate and the trim card runs. Skipped with a reason
when COMFYUI_PATH is unset."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.comfyui_host import comfyui_server  # noqa: F401 - pytest fixture
from tests.nodes.conftest import comfy_session, pack_module  # noqa: F401 - pytest fixture
from workflows_library.client import ComfyClient
from workflows_library.config import ServerConfig
from workflows_library.jobs import JobStatus
from workflows_library.loader import Library
from workflows_library.object_info import parse_object_info
from workflows_library.validator import validate_workflow

PREFIX = "KijkoCut."


def kijkocut_nodes(library: Library) -> list[tuple[str, str, dict[str, Any]]]:
    """(card id, node id, API-format node) for every pack node any card uses."""
    return [
        (card.id, node_id, node)
        for card in library
        for node_id, node in library.workflow(card.id).items()
        if node["class_type"].startswith(PREFIX)
    ]


@pytest.fixture(scope="module")
def pack_inputs(comfy_session) -> dict[str, dict[str, Any]]:  # noqa: F811
    """node id -> {input name: its V3 input}, from each node's define_schema."""
    schemas = (node.define_schema() for node in pack_module("nodes.extension").load_nodes())
    return {schema.node_id: {spec.id: spec for spec in schema.inputs} for schema in schemas}


def _combo_options(spec: Any) -> list[Any] | None:
    """A combo's fixed options; None for other inputs and for upload combos (their files vary)."""
    options = getattr(spec, "options", None)
    return None if options is None or getattr(spec, "upload", None) else list(options)


def test_cards_use_only_the_packs_node_types_inputs_and_options(library, pack_inputs):
    used = kijkocut_nodes(library)
    assert {card_id for card_id, _, _ in used} >= {"kc_render_timeline", "kc_trim_video"}
    for card_id, node_id, node in used:
        where = f"{card_id} node {node_id} ({node['class_type']})"
        inputs = pack_inputs.get(node["class_type"])
        assert inputs is not None, f"{where}: the pack has no such node"
        assert set(node["inputs"]) <= set(inputs), f"{where}: unknown inputs"
        required = {name for name, spec in inputs.items() if not spec.optional}
        assert required <= set(node["inputs"]), f"{where}: missing required inputs"
        for name, value in node["inputs"].items():
            options = _combo_options(inputs[name])
            if options is not None and not isinstance(value, list):  # a list is a link
                assert value in options, f"{where}: {name}={value!r} is not one of {options}"
    for card in library:
        workflow = library.workflow(card.id)
        for spec in card.inputs:
            for target in spec.targets:
                class_type = workflow[target.node_id]["class_type"]
                if class_type.startswith(PREFIX):
                    options = _combo_options(pack_inputs[class_type][target.field])
                    if spec.choices and options is not None:
                        assert set(spec.choices) <= set(options), f"{card.id} input {spec.name}"


@pytest.mark.host
async def test_cards_validate_and_trim_runs_on_a_server_with_the_pack(
    library,
    make_runner,
    comfyui_server,  # noqa: F811
    tmp_path: Path,
):
    async with ComfyClient(ServerConfig(url=comfyui_server.url)) as client:
        nodes = parse_object_info(await client.object_info())
    for card_id in sorted({card_id for card_id, _, _ in kijkocut_nodes(library)}):
        card = library.card(card_id)
        media = [(t.node_id, t.field) for s in card.inputs if s.type.is_media for t in s.targets]
        report = validate_workflow(library.workflow(card_id), nodes, card.models, media)
        assert report.ok and not report.issues, f"{card_id}: {report.summary()}"

    clip = _test_clip(tmp_path / "two seconds.mp4", seconds=2, fps=10)
    runner = make_runner([comfyui_server.url])
    job_id = runner.submit(
        "kc_trim_video",
        {"video": str(clip), "start": "0.5", "end": "1.5", "frame_rate": "10", "width": "64", "height": "48"},
    )
    job = await asyncio.wait_for(runner.run(job_id), 300)
    assert job.status is JobStatus.completed, job.error
    (output,) = job.outputs
    assert output.kind == "video"
    video = output.probe["video"]
    assert (video["width"], video["height"], video["frame_rate"]) == (64, 48, "10"), output.probe
    # 0.5 s to 1.5 s of a 10 fps clip: exactly ten frames, one second
    assert video["frame_count"] == 10 and Fraction(output.probe["duration"]) == 1, output.probe


def _test_clip(path: Path, seconds: int, fps: int) -> Path:
    """A small H.264 clip made by code: a grey ramp that changes every frame."""
    import av
    import numpy as np

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(seconds * fps):
            rgb = np.full((48, 64, 3), index * 255 // (seconds * fps), np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode())
    return path
