"""Tool-call overhead of the MCP server: p50/p95 latency of project_describe, clip_add and workflow_search,
in-process (the SDK's direct client) and over a real stdio subprocess.

    python benchmarks/mcp_overhead.py [--calls 1000] [--transports inproc,stdio]

describe runs on a 10-clip project; clip_add appends 0.5 s clips and starts a fresh project every 100 calls
(a 1,000-clip timeline is not what an assistant edits, and every edit saves the project with its history);
workflow_search uses distinct queries (no embedding cache hits) on an index built before timing starts; it
needs the workflow library (skipped with a note when it is not installed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from mcp import Client, StdioServerParameters

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CLIPS_PER_PROJECT = 100


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def timed(calls: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
    samples = []
    for index in range(calls):
        began = time.perf_counter()
        result = await call(index)
        samples.append((time.perf_counter() - began) * 1000)
        if getattr(result, "is_error", False):
            raise RuntimeError(f"call {index} failed: {result.content[0].text}")
    return samples


async def run_suite(client: Client, calls: int) -> dict[str, list[float] | str]:
    async def tool(name: str, **arguments):
        return await client.call_tool(name, arguments)

    async def new_project() -> tuple[str, str]:
        created = await tool("project_create", width=320, height=180, frame_rate=30)
        project_id = created.structured_content["id"]
        imported = await tool("media_import", project_id=project_id, path="input/clip.mp4")
        return project_id, imported.structured_content["imported"][0]["id"]

    results: dict[str, list[float] | str] = {}
    project_id, media_id = await new_project()
    for _ in range(10):
        await tool("clip_add", project_id=project_id, media_id=media_id, duration=0.5)
    results["project_describe"] = await timed(
        calls, lambda i: tool("project_describe", project_id=project_id)
    )

    state = {"project": None, "media": None}

    # Project creation is not part of the measured call: time it apart from the clip_add calls.
    samples = []
    for index in range(calls):
        if index % CLIPS_PER_PROJECT == 0:
            state["project"], state["media"] = await new_project()
        began = time.perf_counter()
        result = await tool("clip_add", project_id=state["project"], media_id=state["media"], duration=0.5)
        samples.append((time.perf_counter() - began) * 1000)
        if result.is_error:
            raise RuntimeError(result.content[0].text)
    results["clip_add"] = samples

    # The first search builds the index (the server no longer does at start); it asks to be called again
    # while the build runs past its wait.
    probe = await tool("workflow_search", query="animate a photo", limit=5)
    for _ in range(30):
        if not (probe.is_error and "still being built" in probe.content[0].text):
            break
        probe = await tool("workflow_search", query="animate a photo", limit=5)
    if probe.is_error:
        results["workflow_search"] = f"skipped: {probe.content[0].text[:80]}"
    else:
        # Distinct queries: the embedder caches repeated ones, and a real conversation rarely repeats itself.
        subjects = ["a photo", "my holiday clip", "a product shot", "a drawing", "the intro", "a portrait"]
        actions = [
            "animate",
            "upscale",
            "add music to",
            "make a video of",
            "interpolate",
            "restyle",
            "narrate",
        ]
        results["workflow_search"] = await timed(
            calls,
            lambda i: tool(
                "workflow_search", query=f"{actions[i % 7]} {subjects[i // 7 % 6]} take {i // 42}", limit=5
            ),
        )
    return results


def make_workspace() -> Path:
    from kijkocut import samples

    root = Path(tempfile.mkdtemp(prefix="kijkocut_bench_"))
    (root / "input").mkdir()
    samples.write_video(root / "input" / "clip.mp4", seconds=10, width=160, height=90, rate=30)
    return root


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--transports", default="inproc,stdio")
    args = parser.parse_args()

    from mcp_server.config import ServerConfig
    from mcp_server.server import build_server
    from mcp_server.services import Services

    rows = []
    for transport in args.transports.split(","):
        workspace = make_workspace()
        if transport == "inproc":
            client = Client(build_server(Services.from_config(ServerConfig(workspace=workspace))))
        else:
            env = {**os.environ, "KIJKOCUT_WORKSPACE": str(workspace), "PYTHONPATH": str(REPO)}
            client = Client(
                StdioServerParameters(
                    command=sys.executable, args=["-m", "mcp_server", "--no-search-warmup"], env=env
                )
            )
        async with client:
            for name, samples in (await run_suite(client, args.calls)).items():
                rows.append((transport, name, samples))

    print(f"\nMCP tool-call overhead ({args.calls} calls each; ms)\n")
    print(f"| {'transport':<9} | {'tool':<16} | {'p50':>7} | {'p95':>7} | {'max':>7} |")
    print(f"|{'-' * 11}|{'-' * 18}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for transport, name, samples in rows:
        if isinstance(samples, str):
            print(f"| {transport:<9} | {name:<16} | {samples}")
            continue
        print(
            f"| {transport:<9} | {name:<16} | {percentile(samples, 50):7.2f} | {percentile(samples, 95):7.2f} "
            f"| {max(samples):7.2f} |"
        )


if __name__ == "__main__":
    asyncio.run(main())
