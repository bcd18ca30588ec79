"""What of a card is searched: the text that is embedded, the weighted keyword fields, a content hash."""

from __future__ import annotations

import hashlib

from workflows_library.cards import WorkflowCard

# Bump when the embedded text changes shape, so every stored vector is rebuilt.
DOCUMENT_VERSION = 1


def embedding_text(card: WorkflowCard) -> str:
    tasks = ", ".join(task.value.replace("-", " ") for task in card.tasks)
    example = f" For example: {card.example.request}." if card.example else ""
    return f"{card.title}. {card.description} Tasks: {tasks}. Tags: {', '.join(card.tags)}.{example}"


def keyword_fields(card: WorkflowCard) -> dict[str, str]:
    return {
        "title": card.title,
        "tasks": " ".join(task.value for task in card.tasks),
        "tags": " ".join(card.tags),
        "category": card.category.value,
        "description": card.description + (f" {card.example.request}" if card.example else ""),
        "inputs": " ".join(f"{spec.name} {spec.description}" for spec in card.inputs),
        "models": " ".join(model.filename for model in card.models),
        "id": card.id.replace("_", " "),
    }


def content_hash(card: WorkflowCard, embedder_identity: str) -> str:
    """Changes whenever the stored vector or its metadata would: the unit of incremental rebuilds."""
    payload = f"{DOCUMENT_VERSION}\n{embedder_identity}\n{embedding_text(card)}\n{card.category.value}\n{card.estimates.vram_gb}"
    return hashlib.sha256(payload.encode()).hexdigest()[:32]
