"""Deterministic critique, run before any model critic and again at every gate: durations add up, spoken lines
fit at a natural reading speed, every scene is covered by shots, every generated shot has a runnable workflow,
the budget stays within its cap. A blocking problem makes approval impossible."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from agents import catalog
from agents.artefacts import SPOKEN, VRD, Budget, Script, ShotList

READING_SPEED = 2.5  # words per second: above it a warning, above BLOCKING_SPEED a blocking problem
BLOCKING_SPEED = 3.0
LENGTH_TOLERANCE = 0.05  # the script's total may differ from the VRD's length by 5 % (at least 1 s)


class Problem(TypedDict):
    check: str
    message: str
    blocking: bool


def _p(check: str, message: str, blocking: bool = True) -> Problem:
    return {"check": check, "message": message, "blocking": blocking}


def check_vrd(vrd: VRD, template: Mapping[str, Any]) -> list[Problem]:
    problems = []
    lengths = template["length_s"]
    if not lengths["min"] <= vrd.length_s <= lengths["max"]:
        problems.append(
            _p(
                "length",
                f"length {vrd.length_s:g} s is outside the template's {lengths['min']:g}-{lengths['max']:g} s",
            )
        )
    for deliverable in vrd.deliverables:
        if deliverable.aspect_ratio not in vrd.aspect_ratios:
            problems.append(
                _p(
                    "deliverables",
                    f"deliverable {deliverable.name!r} is {deliverable.aspect_ratio}, not a planned ratio",
                )
            )
    if vrd.budget_range and vrd.budget_range.low > vrd.budget_range.high:
        problems.append(_p("budget", "the budget range's low end is above its high end"))
    problems += [_p("question", q, blocking=False) for q in vrd.questions]
    return problems


def check_script(script: Script, vrd: VRD) -> list[Problem]:
    problems = []
    numbers = [scene.number for scene in script.scenes]
    if len(set(numbers)) != len(numbers):
        problems.append(_p("scenes", "scene numbers repeat"))
    tolerance = max(1.0, vrd.length_s * LENGTH_TOLERANCE)
    if abs(script.duration_s - vrd.length_s) > tolerance:
        problems.append(
            _p(
                "duration",
                f"the scenes add up to {script.duration_s:g} s; the VRD asks for {vrd.length_s:g} s",
            )
        )
    for scene in script.scenes:
        spoken = [line for line in scene.lines if line.kind in SPOKEN]
        talk = sum(line.duration_s for line in spoken)
        if talk > scene.duration_s + 1e-6:
            problems.append(
                _p(
                    "duration",
                    f"scene {scene.number}: {talk:g} s of speech in a {scene.duration_s:g} s scene",
                )
            )
        for line in scene.lines:
            if line.duration_s > scene.duration_s + 1e-6 and scene.number != 1:
                problems.append(
                    _p(
                        "duration",
                        f"scene {scene.number}: a {line.kind} line runs past the scene's end",
                        False,
                    )
                )
        for line in spoken:
            speed = line.words / line.duration_s if line.duration_s else float("inf")
            if speed > READING_SPEED:
                problems.append(
                    _p(
                        "reading speed",
                        f"scene {scene.number}: {line.words} words in {line.duration_s:g} s "
                        f"({speed:.1f} words/s; natural is {READING_SPEED:g})",
                        blocking=speed > BLOCKING_SPEED,
                    )
                )
    if script.language != vrd.language:
        problems.append(
            _p("language", f"the script is in {script.language}, the VRD in {vrd.language}", False)
        )
    problems += [_p("question", q, blocking=False) for q in script.questions]
    return problems


def check_shot_list(shot_list: ShotList, script: Script) -> list[Problem]:
    problems = []
    scenes = {scene.number: scene for scene in script.scenes}
    known = catalog.card_ids()
    for number, scene in scenes.items():
        shots = [shot for shot in shot_list.shots if shot.scene == number]
        if not shots:
            problems.append(_p("coverage", f"scene {number} has no shots"))
            continue
        total = round(sum(shot.duration_s for shot in shots), 3)
        if abs(total - scene.duration_s) > 0.1:
            problems.append(
                _p(
                    "duration",
                    f"scene {number}: its shots add up to {total:g} s, the scene is {scene.duration_s:g} s",
                )
            )
    for shot in shot_list.shots:
        if shot.scene not in scenes:
            problems.append(
                _p("coverage", f"shot {shot.number} belongs to scene {shot.scene}, which the script lacks")
            )
        if not shot.number.startswith(str(shot.scene)) or not shot.number[len(str(shot.scene)) :].isalpha():
            problems.append(
                _p("numbering", f"shot {shot.number} is numbered outside its scene {shot.scene}", False)
            )
        if shot.source != "generated":
            continue
        if not shot.prompt.strip():
            problems.append(_p("prompt", f"shot {shot.number} is generated but has no prompt"))
        task = catalog.task_for(shot.model_dump())
        if not shot.workflow_id:
            problems.append(_p("workflow", f"shot {shot.number} has no workflow to generate it with"))
        elif shot.workflow_id not in known:
            problems.append(
                _p("workflow", f"shot {shot.number}: no workflow card {shot.workflow_id!r} in the library")
            )
        elif shot.workflow_id not in {c["id"] for c in catalog.cards_for(task)}:
            problems.append(
                _p("workflow", f"shot {shot.number}: workflow {shot.workflow_id!r} cannot do {task}")
            )
    problems += [_p("question", q, blocking=False) for q in shot_list.questions]
    return problems


def check_budget(budget: Budget) -> list[Problem]:
    problems = []
    lines = round(sum(line.amount for line in budget.top_sheet), 2)
    if abs(lines - budget.subtotal) > 0.01 or abs(budget.subtotal + budget.contingency - budget.total) > 0.01:
        problems.append(_p("totals", "the top sheet's lines, subtotal, contingency and total do not add up"))
    compute = round(sum(line.cost for line in budget.compute), 2)
    if budget.compute_cap is not None and compute > budget.compute_cap + 0.01:
        problems.append(_p("cap", f"compute costs {compute:,.2f}, over the cap of {budget.compute_cap:,.2f}"))
    problems += [_p("question", q, blocking=False) for q in budget.questions]
    return problems


def check(kind: str, artefacts: Mapping[str, Any], template: Mapping[str, Any]) -> list[Problem]:
    """The problems of `artefacts[kind]` given the artefacts it answers to (all as JSON)."""
    from agents.artefacts import parse_artefact

    if not artefacts.get(kind):
        return []
    artefact = parse_artefact(kind, artefacts[kind])
    return _checked(kind, artefact, artefacts, template) + [
        _p("notes", f'not applied: "{n.part}" ({n.effect})', blocking=False)
        for n in artefact.review_notes
        if not n.applied
    ]


def _checked(
    kind: str, artefact: Any, artefacts: Mapping[str, Any], template: Mapping[str, Any]
) -> list[Problem]:
    from agents.artefacts import parse_artefact

    upstream = {k: parse_artefact(k, v) for k, v in artefacts.items() if v and k != kind}
    if isinstance(artefact, VRD):
        return check_vrd(artefact, template)
    vrd, script = upstream.get("vrd"), upstream.get("script")
    if isinstance(artefact, Script) and isinstance(vrd, VRD):
        return check_script(artefact, vrd)
    if isinstance(artefact, ShotList) and isinstance(script, Script):
        return check_shot_list(artefact, script)
    if isinstance(artefact, Budget):
        return check_budget(artefact)
    return [_p("upstream", f"the {kind} has nothing upstream to be checked against")]


def blocking(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p["blocking"]]
