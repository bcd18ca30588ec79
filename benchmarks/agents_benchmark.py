"""Production agents: how long the Budget Solver takes as shots and options grow (the exact Pareto DP, with a
cap that binds), and a whole offline production per template (every gate approved) on SQLite checkpoints.
Prints a table; no targets are asserted here.

    .venv/bin/python benchmarks/agents_benchmark.py
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from agents.brains import OfflineBrain
from agents.productions import Productions, open_checkpointer
from agents.solver import Choice, solve

BRIEF = "# Fresh Brew\nProduct: Fresh Brew\nAudience: commuters\nBenefit: cold coffee in ten seconds\nBudget: EUR 20000\n"


def solver_rows() -> list[tuple[str, ...]]:
    rows = []
    rng = random.Random(7)
    for shots, options in ((10, 12), (30, 12), (60, 24), (120, 24)):
        items = [
            [Choice(rng.randint(50, 3000), round(rng.uniform(1, 10), 2)) for _ in range(options)]
            for _ in range(shots)
        ]
        cap = sum(min(o.cost for o in opts) for opts in items) * 3
        start = time.perf_counter()
        plan = solve(items, cap)
        rows.append(
            (
                f"solver {shots} shots x {options} options",
                f"{(time.perf_counter() - start) * 1000:.1f} ms",
                f"quality {plan.quality:.1f}",
            )
        )
    return rows


def production_rows() -> list[tuple[str, ...]]:
    rows = []
    for template in ("social_short", "ad_spot", "explainer"):
        with tempfile.TemporaryDirectory() as folder, open_checkpointer(Path(folder)) as saver:
            productions = Productions(saver, OfflineBrain(), Path(folder))
            start = time.perf_counter()
            status = productions.start(template, BRIEF, "bench-1")
            while status.gate:
                status = productions.decide("bench-1", {"type": "approve"})
            elapsed = time.perf_counter() - start
            db = Path(folder) / "productions" / "checkpoints.sqlite"
            size = sum(p.stat().st_size for p in (db, db.with_name(db.name + "-wal")) if p.exists())
            shots = len(productions.artefact("bench-1", "shot_list").shots)
            rows.append(
                (
                    f"offline production {template}",
                    f"{elapsed * 1000:.0f} ms",
                    f"{shots} shots, {len(productions.history('bench-1'))} checkpoints, {size // 1024} KiB of SQLite + WAL",
                )
            )
    return rows


def main() -> None:
    rows = solver_rows() + production_rows()
    width = max(len(r[0]) for r in rows)
    print(f"{'case':{width}}  {'time':>9}  result")
    for name, elapsed, note in rows:
        print(f"{name:{width}}  {elapsed:>9}  {note}")


if __name__ == "__main__":
    main()
