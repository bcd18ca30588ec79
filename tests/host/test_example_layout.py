"""The committed example workflows as files, without ComfyUI: one JSON and one JPEG thumbnail per example and
nothing else in example_workflows/, a graph readable when fitted to a screen (titled groups by stage, nodes
inside their group, nothing overlapping) and no node that needs a file in the input folder. The layout rules
themselves are checked on small made-up stages."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from tests.host.example_layout import (
    GAP,
    NODE_TITLE,
    Box,
    arrange,
    bounds_of,
    columns,
    fitted_scale,
    node_box,
)
from tests.host.example_workflows import EXAMPLES, EXAMPLES_DIR, THUMBNAIL_SIDE

# Nodes that read a file the user must provide.
NEEDS_INPUT_FILES = {"KijkoCut.LoadMedia", "KijkoCut.LoadTimeline", "LoadImage", "LoadVideo", "LoadAudio"}
GROUP_TITLE_CHARACTER = 0.6 * 24  # the width of a character at the groups' font size


def committed(name: str) -> dict:
    return json.loads((EXAMPLES_DIR / f"{name}.json").read_text())


def test_the_folder_holds_a_workflow_and_a_thumbnail_per_example():
    expected = {f"{name}{suffix}" for name in EXAMPLES for suffix in (".json", ".jpg")}
    assert {path.name for path in EXAMPLES_DIR.iterdir()} == expected


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_thumbnails_are_small_jpegs(name):
    with Image.open(EXAMPLES_DIR / f"{name}.jpg") as picture:
        assert picture.format == "JPEG" and max(picture.size) == THUMBNAIL_SIDE
    assert (EXAMPLES_DIR / f"{name}.jpg").stat().st_size < 100_000


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_node_sits_in_a_titled_group_and_nothing_overlaps(name):
    ui = committed(name)
    groups = [Box(*group["bounding"]) for group in ui["groups"]]
    assert len(groups) == len(EXAMPLES[name].stages) >= 3
    for group, stage in zip(ui["groups"], EXAMPLES[name].stages):
        assert group["title"] == stage.title
        assert len(group["title"]) * GROUP_TITLE_CHARACTER <= group["bounding"][2], group["title"]
    boxes = {node["id"]: node_box(node["pos"], node["size"]) for node in ui["nodes"]}
    for node_id, box in boxes.items():
        assert sum(group.contains(box) for group in groups) == 1, node_id
    items = list(boxes.items())
    for index, (node_id, box) in enumerate(items):
        assert not [other for other, other_box in items[index + 1 :] if box.overlaps(other_box)], node_id
    for index, group in enumerate(groups):
        assert not any(group.overlaps(other) for other in groups[index + 1 :])
    # Each stage's nodes are in its group, the note in the first.
    for group, stage in zip(groups, EXAMPLES[name].stages):
        assert all(group.contains(boxes[node_id]) for node_id in stage.nodes)
    [note] = [node for node in ui["nodes"] if node["type"] == "MarkdownNote"]
    assert groups[0].contains(boxes[note["id"]]) and note["widgets_values"] == [EXAMPLES[name].note]


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_whole_graph_is_readable_when_fitted_to_a_screen(name):
    ui = committed(name)
    everything = bounds_of([Box(*group["bounding"]) for group in ui["groups"]])
    # At half size on a 1920x1080 screen titles and widget labels still read; a 3,700-pixel strip does not.
    assert fitted_scale(everything) >= 0.5, everything
    assert fitted_scale(Box(0, 0, 3700, 400)) < 0.5


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_examples_need_no_files_in_the_input_folder(name):
    assert not {node["type"] for node in committed(name)["nodes"]} & NEEDS_INPUT_FILES


def test_columns_start_a_new_column_when_the_next_node_would_not_fit():
    assert columns({1: 300, 2: 300, 3: 300}, limit=700) == [[1, 2], [3]]
    assert columns({1: 900, 2: 100}, limit=700) == [[1], [2]]  # too tall for any column: one of its own
    assert columns({1: 100, 2: 100}, limit=2 * (100 + NODE_TITLE) + GAP) == [[1, 2]]


def test_groups_flow_in_one_row_unless_another_row_shows_them_much_larger():
    few = arrange([{1: 200}, {2: 200}, {3: 200}])
    assert len({box.y for box in few.groups}) == 1
    assert few.positions[1][0] < few.positions[2][0] < few.positions[3][0]  # read left to right
    many = arrange([{node: 200} for node in range(12)])
    assert len({box.y for box in many.groups}) > 1
