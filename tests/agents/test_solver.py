"""The Budget Solver's optimum is exact: checked against every combination on small random cases."""

from __future__ import annotations

import random
from itertools import product

import pytest

from agents.solver import Choice, InfeasibleError, solve


def brute_force(items, cap):
    best = None
    for combo in product(*[range(len(options)) for options in items]):
        cost = sum(items[i][k].cost for i, k in enumerate(combo))
        quality = sum(items[i][k].quality for i, k in enumerate(combo))
        if (cap is None or cost <= cap) and (best is None or quality > best + 1e-9):
            best = quality
    return best


@pytest.mark.parametrize("seed", range(60))
def test_the_solver_finds_the_brute_force_optimum(seed):
    rng = random.Random(seed)
    items = [
        [Choice(rng.randint(0, 40), round(rng.uniform(0, 10), 2)) for _ in range(rng.randint(1, 4))]
        for _ in range(rng.randint(1, 6))
    ]
    cheapest = sum(min(o.cost for o in options) for options in items)
    cap = rng.randint(cheapest, cheapest + 60)
    plan = solve(items, cap)
    assert plan.quality == pytest.approx(brute_force(items, cap))
    assert plan.cost <= cap
    assert plan.cost == sum(items[i][k].cost for i, k in enumerate(plan.picks))
    assert plan.quality == pytest.approx(sum(items[i][k].quality for i, k in enumerate(plan.picks)))


def test_a_cap_below_the_cheapest_plan_says_what_the_cheapest_costs():
    items = [[Choice(10, 1.0), Choice(20, 2.0)], [Choice(5, 1.0)]]
    with pytest.raises(InfeasibleError) as caught:
        solve(items, 14)
    assert caught.value.cheapest == 15


def test_without_a_cap_every_item_gets_its_best_option():
    items = [[Choice(10, 1.0), Choice(90, 3.0)], [Choice(5, 2.0), Choice(1, 0.5)]]
    assert solve(items, None).picks == (1, 0)


def test_a_greedy_ratio_choice_would_not_be_optimal_here():
    # Greedy by quality per cost takes item 0's cheap option first and then cannot afford item 1's best.
    items = [[Choice(1, 1.0), Choice(6, 5.0)], [Choice(1, 1.0), Choice(5, 6.5)]]
    plan = solve(items, 11)
    assert plan.quality == pytest.approx(11.5) == pytest.approx(brute_force(items, 11))
