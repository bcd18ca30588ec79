"""The Budget Solver: an AICP-style top sheet for the live-action parts and a compute budget for the generated
shots, with contingency. For the compute it chooses, per shot, among the workflows and resolutions that can
make it, the plan of the highest planned quality within the cap, exactly (agents/solver.py), and says what it
traded. It needs no model: the GPU-minutes it plans are in the budget (the ledger books GPU-minutes spent)."""

from __future__ import annotations

import math
from typing import Any

from agents import catalog
from agents import notes as review
from agents.artefacts import VRD, ShotList
from agents.drafting import totals
from agents.solver import Choice, InfeasibleError, Plan, solve
from agents.state import ProductionState

# Day rates for live-action parts (in the budget's currency); a small crew, as for a one-day online spot.
RATES = {"crew": 4500.0, "equipment": 1500.0, "location": 900.0, "talent": 750.0, "edit_day": 650.0}
SHOTS_PER_DAY = 15


def _cents(gpu_minutes: float, rate_per_hour: float) -> int:
    return math.ceil(gpu_minutes / 60 * rate_per_hour * 100 - 1e-9)


def budget_notes(state: ProductionState) -> review.NoteReading:
    """The reviewer's notes for the Budget Solver: those the current budget answered, then the new ones."""
    earlier = review.earlier_notes((state.get("budget") or {}).get("review_notes") or [])
    new = [r["message"] for r in (state.get("requests") or {}).get("budget_solver", [])]
    return review.read(earlier + new)


def compute_cap(
    vrd: VRD, template: dict[str, Any], state: ProductionState, notes: review.NoteReading
) -> float | None:
    """The money compute may take: a note `compute cap: <amount>` (or `budget: <amount>`) from the reviewer,
    else the template's share of the budget's high end, lowered by a GPU-minutes cap; None when nothing bounds
    it."""
    if notes.cap is not None:
        return notes.cap
    amounts = [
        float(x)
        for x in notes.fields.get("budget", "").replace(",", ".").split()
        if x.replace(".", "", 1).isdigit()
    ]
    if amounts:
        return amounts[0]
    cap = vrd.budget_range.high * template["compute_share"] if vrd.budget_range else None
    gpu_cap = (state.get("caps") or {}).get("gpu_minutes")
    if gpu_cap is not None:
        by_minutes = gpu_cap / 60 * template["gpu_rate_per_hour"]
        cap = by_minutes if cap is None else min(cap, by_minutes)
    return cap


CHEAPER_SHARE = 0.8  # "cheaper": the compute cap becomes this share of what the plan costs


def _quality_asked(
    items: list[list[Choice]], cap: float | None, ops: list[str], currency: str
) -> tuple[float | None, tuple[bool, str]]:
    """The cap after the reviewer's "cheaper" / "higher quality" notes, in order, and what that did."""
    if not items:
        return cap, (False, "no generated shots: compute has nothing to trade")
    effect = (False, "")
    for op in ops:
        if op == "higher":
            cap, effect = None, (True, "compute cap lifted: every generated shot gets its best option")
            continue
        try:
            cost = solve(items, None if cap is None else math.floor(cap * 100 + 1e-9)).cost
        except InfeasibleError as error:
            cost = error.cheapest
        cap = math.floor(cost * CHEAPER_SHARE) / 100
        effect = (
            True,
            f"compute cap lowered to {cap:,.2f} {currency}, {CHEAPER_SHARE:.0%} of the plan's compute",
        )
    return cap, effect


