"""Ranking quality over labelled requests (recall@5, MRR): what the quality benchmark reports and the
search tests assert, computed one way for both."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from workflows_library.search.hybrid import HybridSearcher, Ranking

TOP_K = 5


class LabelledRequest(BaseModel):
    query: str
    relevant: list[str]  # any of these ids answers the request
    split: str | None = None  # 'tuning' or 'held_out' in the paraphrased set


class Quality(BaseModel):
    requests: int
    recall_at_5: float
    mrr: float  # over the top 10; a request with no relevant hit there counts 0
    misses: list[str]  # requests without a relevant workflow in the top 5, with what came first


def load_requests(path: Path, split: str | None = None) -> list[LabelledRequest]:
    requests = [LabelledRequest.model_validate(item) for item in json.loads(path.read_text())["queries"]]
    return [r for r in requests if split is None or r.split == split]


def evaluate(
    searcher: HybridSearcher, requests: Iterable[LabelledRequest], ranking: Ranking = "hybrid"
) -> Quality:
    found, reciprocal, misses, count = 0, 0.0, [], 0
    for request in requests:
        count += 1
        ranked = [hit.id for hit in searcher.search(request.query, limit=10, ranking=ranking)]
        rank = next((i for i, hit in enumerate(ranked, 1) if hit in request.relevant), None)
        found += rank is not None and rank <= TOP_K
        reciprocal += 1 / rank if rank else 0.0
        if rank is None or rank > TOP_K:
            misses.append(f"{request.query!r} -> {ranked[:3]}")
    if not count:
        raise ValueError("no labelled requests to evaluate")
    return Quality(requests=count, recall_at_5=found / count, mrr=reciprocal / count, misses=misses)
