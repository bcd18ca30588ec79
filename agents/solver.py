"""The Budget Solver's optimisation: choose one option per shot to maximise the summed quality with the summed
cost within a cap. A multiple-choice knapsack, solved exactly by dynamic programming over integer costs (cents)
that keeps, after each shot, only the Pareto-optimal (cost, quality) partial plans: no plan that costs more for
less quality survives, and every optimal plan has only optimal prefixes, so the answer is the true optimum."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    cost: int  # integer units (cents): sums are exact
    quality: float


@dataclass(frozen=True)
class Plan:
    picks: tuple[int, ...]  # per item, the index of its chosen option
    cost: int
    quality: float


class InfeasibleError(ValueError):
    def __init__(self, cheapest: int, cap: int):
        super().__init__(f"the cheapest plan costs {cheapest}, over the cap of {cap}")
        self.cheapest, self.cap = cheapest, cap


def _undominated(options: Sequence[Choice]) -> list[int]:
    """Indexes of the options no other option beats (cheaper or equal cost, at least the quality)."""
    kept: list[int] = []
    for index in sorted(range(len(options)), key=lambda i: (options[i].cost, -options[i].quality)):
        if not kept or options[index].quality > options[kept[-1]].quality + 1e-12:
            kept.append(index)
    return kept


def solve(items: Sequence[Sequence[Choice]], cap: int | None) -> Plan:
    if any(not options for options in items):
        raise ValueError("every item needs at least one option")
    # frontier: cost -> (quality, picks), kept sorted by cost with strictly increasing quality
    frontier: list[tuple[int, float, tuple[int, ...]]] = [(0, 0.0, ())]
    for options in items:
        useful = _undominated(options)  # an option costing more for no more quality is never in an optimum
        candidates = sorted(
            (cost + options[index].cost, quality + options[index].quality, picks + (index,))
            for cost, quality, picks in frontier
            for index in useful
            if cap is None or cost + options[index].cost <= cap
        )
        frontier = []
        for cost, quality, picks in candidates:
            if frontier and quality <= frontier[-1][1] + 1e-9:
                continue  # dominated: a cheaper (or equal) plan is at least as good
            if frontier and frontier[-1][0] == cost:
                frontier[-1] = (cost, quality, picks)
            else:
                frontier.append((cost, quality, picks))
        if not frontier:
            cheapest = sum(min(o.cost for o in opts) for opts in items)
            raise InfeasibleError(cheapest, cap or 0)
    cost, quality, picks = frontier[-1]  # the most quality within the cap (ties: the cheaper)
    return Plan(picks=picks, cost=cost, quality=round(quality, 6))
