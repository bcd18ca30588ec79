"""What the model-backed brains are told: one system prompt per agent and the request built from the state.
The offline brain follows the same roles with rules (agents/offline.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from agents.brains import BrainRequest

SYSTEMS = {
    "vrd": (
        "You are a producer at a video agency. Turn the client's brief into a video requirements document: "
        "purpose, audience, measurable KPIs, one core message, a call to action, channel, format, aspect "
        "ratios, length, deliverables, deadline, budget range, mandatories and references. Keep the brief's "
        "facts; where it is silent, choose sensibly and add a question for the client."
    ),
    "scriptsmith": (
        "You are a commercial scriptwriter. Write the script scene by scene following the template's beats. "
        "Every line has a planned duration; spoken lines must fit at about 2.5 words per second; the scenes "
        "add up to the requested length. Write in the brief's language."
    ),
    "shotmaster": (
        "You are a director of photography planning an AI-assisted shoot. Break every scene into shots "
        "(numbered 1A, 1B, ...) whose durations add up to the scene, with size, angle, movement and lens, and "
        "for generated shots an English prompt, a negative prompt, a seed, first- and last-frame descriptions "
        "and the id of a workflow card from the list given that can make it."
    ),
    "critic": (
        "You review a draft for a production. List only real problems (facts that contradict the brief, "
        "missing mandatories, lines that will not fit, unclear shots), each with whether it must be fixed "
        'before approval. Answer with JSON: {"problems": [{"message": str, "blocking": bool}]}.'
    ),
}


def system_prompt(agent: str) -> str:
    return SYSTEMS[agent]


def _context_json(context: Any) -> str:
    return json.dumps(dict(context), ensure_ascii=False, indent=1, default=str)


def draft_prompt(request: BrainRequest, schema: type[BaseModel]) -> str:
    notes = request.context.get("requests") or []
    return "\n\n".join(
        part
        for part in (
            f"Write the {request.kind} for this production.",
            "Reviewer notes to address:\n"
            + "\n".join(f"- {n['message']}" for n in notes)
            + "\nRecord each note in review_notes (note: the note as written, part: the part you acted on, "
            "applied: whether you could, effect: what changed or why not)."
            if notes
            else "",
            "Context (JSON):\n" + _context_json(request.context),
            "Answer with one JSON object that validates against this JSON Schema, nothing else:\n"
            + json.dumps(schema.model_json_schema()),
        )
        if part
    )


def critique_prompt(request: BrainRequest) -> str:
    return f"Critique this {request.kind}.\n\nContext (JSON):\n" + _context_json(request.context)
