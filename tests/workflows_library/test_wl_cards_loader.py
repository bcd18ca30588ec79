import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from workflows_library.cards import Category, InputSpec, InputType, Task, WorkflowCard
from workflows_library.errors import CardError, UnknownWorkflowError
from workflows_library.loader import load_library

REQUIRED_FAMILIES = [
    "wan22_5b",
    "wan22_14b",
    "ltxv",
    "hunyuan",
    "mochi",
    "cosmos",
    "sdxl",
    "flux",
    "upscale",
    "interpolation",
    "ace_step",
    "stable_audio",
    "kc_",
]


def test_library_has_at_least_thirty_valid_workflows(library):
    assert len(library) >= 30
    for card in library:
        workflow = library.workflow(card.id)
        assert card.outputs, card.id
        assert all(out.node_id in workflow for out in card.outputs)


def test_library_covers_the_required_models_and_tasks(library):
    ids = " ".join(library.cards)
    assert [f for f in REQUIRED_FAMILIES if f not in ids] == []
    tasks = {task for card in library for task in card.tasks}
    for needed in (
        Task.text_to_video,
        Task.image_to_video,
        Task.first_last_frame_to_video,
        Task.video_to_video,
        Task.text_to_image,
        Task.upscale,
        Task.frame_interpolation,
        Task.music,
        Task.speech,
    ):
        assert needed in tasks
    assert {card.category for card in library} == set(Category)


def test_editing_cards_use_kijkocut_nodes_and_name_the_pack(library):
    for card_id in ("kc_render_timeline", "kc_trim_video"):
        types = library.node_types(card_id)
        assert any(t.startswith("KijkoCut.") for t in types)
        assert library.card(card_id).custom_nodes == ["kijkocut"]


def test_unknown_workflow_suggests_close_ids(library):
    with pytest.raises(UnknownWorkflowError, match="did you mean: sdxl_text_to_image"):
        library.card("sdxl_text_to_imag")


def _write(tmp: Path, card: dict, workflow: dict) -> None:
    (tmp / f"{card['id']}.card.json").write_text(json.dumps(card))
    (tmp / f"{card['id']}.json").write_text(json.dumps(workflow))


CARD = {
    "id": "tiny",
    "title": "Tiny",
    "description": "A tiny test workflow.",
    "category": "composition",
    "tasks": ["compositing"],
    "outputs": [{"node_id": "2", "kind": "image"}],
    "inputs": [
        {
            "name": "width",
            "type": "int",
            "description": "w",
            "default": 8,
            "minimum": 1,
            "maximum": 64,
            "targets": [{"node_id": "1", "field": "width"}],
        }
    ],
}
WORKFLOW = {
    "1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
    "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "t"}},
}


def test_loader_accepts_a_consistent_pair(tmp_path):
    _write(tmp_path, CARD, WORKFLOW)
    assert load_library([tmp_path]).card("tiny").input("width").default == 8


@pytest.mark.parametrize(
    ("card_change", "workflow", "message"),
    [
        (
            {"inputs": [{**CARD["inputs"][0], "targets": [{"node_id": "9", "field": "width"}]}]},
            WORKFLOW,
            "missing node 9",
        ),
        (
            {"inputs": [{**CARD["inputs"][0], "targets": [{"node_id": "1", "field": "depth"}]}]},
            WORKFLOW,
            "EmptyImage.depth",
        ),
        ({"outputs": [{"node_id": "7", "kind": "image"}]}, WORKFLOW, "output node 7"),
        ({"category": "nonsense"}, WORKFLOW, "invalid card"),
        ({}, {"nodes": [], "links": []}, "UI-format"),
    ],
)
def test_loader_names_the_file_and_the_problem(tmp_path, card_change, workflow, message):
    _write(tmp_path, {**CARD, **card_change}, workflow)
    with pytest.raises(CardError, match=message) as info:
        load_library([tmp_path])
    assert "tiny" in str(info.value)


def test_card_rejects_default_outside_its_range_and_duplicate_inputs():
    with pytest.raises(ValidationError, match="above the maximum"):
        InputSpec(
            name="w",
            type=InputType.int,
            description="",
            default=100,
            maximum=10,
            targets=[{"node_id": "1", "field": "w"}],
        )
    spec = CARD["inputs"][0]
    with pytest.raises(ValidationError, match="duplicate input names: width"):
        WorkflowCard.model_validate({**CARD, "inputs": [spec, spec]})
    with pytest.raises(ValidationError, match="enum inputs need choices"):
        InputSpec(name="m", type=InputType.enum, description="", targets=[{"node_id": "1", "field": "m"}])
