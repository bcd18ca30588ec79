"""Hybrid search: semantic and keyword rankings fused by reciprocal rank, filtered, and explained."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field

from workflows_library.capabilities import ServerCapabilities, missing_on
from workflows_library.cards import Category, InputType, Task, WorkflowCard
from workflows_library.search.documents import keyword_fields
from workflows_library.search.index import VectorIndex
from workflows_library.search.keyword import KeywordIndex

RRF_K = 20
SEMANTIC_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0


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
    ) -> None:
        self.cards = {card.id: card for card in cards}
        self.vectors = vectors
        self.keywords = KeywordIndex.build({card.id: keyword_fields(card) for card in self.cards.values()})
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
    ) -> list[SearchHit]:
        filters = filters or SearchFilters()
        if filters.runnable_only and server is None:
            raise ValueError("runnable_only needs the capabilities of a server")
        where = {"category": filters.category.value} if filters.category else None
        depth = max(60, limit * 12)
        semantic = self.vectors.query(query, depth, where) if query.strip() else []
        keyword = self.keywords.scores(query)

        fused: dict[str, float] = {}
        for rank, (doc_id, _) in enumerate(semantic):
            fused[doc_id] = fused.get(doc_id, 0.0) + SEMANTIC_WEIGHT / (RRF_K + rank + 1)
        # reverse=True keeps equal scores in insertion order, like sorting by the negated score
        for rank, doc_id in enumerate(sorted(keyword, key=keyword.__getitem__, reverse=True)):
            fused[doc_id] = fused.get(doc_id, 0.0) + KEYWORD_WEIGHT / (RRF_K + rank + 1)
        if not query.strip():  # browsing by filters alone
            fused = dict.fromkeys(self.cards, 0.0)
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
