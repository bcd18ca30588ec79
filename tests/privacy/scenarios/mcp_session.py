"""Privacy scenario: the MCP server as a client starts it (stdio), with a few editing calls and a first
workflow search, which loads the embedding model. Run by tests/privacy/test_no_outbound.py under strace; the
server is a child of this process, so the trace covers it.

    python -m tests.privacy.scenarios.mcp_session WORKSPACE"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

from mcp import Client, StdioServerParameters

from kijkocut import samples

LINGER_SECONDS = 12


def server_command() -> list[str]:
    script = shutil.which("kijkocut-mcp", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "mcp_server"]


def structured(result) -> dict:
    if result.is_error:
        raise SystemExit(f"tool failed: {result.content[0].text}")
    return result.structured_content


async def session(workspace: Path) -> None:
    (workspace / "input").mkdir(parents=True, exist_ok=True)
    samples.write_video(workspace / "input" / "a.mp4", seconds=1, width=160, height=90, rate=15, hue=0)
    command = server_command()
    params = StdioServerParameters(
        command=command[0],
        args=command[1:],
        cwd=str(workspace),
        env={**os.environ, "KIJKOCUT_WORKSPACE": str(workspace)},
    )
    async with Client(params) as client:
        await client.list_tools()
        project = structured(
            await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15})
        )
        imported = structured(
            await client.call_tool("media_import", {"project_id": project["id"], "path": "input"})
        )
        structured(
            await client.call_tool(
                "clip_add", {"project_id": project["id"], "media_id": imported["imported"][0]["id"]}
            )
        )
        structured(await client.call_tool("project_describe", {"project_id": project["id"]}))
        for _ in range(6):  # the first search builds the index; the tool asks to be called again meanwhile
            result = await client.call_tool("workflow_search", {"query": "animate a still photo", "limit": 3})
            if not result.is_error:
                break
            if "still being built" not in result.content[0].text:
                raise SystemExit(f"workflow_search failed: {result.content[0].text}")
        hits = structured(result)["hits"]
        # ONNX Runtime's uploader first fired about 8 s after a session loaded (then every few seconds): a
        # server that stays up that long with the model loaded is the case the issue saw.
        await asyncio.sleep(LINGER_SECONDS)
        structured(await client.call_tool("workflow_search", {"query": "upscale", "limit": 1}))
        print(f"ok: {len(hits)} hits, first {hits[0]['id']}")


if __name__ == "__main__":
    asyncio.run(session(Path(sys.argv[1])))
