"""The validator against a real ComfyUI v0.3.64 `/object_info` snapshot (trimmed to the nodes we use)."""

import copy
import json
from pathlib import Path

import pytest

from workflows_library.capabilities import ServerCapabilities, missing_on
from workflows_library.object_info import parse_object_info
from workflows_library.validator import IssueKind, validate_workflow

SNAPSHOT = Path(__file__).parent / "data" / "object_info_comfyui_v0.3.64.json"
# Not in that server: audio nodes need torchaudio (absent on the CPU host), FILM nodes are newer, and the
# rest come from custom node packs the cards name.
EXPECTED_ABSENT = {
    "AudioEncoderEncode",
    "AudioEncoderLoader",
    "EmptyLatentAudio",
    "LoadAudio",
    "SaveAudio",
    "VAEDecodeAudio",
    "FrameInterpolate",
    "FrameInterpolationModelLoader",
    "RIFE VFI",
    "TTSSTextToSpeech",
    "KijkoCut.AddClip",
    "KijkoCut.ExportTimeline",
    "KijkoCut.LoadMedia",
    "KijkoCut.LoadTimeline",
    "KijkoCut.NewTimeline",
}


@pytest.fixture(scope="module")
def raw_info():
    return json.loads(SNAPSHOT.read_text())


@pytest.fixture(scope="module")
def nodes(raw_info):
    return parse_object_info(raw_info)


def _media_fields(card):
    return [(t.node_id, t.field) for s in card.inputs if s.type.is_media for t in s.targets]


def test_every_library_workflow_matches_real_node_definitions(library, nodes):
    for card in library:
        report = validate_workflow(library.workflow(card.id), nodes, card.models, _media_fields(card))
        structural = [
            i
            for i in report.issues
            if i.kind not in (IssueKind.missing_model, IssueKind.unknown_node, IssueKind.no_output)
        ]
        assert structural == [], f"{card.id}: {report.summary()}"
        unknown = {i.class_type for i in report.of_kind(IssueKind.unknown_node)}
        assert unknown <= EXPECTED_ABSENT, card.id


def test_missing_models_are_reported_by_name_with_their_source(library, nodes):
    card = library.card("wan22_5b_text_to_video")
    report = validate_workflow(library.workflow(card.id), nodes, card.models)
    missing = report.of_kind(IssueKind.missing_model)
    assert {i.model_file for i in missing} == {
        "wan2.2_ti2v_5B_fp16.safetensors",
        "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
        "wan2.2_vae.safetensors",
    }
    assert "model file 'wan2.2_vae.safetensors' is not installed" in report.summary()
    assert all(issue.node_id for issue in missing)  # tied to the loader node that names the file


def test_installed_models_satisfy_the_check(library, raw_info):
    info = copy.deepcopy(raw_info)
    info["UpscaleModelLoader"]["input"]["required"]["model_name"][0] = ["RealESRGAN_x4plus.safetensors"]
    card = library.card("image_upscale_esrgan_4x")
    nodes = parse_object_info(info)
    assert validate_workflow(library.workflow(card.id), nodes, card.models, _media_fields(card)).ok
    capabilities = ServerCapabilities.from_object_info(info)
    assert missing_on(card, library.node_types(card.id), capabilities).nothing


def test_each_kind_of_mistake_is_named(library, nodes):
    workflow = copy.deepcopy(library.workflow("video_blur"))
    workflow["3"]["inputs"]["blur_radius"] = 99  # out of range
    workflow["3"]["inputs"]["colour"] = 1  # unknown input
    del workflow["3"]["inputs"]["sigma"]  # missing input
    workflow["4"]["inputs"]["images"] = ["2", 7]  # GetVideoComponents has 3 outputs
    workflow["5"]["inputs"]["video"] = ["42", 0]  # no node 42
    workflow["1"]["inputs"]["file"] = "clip.mp4"  # not in the server's input folder
    workflow["9"] = {"class_type": "ImageBlurr", "inputs": {}}
    workflow["10"] = {
        "class_type": "ImageBlur",
        "inputs": {"image": ["1", 0], "blur_radius": 2, "sigma": 1.0},
    }  # VIDEO -> IMAGE
    report = validate_workflow(workflow, nodes)
    kinds = {(i.kind, i.node_id, i.input_name) for i in report.issues}
    assert (IssueKind.out_of_range, "3", "blur_radius") in kinds
    assert (IssueKind.unknown_input, "3", "colour") in kinds
    assert (IssueKind.missing_input, "3", "sigma") in kinds
    assert (IssueKind.broken_link, "4", "images") in kinds
    assert (IssueKind.broken_link, "5", "video") in kinds
    assert (IssueKind.bad_value, "1", "file") in kinds
    assert (IssueKind.unknown_node, "9", None) in kinds
    assert (IssueKind.broken_link, "10", "image") in kinds
    assert "node 4 (CreateVideo) input 'images'" in report.summary()


def test_enum_values_and_graphs_without_outputs(nodes):
    workflow = {
        "1": {
            "class_type": "ImageScaleBy",
            "inputs": {"image": ["2", 0], "upscale_method": "cubic", "scale_by": 2},
        },
        "2": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
    }
    report = validate_workflow(workflow, nodes)
    (bad,) = report.of_kind(IssueKind.bad_value)
    assert "'cubic' is not one of" in bad.message and "lanczos" in bad.message
    assert report.of_kind(IssueKind.no_output)
