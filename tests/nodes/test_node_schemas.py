"""What a person sees of the nodes before running one: short titles without the pack's name (the category
already says KijkoCut), unchanged node ids, a tooltip on every input, the automatic values explained, and the
words people search for (needs COMFYUI_PATH)."""

from __future__ import annotations

import pytest

from tests.nodes.conftest import NODE_IDS, pack_module

# Inputs whose 0 (or -1) stands for "automatic" rather than the number: the tooltip must say what it means.
AUTOMATIC_ZERO = {
    ("ExportTimeline", "width"),
    ("ExportTimeline", "height"),
    ("ExportTimeline", "end"),
    ("ExportTimeline", "loudness_lufs"),
    ("RenderTimeline", "width"),
    ("RenderTimeline", "height"),
    ("RenderTimeline", "end"),
    ("AddClip", "source_out"),
    ("AddImages", "source_out"),
    ("AddVideo", "source_out"),
    ("AddAudio", "source_out"),
    ("StyleText", "max_width"),
    ("StyleText", "stroke_width"),
}
AUTOMATIC_MINUS_ONE = {("ExportTimeline", "crf")}
# A query typed into ComfyUI's node search and the node it must find.
QUERIES = {
    "export video": "ExportTimeline",
    "sample media": "SampleMedia",
    "new timeline": "NewTimeline",
    "add text": "AddText",
    "add clip": "AddClip",
    "load media": "LoadMedia",
}


@pytest.fixture(scope="module")
def schemas(comfy_session) -> dict:
    nodes = pack_module("nodes.extension").load_nodes()
    return {node.define_schema().node_id.split(".", 1)[1]: node.define_schema() for node in nodes}


def test_node_ids_stay_and_titles_are_short_without_the_pack_name(schemas):
    assert set(schemas) == NODE_IDS
    titles = [schema.display_name for schema in schemas.values()]
    assert len(set(titles)) == len(titles)
    for name, schema in schemas.items():
        assert schema.node_id == f"KijkoCut.{name}"
        assert "KijkoCut" not in schema.display_name and "▸" not in schema.display_name, name
        # Two short words fit a node's title bar and the node library without wrapping mid-word.
        assert len(schema.display_name) <= 22, schema.display_name


def test_every_input_has_a_tooltip(schemas):
    missing = [
        f"{name}.{spec.id}"
        for name, schema in schemas.items()
        for spec in schema.inputs
        if not (spec.tooltip or "").strip()
    ]
    assert not missing, missing


def test_automatic_values_say_what_they_mean(schemas):
    def tooltip(node: str, name: str) -> str:
        return next(spec.tooltip for spec in schemas[node].inputs if spec.id == name)

    for node, name in AUTOMATIC_ZERO:
        assert "0 =" in tooltip(node, name), (node, name)
    for node, name in AUTOMATIC_MINUS_ONE:
        assert "-1 =" in tooltip(node, name), (node, name)
    new_timeline = schemas["NewTimeline"]
    for name in ("width", "height"):
        assert "only when canvas is 'custom'" in tooltip("NewTimeline", name)
    assert "'custom'" in next(spec.tooltip for spec in new_timeline.inputs if spec.id == "canvas")


def test_every_description_ends_with_its_search_words(schemas):
    types = pack_module("nodes.types")
    for name, schema in schemas.items():
        body, _, words = schema.description.rpartition("\nSearch: ")
        assert body.strip() and words.endswith("."), name
        assert len(words.rstrip(".").split(", ")) >= 3, name
        if types.SCHEMA_HAS_SEARCH_ALIASES:
            assert schema.search_aliases == words.rstrip(".").split(", ")


def test_the_words_people_type_find_the_node(schemas):
    # ComfyUI 0.3.64's node search matches every word of the query in the node's id or its display name.
    for query, expected in QUERIES.items():
        found = {
            name
            for name, schema in schemas.items()
            if all(
                word in schema.display_name.lower() or word in schema.node_id.lower()
                for word in query.split()
            )
        }
        assert expected in found, (query, found)
    export_words = schemas["ExportTimeline"].description.rpartition("\nSearch: ")[2]
    assert "export video" in export_words and "save video" in export_words


@pytest.mark.parametrize("has_field", [False, True])
def test_search_words_fill_search_aliases_where_the_schema_has_them(comfy_session, monkeypatch, has_field):
    types = pack_module("nodes.types")
    monkeypatch.setattr(types, "SCHEMA_HAS_SEARCH_ALIASES", has_field)
    fields = types.described("Does a thing.", "first words", "second")
    assert fields["description"] == "Does a thing.\nSearch: first words, second."
    assert fields.get("search_aliases") == (["first words", "second"] if has_field else None)