def budget_solver_agent(state: ProductionState, brain: Any = None, settings: Any = None) -> dict[str, Any]:
    template = state["template"]
    vrd = VRD.model_validate(state["vrd"])
    shot_list = ShotList.model_validate(state["shot_list"])
    rate = float(template["gpu_rate_per_hour"])
    currency = vrd.budget_range.currency if vrd.budget_range else "EUR"
    generated = [shot for shot in shot_list.shots if shot.source == "generated"]
    options = [catalog.options_for(shot.model_dump()) for shot in generated]
    notes = budget_notes(state)
    cap = compute_cap(vrd, template, state, notes)
    effects = {"cap": (True, f"compute cap {cap:,.2f} {currency}")} if notes.cap is not None else {}
    items = [[Choice(_cents(o.gpu_minutes, rate), o.quality) for o in opts] for opts in options]
    trade_offs, questions = [], []
    if any(not opts for opts in options):
        lacking = [shot.number for shot, opts in zip(generated, options) if not opts]
        questions.append(f"no workflow in the library can make shot(s) {', '.join(lacking)}")
        items = [i for i in items if i]
        keep = [k for k, opts in enumerate(options) if opts]
        generated, options = [generated[k] for k in keep], [options[k] for k in keep]
    if notes.quality_ops:
        cap, effects["quality"] = _quality_asked(items, cap, notes.quality_ops, currency)
    cap_cents = None if cap is None else math.floor(cap * 100 + 1e-9)
    try:
        plan = solve(items, cap_cents) if items else None
    except InfeasibleError as error:
        picks = tuple(min(range(len(opts)), key=lambda k: opts[k].cost) for opts in items)
        plan = Plan(picks, error.cheapest, sum(opts[k].quality for opts, k in zip(items, picks)))
        trade_offs.append(
            f"Even the cheapest plan costs {error.cheapest / 100:,.2f} {currency}, over the compute cap of "
            f"{(cap or 0):,.2f}: raise the cap or cut shots."
        )
    chosen = [opts[k] for opts, k in zip(options, plan.picks)] if plan else []
    best = [max(opts, key=lambda o: (o.quality, -o.gpu_minutes)) for opts in options]
    compute_lines: list[dict[str, Any]] = [
        {
            "shot": shot.number,
            "workflow_id": option.workflow_id,
            "resolution": option.resolution,
            "gpu_minutes": option.gpu_minutes,
            "cost": _cents(option.gpu_minutes, rate) / 100,
            "quality": option.quality,
        }
        for shot, option in zip(generated, chosen)
    ]
    for shot, option, top in zip(generated, chosen, best):
        if (option.workflow_id, option.resolution) != (top.workflow_id, top.resolution):
            saved = (_cents(top.gpu_minutes, rate) - _cents(option.gpu_minutes, rate)) / 100
            trade_offs.append(
                f"Shot {shot.number}: {option.title} at {option.resolution} instead of {top.title} at "
                f"{top.resolution} saves {saved:,.2f} {currency} ({top.gpu_minutes - option.gpu_minutes:g} "
                f"GPU-min) for quality {option.quality:g} instead of {top.quality:g}."
            )
    quality = round(sum(o.quality for o in chosen), 2)
    quality_max = round(sum(o.quality for o in best), 2)
    compute_cost = round(sum(line["cost"] for line in compute_lines), 2)
    if cap is not None and not trade_offs:
        trade_offs.append(
            f"Every shot gets its best option: compute costs {compute_cost:,.2f} of the {cap:,.2f} {currency} cap."
        )
    elif cap is not None and quality < quality_max:
        trade_offs.insert(
            0,
            f"Within the compute cap of {cap:,.2f} {currency} the plan reaches quality {quality:g} of "
            f"{quality_max:g} ({quality / quality_max:.0%}) at {compute_cost:,.2f} {currency}.",
        )
    live = [shot for shot in shot_list.shots if shot.source == "live_action"]
    days = math.ceil(len(live) / SHOTS_PER_DAY) if live else 0
    cast = {member for shot in live for member in shot.cast}
    spent = totals(state.get("ledger") or [])
    edit_days = max(1, math.ceil(vrd.length_s / 30))
    top_sheet: list[dict[str, Any]] = [
        {
            "code": "A",
            "category": "Pre-production and planning (model calls, USD estimate)",
            "amount": round(spent["cost"], 2),
            "note": f"{int(spent['tokens'])} tokens so far",
        },
        {
            "code": "B",
            "category": "Shooting crew",
            "amount": days * RATES["crew"],
            "note": f"{days} shoot days",
        },
        {"code": "C", "category": "Locations", "amount": days * RATES["location"], "note": ""},
        {"code": "D", "category": "Equipment", "amount": days * RATES["equipment"], "note": ""},
        {
            "code": "E",
            "category": "Talent",
            "amount": days * len(cast) * RATES["talent"],
            "note": f"{len(cast)} cast",
        },
        {
            "code": "F",
            "category": "Generated shots (compute)",
            "amount": compute_cost,
            "note": f"{len(compute_lines)} shots, {sum(line['gpu_minutes'] for line in compute_lines):g} GPU-min "
            f"at {rate:g} {currency}/GPU-hour",
        },
        {
            "code": "G",
            "category": "Editorial and finishing",
            "amount": edit_days * RATES["edit_day"],
            "note": f"{edit_days} days",
        },
    ]
    subtotal = round(sum(line["amount"] for line in top_sheet), 2)
    contingency_pct = 10.0
    contingency = round(subtotal * contingency_pct / 100, 2)
    gpu_minutes = round(sum(line["gpu_minutes"] for line in compute_lines), 2)
    previous = state.get("budget") or {}
    budget = {
        "id": f"{state.get('production_id', '')}/budget",
        "version": int(previous.get("version", 0)) + 1,
        "currency": currency,
        "compute_cap": None if cap is None else round(cap, 2),
        "gpu_rate_per_hour": rate,
        "top_sheet": top_sheet,
        "compute": compute_lines,
        "model_tokens": int(spent["tokens"]),
        "model_cost": round(spent["cost"], 4),
        "contingency_pct": contingency_pct,
        "gpu_minutes": gpu_minutes,
        "quality": quality,
        "quality_unconstrained": quality_max,
        "subtotal": subtotal,
        "contingency": contingency,
        "total": round(subtotal + contingency, 2),
        "trade_offs": trade_offs[:40],
        "questions": questions,
        "review_notes": review.settle(notes, effects, ("budget",)),
    }
    requests = {**(state.get("requests") or {}), "budget_solver": []}
    # Planning uses no GPU: the GPU-minutes it plans are in the budget; part 2's generation books real ones.
    entry = {
        "agent": "budget_solver",
        "calls": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "cost": 0.0,
        "gpu_minutes": 0.0,
    }
    return {
        "budget": budget,
        "requests": requests,
        "ledger": [entry],
        "log": [
            f"budget_solver: budget v{budget['version']} ({budget['total']:,.2f} {currency}, "
            f"quality {quality:g}/{quality_max:g})"
        ],
    }
