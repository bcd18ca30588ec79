"""Search quality on the labelled requests: recall@5 and MRR, for the hybrid ranking and its two halves,
over the curated library alone and with ComfyUI's official templates mixed in.

    python benchmarks/search_quality.py [--backend auto|onnx|torch]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import workflows_library.search.hybrid as hybrid  # noqa: E402
from workflows_library.loader import Library, load_library  # noqa: E402
from workflows_library.search.embedder import MiniLMEmbedding  # noqa: E402
from workflows_library.search.index import VectorIndex  # noqa: E402
from workflows_library.templates import load_templates  # noqa: E402

LABELLED = json.loads((ROOT / "tests/workflows_library/data/search_quality.json").read_text())["queries"]


def evaluate(searcher: hybrid.HybridSearcher) -> tuple[float, float, list[str]]:
    recall, reciprocal, misses = 0, 0.0, []
    for item in LABELLED:
        ranked = [hit.id for hit in searcher.search(item["query"], limit=10)]
        relevant = set(item["relevant"])
        recall += any(h in relevant for h in ranked[:5])
        rank = next((i for i, h in enumerate(ranked, 1) if h in relevant), None)
        reciprocal += 1 / rank if rank else 0.0
        if rank is None or rank > 5:
            misses.append(f"{item['query']!r} -> {ranked[:3]}")
    return recall / len(LABELLED), reciprocal / len(LABELLED), misses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto")
    embedder = MiniLMEmbedding(backend=parser.parse_args().backend)
    curated = load_library()
    with_templates = Library()
    with_templates.extend(curated)
    with_templates.extend(load_templates())
    rows, all_misses = [], []
    weights = {
        "hybrid": (hybrid.SEMANTIC_WEIGHT, hybrid.KEYWORD_WEIGHT),
        "semantic only": (1.0, 0.0),
        "keyword only": (0.0, 1.0),
    }
    for corpus_name, library in (("curated", curated), ("curated + templates", with_templates)):
        with tempfile.TemporaryDirectory() as folder:
            index = VectorIndex(Path(folder), embedder)
            index.sync(library)
            searcher = hybrid.HybridSearcher(library, index, library.node_types)
            for mode, (semantic, keyword) in weights.items():
                hybrid.SEMANTIC_WEIGHT, hybrid.KEYWORD_WEIGHT = semantic, keyword
                recall, mrr, misses = evaluate(searcher)
                rows.append((corpus_name, len(library), mode, recall, mrr))
                if mode == "hybrid":
                    all_misses += [f"[{corpus_name}] {m}" for m in misses]
            hybrid.SEMANTIC_WEIGHT, hybrid.KEYWORD_WEIGHT = weights["hybrid"]
    print(f"{len(LABELLED)} labelled requests (tests/workflows_library/data/search_quality.json)")
    print(f"embedder: {embedder.backend} ({embedder.identity()})\n")
    print(f"| {'corpus':<20} | {'cards':>5} | {'ranking':<13} | {'recall@5':>8} | {'MRR':>6} |")
    print(f"|{'-' * 22}|{'-' * 7}|{'-' * 15}|{'-' * 10}|{'-' * 8}|")
    for corpus_name, size, mode, recall, mrr in rows:
        print(f"| {corpus_name:<20} | {size:>5} | {mode:<13} | {recall:>8.3f} | {mrr:>6.3f} |")
    if all_misses:
        print("\nnot in the top 5 (hybrid):")
        print("\n".join(f"  {m}" for m in all_misses))


if __name__ == "__main__":
    main()
