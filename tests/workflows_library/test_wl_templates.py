"""Official ComfyUI templates: indexing from the installed package and UI-to-API conversion."""

import json
from pathlib import Path

import pytest

from workflows_library.cards import Task
from workflows_library.convert import ConversionError, ui_node_types, ui_to_api
from workflows_library.object_info import parse_object_info
from workflows_library.templates import load_templates, templates_dir
from workflows_library.validator import IssueKind, validate_workflow

SNAPSHOT = Path(__file__).parent / "data" / "object_info_comfyui_v0.3.64.json"


@pytest.fixture(scope="module")
def nodes():
    return parse_object_info(json.loads(SNAPSHOT.read_text()))


@pytest.fixture(scope="module")
def templates(nodes):
    if templates_dir() is None:
        pytest.skip("comfyui-workflow-templates is not installed")
    return load_templates(object_info=lambda: nodes)


def test_index_covers_hundreds_of_local_templates_and_no_cloud_ones(templates):
    assert len(templates) >= 200
    assert not [c for c in templates if c.id.startswith("tpl_api_")]
    card = templates.card("tpl_video_wan2_2_5b_ti2v")
    assert Task.text_to_video in card.tasks and card.format == "ui"
    assert "wan2.2_ti2v_5B_fp16.safetensors" in {m.filename for m in card.models}
    assert "Wan22ImageToVideoLatent" in templates.node_types(card.id)
    assert load_templates(include_cloud=True).cards.keys() > templates.cards.keys()


def test_converted_template_validates_against_the_real_server(templates, nodes):
    card = templates.card("tpl_video_wan2_2_5b_ti2v")
    workflow = templates.workflow(card.id)
    assert workflow["3"]["class_type"] == "KSampler"
    assert workflow["3"]["inputs"]["steps"] == 20 and workflow["3"]["inputs"]["sampler_name"] == "uni_pc"
    assert workflow["3"]["inputs"]["model"] == ["48", 0]
    assert "56" not in workflow  # the bypassed LoadImage is dropped...
    assert "start_image" not in workflow["55"]["inputs"]  # ...and so is its link
    report = validate_workflow(workflow, nodes, card.models)
    assert {i.kind for i in report.issues} == {IssueKind.missing_model}


def test_converter_handles_reroutes_primitives_and_bypass(nodes):
    ui = {
        "nodes": [
            {
                "id": 1,
                "type": "EmptyImage",
                "mode": 0,
                "widgets_values": [64, 32, 1, 0],
                "outputs": [{"type": "IMAGE"}],
                "inputs": [{"name": "width", "type": "INT", "link": 5}],
            },
            {
                "id": 2,
                "type": "Reroute",
                "mode": 0,
                "inputs": [{"name": "", "type": "*", "link": 1}],
                "outputs": [{"type": "IMAGE"}],
            },
            {
                "id": 3,
                "type": "ImageInvert",
                "mode": 4,
                "inputs": [{"name": "image", "type": "IMAGE", "link": 2}],
                "outputs": [{"type": "IMAGE"}],
            },
            {
                "id": 4,
                "type": "SaveImage",
                "mode": 0,
                "widgets_values": ["out"],
                "inputs": [{"name": "images", "type": "IMAGE", "link": 3}],
            },
            {
                "id": 5,
                "type": "PrimitiveNode",
                "mode": 0,
                "widgets_values": [128, "fixed"],
                "outputs": [{"type": "INT"}],
            },
            {"id": 6, "type": "Note", "mode": 0, "widgets_values": ["hello"]},
            {"id": 7, "type": "KSamplerSelect", "mode": 0, "widgets_values": ["euler"]},
            {"id": 8, "type": "RandomNoise", "mode": 0, "widgets_values": [7, "randomize"]},
        ],
        "links": [
            [1, 1, 0, 2, 0, "IMAGE"],
            [2, 2, 0, 3, 0, "IMAGE"],
            [3, 3, 0, 4, 0, "IMAGE"],
            [5, 5, 0, 1, 0, "INT"],
        ],
    }
    api = ui_to_api(ui, nodes)
    assert set(api) == {"1", "4", "7", "8"}
    assert api["1"]["inputs"] == {"width": 128, "height": 32, "batch_size": 1, "color": 0}
    assert api["4"]["inputs"] == {"images": ["1", 0], "filename_prefix": "out"}
    assert api["8"]["inputs"] == {"noise_seed": 7}
    assert ui_node_types(ui) == ["EmptyImage", "ImageInvert", "KSamplerSelect", "RandomNoise", "SaveImage"]
    assert validate_workflow(api, nodes).ok


def test_converter_refuses_what_it_cannot_do(nodes):
    with pytest.raises(ConversionError, match="subgraphs"):
        ui_to_api({"nodes": [], "links": [], "definitions": {"subgraphs": [{"id": "x"}]}}, nodes)
    with pytest.raises(ConversionError, match="unknown node type 'Mystery'"):
        ui_to_api({"nodes": [{"id": 1, "type": "Mystery", "mode": 0}], "links": []}, nodes)


def test_template_without_object_info_says_so():
    if templates_dir() is None:
        pytest.skip("comfyui-workflow-templates is not installed")
    library = load_templates()
    from workflows_library.errors import CardError

    with pytest.raises(CardError, match="needs a server's /object_info"):
        library.workflow("tpl_video_wan2_2_5b_ti2v")


def test_missing_package_degrades_to_an_empty_index(monkeypatch):
    import workflows_library.templates as module

    monkeypatch.setattr(module, "template_folders", lambda: [])
    assert len(module.load_templates()) == 0
