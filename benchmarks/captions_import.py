"""How long the MCP tool `captions_import` takes (and so holds the project's lock) as the number of cues grows:
before the fix every cue was placed by its own command that rescanned the track (quadratic), now the cues of a
track go on in one pass.

    python benchmarks/captions_import.py [--cues 1000,4000,16000,100000] [--baseline <git rev>] [--budget 300]

Each size runs in a fresh workspace with an in-process server: project_create, then one captions_import of a
generated SRT (one cue every 0.8 s, two short lines each, so 100,000 cues fit in the 24 h a timeline may be).
With --baseline, the same measurement also runs in a temporary git worktree of that revision (e.g. cf225fd,
before the fix), in a subprocess; a size is skipped there once a smaller one took more than --budget seconds.

Measured on the 2-core development machine (shared with other work: CPU seconds are the steadier column),
`--cues 1000,2000,4000,8000,16000,32000,100000 --baseline cf225fd --budget 400`:

    |    cues | before wall | before CPU | after wall | after CPU |
    |---------|-------------|------------|------------|-----------|
    |    1000 |        1.59 |       1.12 |       0.17 |      0.16 |
    |    2000 |        2.97 |       2.92 |       0.37 |      0.36 |
    |    4000 |        9.48 |       9.43 |       0.69 |      0.68 |
    |    8000 |       55.10 |      43.56 |       1.48 |      1.45 |
    |   16000 |      244.36 |     186.68 |       2.97 |      2.92 |
    |   32000 |       > 400 |          - |       6.14 |      5.73 |
    |  100000 |     skipped |          - |      16.07 |     15.81 |

Of the 16 s for 100,000 cues, about 12 s hold the project's lock (the edit, its validation and writing the
416 MB project file, two thirds of it the undo history); reading and parsing the file and building the
captions happen before the lock is taken.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CUE_SPACING_MS = 800
CUE_LENGTH_MS = 600


def stamp(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def srt_text(cues: int) -> str:
    return "\n".join(
        f"{n + 1}\n{stamp(n * CUE_SPACING_MS)} --> {stamp(n * CUE_SPACING_MS + CUE_LENGTH_MS)}\n"
        f"Line {n} of the captions\nand a second line\n"
        for n in range(cues)
    )


async def measure(cues: int) -> dict[str, float]:
    """Wall and CPU seconds (all threads) of one captions_import of `cues` cues (the code imported is whatever
    sys.path finds first). CPU time is the steadier figure on a shared machine."""
    from mcp import Client

    from mcp_server.config import ServerConfig
    from mcp_server.server import build_server
    from mcp_server.services import Services

    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder) / "workspace"
        (workspace / "input").mkdir(parents=True)
        (workspace / "input" / "subs.srt").write_text(srt_text(cues), encoding="utf-8")
        async with Client(build_server(Services.from_config(ServerConfig(workspace=workspace)))) as client:
            created = await client.call_tool(
                "project_create", {"width": 1280, "height": 720, "frame_rate": 25}
            )
            project_id = created.structured_content["id"]
            began, began_cpu = time.perf_counter(), time.process_time()
            result = await client.call_tool(
                "captions_import", {"project_id": project_id, "path": "input/subs.srt"}
            )
            seconds = {"wall": time.perf_counter() - began, "cpu": time.process_time() - began_cpu}
            if result.is_error:
                raise RuntimeError(f"{cues} cues: {result.content[0].text[:300]}")
            return seconds


Seconds = dict[str, float] | None | str  # measured; None = ran past the budget; a word = not run


def measure_in(tree: Path, cues: int, budget: float) -> dict[str, float] | None:
    """Run `measure` against another checkout; None when it ran past `budget` seconds."""
    command = [sys.executable, __file__, "--measure", str(cues), "--repo", str(tree)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=budget, cwd=tree, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"baseline run failed:\n{exc.stderr[-2000:]}") from None
    return json.loads(done.stdout.strip().splitlines()[-1])


def baseline(rev: str, sizes: list[int], budget: float) -> dict[int, Seconds]:
    results: dict[int, Seconds] = {}
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev],
            check=True,
            capture_output=True,
        )
        try:
            over = False
            for cues in sizes:
                results[cues] = "skipped" if over else measure_in(tree, cues, budget)
                over = over or results[cues] is None
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                check=False,
                capture_output=True,
            )
    return results


def cells(value: Seconds, budget: float) -> tuple[str, str]:
    if value is None:
        return f"> {budget:.0f}", "-"
    if isinstance(value, str):
        return value, "-"
    return f"{value['wall']:.2f}", f"{value['cpu']:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cues", default="1000,2000,4000,8000,16000,100000")
    parser.add_argument("--baseline", help="git revision to compare with, e.g. cf225fd (before the fix)")
    parser.add_argument("--budget", type=float, default=300, help="seconds one baseline size may take")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repo", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, args.repo or str(REPO))
    if args.measure:
        import kijkocut

        if not Path(kijkocut.__file__).is_relative_to(Path(args.repo or REPO).resolve()):
            raise SystemExit(f"measuring {kijkocut.__file__}, not the checkout in {args.repo}")
        print(json.dumps(asyncio.run(measure(args.measure))))
        return
    sizes = [int(n) for n in args.cues.split(",")]
    before = baseline(args.baseline, sizes, args.budget) if args.baseline else {}
    after = {cues: measure_in(REPO, cues, 3600) for cues in sizes}
    print(f"captions_import over MCP (in-process), seconds; before = {args.baseline or 'not measured'}\n")
    print(
        f"| {'cues':>7} | {'before wall':>11} | {'before CPU':>10} | {'after wall':>10} | {'after CPU':>9} |"
    )
    print(f"|{'-' * 9}|{'-' * 13}|{'-' * 12}|{'-' * 12}|{'-' * 11}|")
    for cues in sizes:
        before_wall, before_cpu = cells(before.get(cues, "-"), args.budget)
        after_wall, after_cpu = cells(after[cues], 3600)
        print(f"| {cues:>7} | {before_wall:>11} | {before_cpu:>10} | {after_wall:>10} | {after_cpu:>9} |")


if __name__ == "__main__":
    main()
