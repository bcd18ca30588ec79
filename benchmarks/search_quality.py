"""Search quality: recall@5 and MRR of the hybrid ranking and of each half alone, on the labelled requests
(tests/workflows_library/data/search_quality.json, the cards' own words) and on the paraphrased ones
(search_paraphrased.json: no word of the relevant cards), whose tuning and held-out splits are reported
apart; over the curated library alone and with ComfyUI's official templates mixed in.

    python benchmarks/search_quality.py [--backend auto|onnx|torch] [--misses]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workflows_library.loader import Library, load_library  # noqa: E402
from workflows_library.search.embedder import MiniLMEmbedding  # noqa: E402
from workflows_library.search.hybrid import HybridSearcher, Ranking  # noqa: E402
from workflows_library.search.index import VectorIndex  # noqa: E402
from workflows_library.search.quality import LabelledRequest, evaluate, load_requests  # noqa: E402
from workflows_library.templates import load_templates  # noqa: E402

DATA = ROOT / "tests/workflows_library/data"
RANKINGS: tuple[Ranking, ...] = ("keyword", "semantic", "hybrid")


def request_sets() -> dict[str, list[LabelledRequest]]:
    return {
        "labelled": load_requests(DATA / "search_quality.json"),
        "paraphrased: tuning": load_requests(DATA / "search_paraphrased.json", "tuning"),
        "paraphrased: held-out": load_requests(DATA / "search_paraphrased.json", "held_out"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto")
    parser.add_argument("--misses", action="store_true", help="list the hybrid ranking's misses")
    args = parser.parse_args()
    embedder = MiniLMEmbedding(backend=args.backend)
    curated = load_library()
    with_templates = Library()
    with_templates.extend(curated)
    with_templates.extend(load_templates())
    sets = request_sets()
    rows, all_misses = [], []
    for corpus_name, library in (("curated", curated), ("curated + templates", with_templates)):
        with tempfile.TemporaryDirectory() as folder:
            index = VectorIndex(Path(folder), embedder)
            index.sync(library)
            searcher = HybridSearcher(library, index, library.node_types)
            for set_name, requests in sets.items():
                for ranking in RANKINGS:
                    quality = evaluate(searcher, requests, ranking)
                    rows.append((corpus_name, len(library), set_name, len(requests), ranking, quality))
                    if ranking == "hybrid":
                        all_misses += [f"[{corpus_name} / {set_name}] {m}" for m in quality.misses]
    print(f"embedder: {embedder.backend} ({embedder.identity()})\n")
    header = (
        f"| {'corpus':<19} | {'cards':>5} | {'requests':<21} | {'n':>3} | {'ranking':<8} | recall@5 | MRR   |"
    )
    print(header)
    print("|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|")
    for corpus_name, size, set_name, count, ranking, quality in rows:
        print(
            f"| {corpus_name:<19} | {size:>5} | {set_name:<21} | {count:>3} | {ranking:<8} "
            f"| {quality.recall_at_5:>8.3f} | {quality.mrr:.3f} |"
        )
    if args.misses and all_misses:
        print("\nnot in the top 5 (hybrid):")
        print("\n".join(f"  {m}" for m in all_misses))


if __name__ == "__main__":
    main()
