"""The production's state: one schema for the whole graph. Artefacts are kept as their JSON (plain dicts), so
checkpoints stay small and readable by any saver's serializer; the ledger grows by appending."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class LedgerEntry(TypedDict):
    agent: str
    calls: int
    input_tokens: int
    output_tokens: int
    cost: float  # estimated, in the currency of the price table (USD)
    gpu_minutes: float


class Caps(TypedDict, total=False):
    cost: float  # the most the model calls may cost (USD)
    tokens: int
    gpu_minutes: float


class ProductionState(TypedDict, total=False):
    production_id: str
    template: dict[str, Any]  # the Template, as JSON: a run keeps the template it started with
    brief: str
    caps: Caps
    vrd: dict[str, Any] | None
    script: dict[str, Any] | None
    shot_list: dict[str, Any] | None
    budget: dict[str, Any] | None
    approved: dict[str, int]  # artefact kind -> the version a person (or the template) approved
    # agent -> what the reviewer asked for: {"type": "reject" | "respond", "message": ...}, consumed on revision
    requests: dict[str, list[dict[str, str]]]
    critique: dict[str, list[dict[str, Any]]]  # artefact kind -> the critic's remaining remarks
    failures: dict[str, str]  # agent -> why it could not produce its artefact (stops at its gate)
    ledger: Annotated[list[LedgerEntry], operator.add]
    log: Annotated[list[str], operator.add]  # one line per step, for history and progress
