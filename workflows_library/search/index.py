"""The persistent vector index: one Chroma collection, rebuilt incrementally from content hashes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from workflows_library.cards import WorkflowCard
from workflows_library.search.documents import content_hash, embedding_text
from workflows_library.search.embedder import MiniLMEmbedding

COLLECTION = "workflows"
_UNKNOWN_VRAM = -1.0  # Chroma metadata cannot hold None


class SyncReport(BaseModel):
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


class VectorIndex:
    """Card vectors in `<path>` (Chroma, telemetry off, always OUR embedding function)."""

    def __init__(self, path: Path, embedder: MiniLMEmbedding) -> None:
        import chromadb
        from chromadb.config import Settings

        path.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self._client = chromadb.PersistentClient(
            path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=False)
        )
        self._collection = self._client.get_or_create_collection(
            name=COLLECTION,
            embedding_function=embedder,  # never Chroma's default, which would download a model
            configuration={"hnsw": {"space": "cosine"}},
        )
        self._refresh_count()

    def count(self) -> int:
        return self._collection.count()

    def _refresh_count(self) -> None:
        self._count = self.count()

    def stored_hashes(self) -> dict[str, str]:
        stored = self._collection.get(include=["metadatas"])
        return {
            doc_id: str((meta or {}).get("hash", ""))
            for doc_id, meta in zip(stored["ids"], stored["metadatas"] or [])
        }

    def sync(self, cards: Iterable[WorkflowCard], batch_size: int = 256) -> SyncReport:
        """Embed only new or changed cards; drop vectors of cards that are gone."""
        stored = self.stored_hashes()
        identity = self.embedder.identity()
        report = SyncReport()
        pending: list[tuple[str, str, dict[str, Any]]] = []
        seen = set()
        for card in cards:
            seen.add(card.id)
            digest = content_hash(card, identity)
            if stored.get(card.id) == digest:
                report.unchanged += 1
                continue
            if card.id in stored:
                report.updated += 1
            else:
                report.added += 1
            metadata = {
                "hash": digest,
                "category": card.category.value,
                "vram_gb": card.estimates.vram_gb if card.estimates.vram_gb is not None else _UNKNOWN_VRAM,
                "source": card.source,
            }
            pending.append((card.id, embedding_text(card), metadata))
        for start in range(0, len(pending), batch_size):
            chunk = pending[start : start + batch_size]
            self._collection.upsert(
                ids=[c[0] for c in chunk], documents=[c[1] for c in chunk], metadatas=[c[2] for c in chunk]
            )
        gone = sorted(set(stored) - seen)
        if gone:
            self._collection.delete(ids=gone)
        report.removed = len(gone)
        self._refresh_count()
        return report

    def query(
        self, text: str, n_results: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """(id, cosine similarity) best first."""
        total = self._count  # cached: a count() round trip costs as much as the query
        if total == 0:
            return []
        result = self._collection.query(
            query_embeddings=[self.embedder.embed_one(text)],
            n_results=min(n_results, total),
            where=where or None,
            include=["distances"],
        )
        return [(doc_id, 1.0 - float(dist)) for doc_id, dist in zip(result["ids"][0], result["distances"][0])]
