"""Search with the real bundled MiniLM model and a real persistent Chroma collection."""

from pathlib import Path

import pytest

from workflows_library.capabilities import ServerCapabilities
from workflows_library.cards import Category, Task
from workflows_library.loader import Library, load_library
from workflows_library.search.hybrid import HybridSearcher, SearchFilters
from workflows_library.search.keyword import KeywordIndex, tokenize
from workflows_library.search.quality import evaluate, load_requests

QUALITY = Path(__file__).parent / "data" / "search_quality.json"
# Measured when the set was labelled (recall@5 0.98, MRR 0.98; with score fusion 1.00, 0.97); a drop below
# these is a regression.
MIN_RECALL_AT_5, MIN_MRR = 0.93, 0.90


@pytest.fixture(scope="module")
def searcher(library, vector_index):
    return HybridSearcher(library, vector_index, library.node_types)


def test_keyword_index_reports_matched_fields():
    index = KeywordIndex.build(
        {"a": {"title": "Upscale video", "tags": "4k"}, "b": {"description": "make music"}}
    )
    hits = index.search("upscaling videos to 4K")
    assert set(hits) == {"a"} and hits["a"].fields == ("title", "tags")
    assert tokenize("The Videos") == ["video"]


def test_results_explain_themselves(searcher):
    (hit, *_) = searcher.search("animate this product photo into a 5-second clip", limit=3)
    assert Task.image_to_video in hit.tasks
    assert "image" in [i.name for i in hit.inputs_needed] and "prompt" in [i.name for i in hit.inputs_needed]
    assert "meaning" in hit.matched_fields and hit.semantic_similarity > 0.35
    assert hit.runnable is None  # no server consulted


def test_filters(searcher):
    for hit in searcher.search("make a video", SearchFilters(category=Category.enhancement), limit=10):
        assert hit.category is Category.enhancement
    for hit in searcher.search(
        "video generation", SearchFilters(task=Task.text_to_video, max_vram_gb=12), limit=10
    ):
        assert Task.text_to_video in hit.tasks and hit.vram_gb <= 12
    browse = searcher.search("", SearchFilters(task=Task.frame_interpolation), limit=10)
    assert {h.id for h in browse} == {"video_frame_interpolation_rife", "video_frame_interpolation_film"}


def test_runnable_only_uses_the_servers_nodes_and_models(searcher, library):
    nodes = set().union(*(library.node_types(c.id) for c in library)) - {"RIFE VFI"}
    server = ServerCapabilities(
        node_types=frozenset(nodes), model_files=frozenset({"film_net_fp16.safetensors"})
    )
    hits = searcher.search("interpolate frames for smooth slow motion", limit=5, server=server)
    film = next(h for h in hits if h.id == "video_frame_interpolation_film")
    rife = next(h for h in hits if h.id == "video_frame_interpolation_rife")
    assert film.runnable and not rife.runnable and rife.nodes_missing == ["RIFE VFI"]
    only = searcher.search("interpolate frames", SearchFilters(runnable_only=True), limit=5, server=server)
    assert all(h.runnable for h in only) and "video_frame_interpolation_rife" not in {h.id for h in only}
    sdxl = searcher.search("sdxl text to image", limit=1, server=server)[0]
    assert sdxl.models_missing == ["sd_xl_base_1.0.safetensors"]


def test_search_quality_does_not_regress(searcher):
    quality = evaluate(searcher, load_requests(QUALITY))
    assert quality.requests >= 40
    assert quality.recall_at_5 >= MIN_RECALL_AT_5, quality
    assert quality.mrr >= MIN_MRR, quality


def test_index_rebuilds_incrementally_and_survives_restart(tmp_path, embedder):
    from workflows_library.search.index import VectorIndex

    library = load_library()
    cards = list(library)[:6]
    first = VectorIndex(tmp_path, embedder)
    assert first.sync(cards).added == 6
    del first  # a new process opening the same folder
    reopened = VectorIndex(tmp_path, embedder)
    assert reopened.count() == 6
    changed = cards[0].model_copy(update={"description": cards[0].description + " Now with sound."})
    report = reopened.sync([changed, *cards[1:5]])
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 1, 4)
    assert reopened.query(cards[2].title, 1)[0][0] == cards[2].id


def test_chroma_gets_our_embedding_function_and_no_telemetry(vector_index):
    collection = vector_index._collection
    assert collection._embedding_function is vector_index.embedder
    assert vector_index._client.get_settings().anonymized_telemetry is False


def test_templates_join_the_index(embedder, tmp_path):
    templates = pytest.importorskip("workflows_library.templates")
    extra = templates.load_templates()
    if not len(extra):
        pytest.skip("comfyui-workflow-templates is not installed")
    from workflows_library.search.index import VectorIndex

    library = Library()
    library.extend(load_library())
    library.extend(extra)
    wan = [c for c in library if c.source == "template" and "wan" in c.id][:20]
    index = VectorIndex(tmp_path, embedder)
    index.sync(wan)
    hits = HybridSearcher(wan, index, library.node_types).search("wan image to video", limit=3)
    assert hits and all(h.source == "template" for h in hits)
