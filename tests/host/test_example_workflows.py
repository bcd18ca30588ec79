"""The example workflows in a real ComfyUI started fresh for this module (nothing in its input folder): the
template browser's endpoint lists them and serves each workflow and thumbnail, the committed files match the
node schemas, every example queued as the frontend would runs and its output is checked, each thumbnail is a
frame of that output, and an unchanged example queued again comes from the cache. Needs COMFYUI_PATH."""

from __future__ import annotations

import json
import math
import os
import re

import av
import numpy as np
import pytest
from PIL import Image

from tests.comfyui_host import PACK_DIR_NAME, ComfyUIUnavailable, start_comfyui
from tests.host.example_workflows import (
    EXAMPLES,
    EXAMPLES_DIR,
    build_ui,
    exported_videos,
    render_json,
    thumbnail,
    to_api,
)

pytestmark = [pytest.mark.host, pytest.mark.slow]

# What each example's export holds: frames, duration (s), width, height, audio streams.
EXPECTED = {
    "edit_three_clips": (270, 9.0, 640, 360, 1),
    "image_batch_social_short": (60, 2.0, 1080, 1920, 1),
    "music_under_voice": (240, 8.0, 1280, 720, 1),
}
LOUDNESS = re.compile(r"audio (-?\d+\.\d|-inf) LUFS, true peak (-?\d+\.\d|-inf) dBTP")


@pytest.fixture(scope="module")
def fresh_server():
    try:
        with start_comfyui(with_pack=True) as server:
            yield server
    except ComfyUIUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def object_info(fresh_server):
    return fresh_server.object_info()


@pytest.fixture(scope="module")
def histories(fresh_server, object_info) -> dict[str, dict]:
    """Every example queued once, in a server whose input folder has no file."""
    assert not [files for _, _, files in os.walk(fresh_server.input_dir) if files]
    return {name: fresh_server.run_prompt(to_api(name, object_info), timeout=600) for name in EXAMPLES}


def probe(path) -> dict:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        return {
            "frames": sum(1 for _ in container.decode(video=0)),
            "duration": container.duration / av.time_base,
            "width": video.width,
            "height": video.height,
            "audio": len(container.streams.audio),
        }


def psnr(first: Image.Image, second: Image.Image) -> float:
    error = np.mean((np.asarray(first, dtype=np.float64) - np.asarray(second, dtype=np.float64)) ** 2)
    return math.inf if error == 0 else 10 * math.log10(255**2 / error)


def test_the_template_browser_lists_every_example_with_its_thumbnail(fresh_server):
    listed = fresh_server.get_json("/api/workflow_templates")
    assert sorted(listed[PACK_DIR_NAME]) == sorted(EXAMPLES)
    for name in EXAMPLES:
        # The URLs the frontend builds: /api/workflow_templates/<pack folder>/<name>.json and .jpg
        status, body = fresh_server.request("GET", f"/api/workflow_templates/{PACK_DIR_NAME}/{name}.json")
        assert status == 200 and body == (EXAMPLES_DIR / f"{name}.json").read_bytes()
        status, picture = fresh_server.request("GET", f"/api/workflow_templates/{PACK_DIR_NAME}/{name}.jpg")
        assert status == 200 and picture[:3] == b"\xff\xd8\xff"


def test_committed_examples_match_the_node_schemas(object_info):
    for name, example in EXAMPLES.items():
        assert (EXAMPLES_DIR / f"{name}.json").read_text() == render_json(build_ui(example, object_info)), (
            f"{name}.json is stale: regenerate with `python -m tests.host.example_workflows`"
        )


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_example_runs_on_a_fresh_server_and_exports_what_it_shows(fresh_server, histories, name):
    [video] = exported_videos(histories[name], fresh_server.output_dir)
    frames, duration, width, height, audio = EXPECTED[name]
    facts = probe(video)
    assert (facts["frames"], facts["width"], facts["height"], facts["audio"]) == (
        frames,
        width,
        height,
        audio,
    )
    assert facts["duration"] == pytest.approx(duration, abs=0.1)
    # The Export node's UI output carries the summary it shows on the node.
    [text] = [output["text"] for output in histories[name]["outputs"].values() if "text" in output]
    assert text[0].startswith(f"{frames} frames, {duration:.1f} s, {width}x{height}") and LOUDNESS.search(
        text[0]
    )
    assert "warning" not in text[0]  # nothing cut by a crop or hidden under a platform's buttons


def test_the_export_node_shows_the_loudness_it_reached(fresh_server, histories):
    [text] = [
        output["text"][0] for output in histories["music_under_voice"]["outputs"].values() if "text" in output
    ]
    lufs, true_peak = map(float, LOUDNESS.search(text).groups())
    assert lufs == pytest.approx(-14.0, abs=0.3) and true_peak <= -1.0


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_thumbnail_is_a_frame_of_the_examples_output(fresh_server, histories, name):
    [video] = exported_videos(histories[name], fresh_server.output_dir)
    with Image.open(EXAMPLES_DIR / f"{name}.jpg") as committed:
        expected = thumbnail(video, EXAMPLES[name].thumbnail_at)
        assert committed.size == expected.size
        assert psnr(committed.convert("RGB"), expected) > 30, (
            f"{name}.jpg no longer shows the example's output: regenerate with `python -m tests.host.example_workflows`"
        )


def test_sample_media_lands_in_the_output_folder(fresh_server, histories):
    samples = sorted(os.listdir(fresh_server.output_dir / "kijkocut" / "samples"))
    assert "clip_640x360_hue20_4s.mp4" in samples and "music_8s.wav" in samples
    assert not [files for _, _, files in os.walk(fresh_server.input_dir) if files]


def test_an_unchanged_example_queued_again_comes_from_the_cache(fresh_server, object_info, histories):
    # ComfyUI caches the outputs of the prompt it ran last: queue the example, then again unchanged.
    prompt = to_api("edit_three_clips", object_info)
    [video] = exported_videos(fresh_server.run_prompt(prompt, timeout=300), fresh_server.output_dir)
    before = sorted(os.listdir(video.parent))
    again = fresh_server.run_prompt(prompt, timeout=120)
    assert exported_videos(again, fresh_server.output_dir) == [video]
    assert sorted(os.listdir(video.parent)) == before


def test_the_graph_editor_extension_is_served(fresh_server):
    extensions = fresh_server.get_json("/extensions")
    assert f"/extensions/{PACK_DIR_NAME}/nodes/extension.js" in extensions
    listed = json.dumps(extensions)
    assert "widget_rules.js" in listed
