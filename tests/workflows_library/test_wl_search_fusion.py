"""Score fusion of the two search halves: generic words do not outvote the meaning of a request, and on
paraphrased requests kept aside from tuning, and on the cards' own words, the hybrid ranking finds as many
right workflows in its top 5 as the better half (real MiniLM)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from workflows_library.search.documents import keyword_fields
from workflows_library.search.hybrid import DEFAULT_FUSION, Fusion, HybridSearcher, fuse, keyword_confidence
from workflows_library.search.keyword import KeywordIndex, tokenize
from workflows_library.search.quality import evaluate, load_requests

DATA = Path(__file__).parent / "data"
PARAPHRASED = DATA / "search_paraphrased.json"


@pytest.fixture(scope="module")
def searcher(library, vector_index):
    return HybridSearcher(library, vector_index, library.node_types)


def test_generic_words_do_not_reorder_the_meaning():
    semantic = [("flux_kontext_image_edit", 0.42), ("kc_trim_video", 0.40)]
    # 'clip' alone, in the editing card's title: a sliver of the request's information
    generic = {"kc_trim_video": 0.04}
    fused = fuse(semantic, generic)
    assert max(fused, key=fused.__getitem__) == "flux_kontext_image_edit"
    assert fused == dict(semantic)


def test_a_confident_keyword_match_counts():
    semantic = [("wan22_14b_t2v", 0.45), ("mochi_text_to_video", 0.40)]
    fused = fuse(semantic, {"mochi_text_to_video": 0.9})
    assert max(fused, key=fused.__getitem__) == "mochi_text_to_video"
    assert fused["mochi_text_to_video"] == pytest.approx(0.40 + DEFAULT_FUSION.keyword_weight * 0.9)


def test_keyword_confidence_ramps_between_floor_and_full():
    fusion = Fusion(keyword_floor=0.1, keyword_full=0.3)
    assert keyword_confidence(0.05, fusion) == 0.0
    assert keyword_confidence(0.2, fusion) == pytest.approx(0.5)
    assert keyword_confidence(0.3, fusion) == keyword_confidence(0.9, fusion) == 1.0
    assert keyword_confidence(0.5, Fusion(keyword_floor=0.5, keyword_full=0.5)) == 1.0


def test_keyword_shares_weigh_words_by_rarity(library):
    index = KeywordIndex.build({card.id: keyword_fields(card) for card in library})
    power = DEFAULT_FUSION.rarity_power
    exact = index.shares("mochi", power)
    assert max(exact, key=exact.__getitem__) == "mochi_text_to_video" and exact["mochi_text_to_video"] > 0.5
    generic = index.shares("a clip of my cat chasing a laser pointer", power)  # 'clip': in many cards
    assert generic and generic["kc_trim_video"] < DEFAULT_FUSION.keyword_floor / 2
    # the rarity power is what keeps a generic word of a short request from voting
    short = "turn my clip upside down"
    assert max(index.shares(short, power).values()) < max(index.shares(short).values())
    assert all(0 < share <= 1 for share in [*exact.values(), *generic.values()])
    assert index.shares("zzzz qqqq") == {} and KeywordIndex().shares("mochi") == {}


def test_paraphrased_set_avoids_the_cards_words_and_keeps_a_held_out_part(library):
    requests = load_requests(PARAPHRASED)
    assert len(requests) >= 100 and len({r.query for r in requests}) == len(requests)
    for request in requests:
        cards = [library.card(card_id) for card_id in request.relevant]
        card_words = set()
        for card in cards:
            example = card.example.request if card.example else ""
            tasks = " ".join(task.value for task in card.tasks)
            text = f"{card.title} {' '.join(card.tags)} {tasks} {card.id.replace('_', ' ')} {example}"
            card_words |= set(tokenize(text))
        shared = set(tokenize(request.query)) & card_words
        assert not shared, f"{request.query!r} uses the words {sorted(shared)} of its cards"
        parity = int(hashlib.sha256(request.query.encode()).hexdigest(), 16) % 2
        assert request.split == ("held_out" if parity else "tuning")
    held_out = [r for r in requests if r.split == "held_out"]
    assert 40 <= len(held_out) <= len(requests) - 40


@pytest.mark.parametrize(
    "requests",
    [
        pytest.param(lambda: load_requests(PARAPHRASED, "held_out"), id="paraphrased-held-out"),
        pytest.param(lambda: load_requests(PARAPHRASED, "tuning"), id="paraphrased-tuning"),
        pytest.param(lambda: load_requests(DATA / "search_quality.json"), id="cards-own-words"),
    ],
)
def test_hybrid_is_never_worse_than_either_half(searcher, requests):
    requests = requests()
    hybrid = evaluate(searcher, requests)
    for ranking in ("semantic", "keyword"):
        half = evaluate(searcher, requests, ranking)
        assert hybrid.recall_at_5 >= half.recall_at_5, (ranking, hybrid, half)
