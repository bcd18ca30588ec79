"""How a writing agent uses its brain: the hard caps first, then a draft validated against the artefact's schema
(a failed or invalid call is retried with backoff), then the deterministic checks and the model critic, revising
at most the template's `max_revisions` rounds. Whatever happens, the update records the calls in the ledger; a
failure is kept in `failures`, so the run stops at the agent's gate with a clear message and nothing is lost."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from agents import checks
from agents.artefacts import MODELS, ArtefactError, parse_artefact
from agents.brains import Brain, BrainError, BrainReply, BrainRequest, Usage
from agents.state import LedgerEntry, ProductionState


@dataclass(frozen=True)
class RunSettings:
    attempts: int = 3  # tries per model call before the failure stops at a gate
    backoff_s: float = 1.0  # first wait; doubles each retry
    max_backoff_s: float = 20.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)


def totals(entries: list[LedgerEntry]) -> dict[str, float]:
    return {
        "calls": sum(e["calls"] for e in entries),
        "tokens": sum(e["input_tokens"] + e["output_tokens"] for e in entries),
        "cost": round(sum(e["cost"] for e in entries), 6),
        "gpu_minutes": round(sum(e["gpu_minutes"] for e in entries), 2),
    }


def cap_exceeded(state: ProductionState) -> str | None:
    caps, spent = state.get("caps") or {}, totals(state.get("ledger") or [])
    limits = {"cost": caps.get("cost"), "tokens": caps.get("tokens"), "gpu_minutes": caps.get("gpu_minutes")}
    for key, label in (("cost", "cost (USD)"), ("tokens", "tokens"), ("gpu_minutes", "GPU-minutes")):
        limit = limits[key]
        if limit is not None and spent[key] >= limit:
            return f"hard cap reached: {label} spent {spent[key]:g} of {limit:g}; `kijkocut produce caps` raises it, then reject to retry"
    return None


class _Meter:
    def __init__(self, agent: str):
        self.entry: LedgerEntry = {
            "agent": agent,
            "calls": 0,
            "input_tokens": 0,
            "output_tokens": 0,
            "cost": 0.0,
            "gpu_minutes": 0.0,
        }

    def add(self, usage: Usage) -> None:
        self.entry["calls"] += 1
        self.entry["input_tokens"] += usage.input_tokens
        self.entry["output_tokens"] += usage.output_tokens
        self.entry["cost"] = round(self.entry["cost"] + usage.cost, 8)


def notes_accounted(records: list[dict[str, Any]], asked: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The draft's record of the reviewer's notes, with every note the brain did not account for added as open:
    a note is never dropped silently, whatever the brain."""
    seen = {record["note"] for record in records}
    missing = [
        r["message"] for r in asked if r.get("type") in ("reject", "respond") and r["message"] not in seen
    ]
    first = 1 + max((int(record.get("index", 0)) for record in records), default=-1)
    return records + [
        {
            "note": note[:2000],
            "index": first + offset,
            "part": note[:2000],
            "applied": False,
            "effect": "the model did not say whether it applied this note: check the draft",
        }
        for offset, note in enumerate(missing)
    ]


def _call(
    ask: Callable[[], BrainReply],
    accept: Callable[[Any], Any],
    meter: _Meter,
    settings: RunSettings,
    what: str,
) -> Any:
    """One model call, retried with exponential backoff on failure or output that does not validate."""
    wait, last = settings.backoff_s, ""
    for attempt in range(1, settings.attempts + 1):
        try:
            reply = ask()
            meter.add(reply.usage)
            return accept(reply.data)
        except BrainError as error:
            meter.entry["calls"] += 1
            last = f"the model call failed ({error})"
        except (ArtefactError, TypeError, ValueError) as error:
            last = f"the model's output is not a valid {what} ({error})"
        if attempt < settings.attempts:
            settings.sleep(min(wait, settings.max_backoff_s))
            wait *= 2
    raise BrainError(f"{what}: {last}, {settings.attempts} attempts")


def _critic_problems(data: Any) -> list[checks.Problem]:
    if not isinstance(data, dict) or not isinstance(data.get("problems"), list):
        raise ValueError("a critique is {'problems': [{'message', 'blocking'}]}")
    return [
        {"check": "critic", "message": str(p["message"])[:500], "blocking": bool(p.get("blocking"))}
        for p in data["problems"]
        if isinstance(p, dict) and p.get("message")
    ]


def write_artefact(
    state: ProductionState,
    brain: Brain,
    settings: RunSettings,
    agent: str,
    kind: str,
    context: Mapping[str, Any],
) -> dict[str, Any]:
    """The agent's state update: its artefact (a new version), its ledger entry, a log line, or a failure."""
    meter = _Meter(agent)
    failures = {k: v for k, v in (state.get("failures") or {}).items() if k != agent}
    requests = dict(state.get("requests") or {})
    stop = cap_exceeded(state)
    if stop:
        return {"failures": {**failures, agent: stop}, "ledger": [meter.entry], "log": [f"{agent}: {stop}"]}
    template = state["template"]
    values: Mapping[str, Any] = state  # the artefact is named by `kind`, a string known only at run time
    previous = values.get(kind)
    base = {
        "production_id": state.get("production_id", ""),
        "brief": state.get("brief", ""),
        "template": template,
        "requests": requests.get(agent, []),
        "previous": previous,
        **context,
    }
    model = MODELS[kind]
    upstream = {k: values.get(k) for k in MODELS if k != kind}
    try:
        for round_ in range(int(template.get("max_revisions", 1)) + 1):
            request = BrainRequest(agent, kind, base)
            artefact = _call(
                partial(brain.draft, request, model),
                lambda data: parse_artefact(kind, data),
                meter,
                settings,
                kind,
            )
            draft = artefact.model_dump(mode="json")
            problems = checks.check(kind, {**upstream, kind: draft}, template)
            critique = BrainRequest("critic", kind, {**base, "draft": draft, "problems": problems})
            remarks = _call(partial(brain.critique, critique), _critic_problems, meter, settings, "critique")
            found = checks.blocking(problems + remarks)
            if not found or round_ == int(template.get("max_revisions", 1)):
                break
            base = {  # the reviewer's notes stay, the critic's remarks on top; `previous` stays the stored version
                **base,
                "draft": draft,
                "requests": [
                    *requests.get(agent, []),
                    *({"type": "critique", "message": p["message"]} for p in found),
                ],
            }
    except BrainError as error:
        message = f"{agent} could not write the {kind}: {error}"
        return {"failures": {**failures, agent: message}, "ledger": [meter.entry], "log": [message]}
    version = int((previous or {}).get("version", 0)) + 1
    draft.update(id=f"{state.get('production_id', '')}/{kind}", version=version)
    draft["review_notes"] = notes_accounted(draft.get("review_notes") or [], requests.get(agent, []))
    requests[agent] = []
    return {
        kind: draft,
        # What the critic still holds against the final draft: shown at the gate as advice (a person decides).
        "critique": {**(state.get("critique") or {}), kind: remarks},
        "failures": failures,
        "requests": requests,
        "ledger": [meter.entry],
        "log": [
            f"{agent}: {kind} v{version} ({meter.entry['calls']} model calls, {len(found)} blocking problems)"
        ],
    }
