"""Hybrid search: semantic similarity and keyword evidence fused by score, filtered, and explained.

The halves are fused by score, not by rank: rank fusion gave the best keyword match a full vote even when it
matched only generic words ('clip', 'video', 'picture'), which pulled the pack's editing cards above the
semantic half's answer to requests in other words than the cards'. Here the keyword half votes with its
shares (the part of the query's words a card matches, each word weighed by its rarity squared, see
`keyword.py`: a short request such as 'turn my clip upside down' is otherwise a quarter 'clip'), scaled by
its confidence: how much of the query its best card matches. Below `Fusion.keyword_floor` it does not vote,
so a paraphrase ranks as the semantic half ranks it; at `Fusion.keyword_full` and above it votes fully, so
names and exact terms ('mochi', 'sdxl') count. Measured in benchmarks/search_quality.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import BaseModel, Field

from workflows_library.capabilities import ServerCapabilities, missing_on
from workflows_library.cards import Category, InputType, Task, WorkflowCard
from workflows_library.search.documents import keyword_fields
from workflows_library.search.index import VectorIndex
from workflows_library.search.keyword import KeywordIndex

# 'semantic' and 'keyword' rank by one half alone: for measuring each half against the fusion.
Ranking = Literal["hybrid", "semantic", "keyword"]


class Fusion(BaseModel, frozen=True):
    """Weights of the score fusion (tuned on the tuning split of tests/workflows_library/data/
    search_paraphrased.json and the labelled set, never on the held-out split)."""

    semantic_weight: float = Field(1.0, ge=0, description="multiplies the cosine similarity")
    keyword_weight: float = Field(2.0, ge=0, description="multiplies a keyword share at full confidence")
    keyword_floor: float = Field(0.05, ge=0, le=1, description="best share below which keywords do not vote")
    keyword_full: float = Field(0.2, ge=0, le=1, description="best share from which keywords vote fully")
    rarity_power: float = Field(
        2.0, ge=1, description="a query word's weight in a share: its idf to this power"
    )


DEFAULT_FUSION = Fusion()


def keyword_confidence(best_share: float, fusion: Fusion) -> float:
    """0 below the floor, 1 from `keyword_full`, linear between."""
    if best_share >= fusion.keyword_full:
        return 1.0
    span = fusion.keyword_full - fusion.keyword_floor
    return max(0.0, (best_share - fusion.keyword_floor) / span) if span > 0 else 0.0


def fuse(
    semantic: list[tuple[str, float]], keyword_shares: dict[str, float], fusion: Fusion = DEFAULT_FUSION
) -> dict[str, float]:
    """Card id -> fused score, from (id, cosine) best first and keyword shares."""
    fused = {doc_id: fusion.semantic_weight * similarity for doc_id, similarity in semantic}
    if keyword_shares:
        weight = fusion.keyword_weight * keyword_confidence(max(keyword_shares.values()), fusion)
        if weight:
            for doc_id, share in keyword_shares.items():
                fused[doc_id] = fused.get(doc_id, 0.0) + weight * share
    return fused


class SearchFilters(BaseModel):
    category: Category | None = None
    task: Task | None = None
    max_vram_gb: float | None = Field(None, ge=0)
    runnable_only: bool = Field(False, description="only workflows whose nodes and models the server has")
    source: str | None = Field(None, description="'library' or 'template'")


class InputSummary(BaseModel):
    name: str
    type: InputType
    description: str


class SearchHit(BaseModel):
    id: str
    title: str
    description: str
    category: Category
    tasks: list[Task]
    source: str
    score: float
    semantic_similarity: float | None = None
    matched_fields: list[str] = Field(description="card fields the query words matched, plus 'meaning'")
    inputs_needed: list[InputSummary]
    vram_gb: float | None = None
    runnable: bool | None = Field(None, description="None when no server was consulted")
    models_missing: list[str] = []
    nodes_missing: list[str] = []


class HybridSearcher:
    def __init__(
        self,
        cards: Iterable[WorkflowCard],
        vectors: VectorIndex,
        node_types: Callable[[str], list[str]] = lambda _id: [],
        fusion: Fusion = DEFAULT_FUSION,
    ) -> None:
        self.cards = {card.id: card for card in cards}
        self.vectors = vectors
        self.keywords = KeywordIndex.build({card.id: keyword_fields(card) for card in self.cards.values()})
        self.fusion = fusion
        self._node_types = node_types

    def _passes(self, card: WorkflowCard, filters: SearchFilters) -> bool:
        if filters.category and card.category is not filters.category:
            return False
        if filters.task and filters.task not in card.tasks:
            return False
        if filters.source and card.source != filters.source:
            return False
        vram = card.estimates.vram_gb
        return not (filters.max_vram_gb is not None and vram is not None and vram > filters.max_vram_gb)

    def search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        limit: int = 5,
        server: ServerCapabilities | None = None,
        ranking: Ranking = "hybrid",
    ) -> list[SearchHit]:
        filters = filters or SearchFilters()
        if filters.runnable_only and server is None:
            raise ValueError("runnable_only needs the capabilities of a server")
        where = {"category": filters.category.value} if filters.category else None
        depth = max(60, limit * 12)
        semantic = self.vectors.query(query, depth, where) if query.strip() else []
        keyword = self.keywords.shares(query, self.fusion.rarity_power if ranking == "hybrid" else 1.0)

        if not query.strip():  # browsing by filters alone
            fused = dict.fromkeys(self.cards, 0.0)
        elif ranking == "semantic":
            fused = dict(semantic)
        elif ranking == "keyword":
            fused = dict(keyword)
        else:
            fused = fuse(semantic, keyword, self.fusion)
        similarity = dict(semantic)

        hits: list[SearchHit] = []
        for doc_id, score in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0])):
            card = self.cards.get(doc_id)
            if card is None or not self._passes(card, filters):
                continue
            missing = missing_on(card, self._node_types(card.id), server) if server else None
            if filters.runnable_only and missing and not missing.nothing:
                continue
            matched = list(self.keywords.matched_fields(query, doc_id)) if doc_id in keyword else []
            if doc_id in similarity and similarity[doc_id] >= 0.35:
                matched.append("meaning")
            hits.append(
                SearchHit(
                    id=card.id,
                    title=card.title,
                    description=card.description,
                    category=card.category,
                    tasks=card.tasks,
                    source=card.source,
                    score=round(score, 6),
                    semantic_similarity=round(similarity[doc_id], 4) if doc_id in similarity else None,
                    matched_fields=matched,
                    inputs_needed=[
                        InputSummary(name=s.name, type=s.type, description=s.description)
                        for s in card.inputs
                        if s.needs_value
                    ],
                    vram_gb=card.estimates.vram_gb,
                    runnable=missing.nothing if missing else None,
                    models_missing=missing.models if missing else [],
                    nodes_missing=missing.node_types if missing else [],
                )
            )
            if len(hits) >= limit:
                break
        return hits
