"""The MCP export tools share the engine's safety: an export never replaces a file the project uses, a media
file changed since import is reported in the job's summary, and SIGTERM stops the server without leaving
partial files in the workspace."""

from __future__ import annotations

import json
import select
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from kijkocut import samples
from kijkocut.render.export import PARTIAL_NAME
from kijkocut.signals import TERMINATED_EXIT_CODE
from tests.mcp_server.conftest import data
from tests.mcp_server.test_transports import TOKEN, server_command, server_env

WAIT_SECONDS = 120


async def _project_with_clip(client) -> tuple[str, str]:
    pid = data(await client.call_tool("project_create", {"width": 160, "height": 90, "frame_rate": 15}))["id"]
    media = data(await client.call_tool("media_import", {"project_id": pid, "path": "input/a.mp4"}))[
        "imported"
    ]
    data(await client.call_tool("clip_add", {"project_id": pid, "media_id": media[0]["id"]}))
    return pid, media[0]["id"]


async def _export(client, pid: str, file_name: str) -> dict:
    job = data(
        await client.call_tool(
            "export_start", {"project_id": pid, "preset": "default", "file_name": file_name}
        )
    )
    return data(await client.call_tool("job_wait", {"job_id": job["job_id"], "timeout_seconds": 45}))


async def test_export_never_replaces_media_the_project_uses(server, workspace_dir):
    async with Client(server) as client:
        pid, _ = await _project_with_clip(client)
        assert (await _export(client, pid, "take1"))["state"] == "completed"
        take1 = workspace_dir / "renders" / pid / "take1.mp4"
        data(await client.call_tool("media_import", {"project_id": pid, "path": f"renders/{pid}/take1.mp4"}))
        before = take1.read_bytes()
        again = await _export(client, pid, "take1")
        assert again["state"] == "failed"
        assert again["error"].startswith("refusing to write the export over media ")
        assert take1.read_bytes() == before
        assert sorted(p.name for p in take1.parent.iterdir()) == ["take1.mp4"]


async def test_changed_media_is_reported_in_the_job(server, workspace_dir):
    async with Client(server) as client:
        pid, media_id = await _project_with_clip(client)
        samples.write_video(
            workspace_dir / "input" / "a.mp4", seconds=3, width=160, height=90, rate=15, hue=60
        )
        done = await _export(client, pid, "changed")
        assert done["state"] == "completed"
        assert done["message"].endswith(
            f"; warning: media {media_id} (a.mp4) changed since import: duration "
            "2.000 s -> 3.000 s, no longer has sound; rendering the file as it is now"
        )


def _request(proc: subprocess.Popen, message_id: int, method: str, params: dict) -> dict:
    proc.stdin.write(
        json.dumps({"jsonrpc": "2.0", "id": message_id, "method": method, "params": params}) + "\n"
    )
    proc.stdin.flush()
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if select.select([proc.stdout], [], [], 1)[0]:
            reply = json.loads(proc.stdout.readline())
            if reply.get("id") == message_id:
                return reply
    raise AssertionError(f"no answer to {method}")


def _tool(proc: subprocess.Popen, message_id: int, name: str, arguments: dict) -> dict:
    reply = _request(proc, message_id, "tools/call", {"name": name, "arguments": arguments})
    assert not reply["result"].get("isError"), reply
    return reply["result"]["structuredContent"]


def _wait_for_partial(renders: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not (
        renders.is_dir()
        and any(PARTIAL_NAME.fullmatch(p.name) and p.stat().st_size for p in renders.iterdir())
    ):
        assert time.monotonic() < deadline and proc.poll() is None, "the export never started writing"
        time.sleep(0.05)


def test_sigterm_cancels_a_running_export_and_removes_its_partial(tmp_path, workspace_dir):
    proc = subprocess.Popen(
        [*server_command(), "--no-search-warmup"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=server_env(tmp_path, workspace_dir),
        cwd=tmp_path,
    )
    try:
        _request(
            proc,
            1,
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        )
        proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        pid = _tool(proc, 2, "project_create", {"width": 320, "height": 180, "frame_rate": 30})["id"]
        _tool(proc, 3, "text_add", {"project_id": pid, "text": "an hour", "start": 0, "duration": 3600})
        _tool(
            proc,
            4,
            "export_start",
            {"project_id": pid, "preset": "default", "file_name": "long", "wait_seconds": 0},
        )
        renders = workspace_dir / "renders" / pid
        _wait_for_partial(renders, proc)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=WAIT_SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == TERMINATED_EXIT_CODE, stderr
    assert "kijkocut-mcp: terminated" in stderr and "Traceback" not in stderr
    assert list(renders.iterdir()) == []


async def test_sigterm_over_http_also_removes_the_partial(tmp_path, workspace_dir):
    """uvicorn shuts down gracefully on SIGTERM (exit status 0); the export still stops and cleans up."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [*server_command(), "--http", "--port", str(port), "--no-search-warmup"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=server_env(tmp_path, workspace_dir, KIJKOCUT_MCP_TOKEN=TOKEN),
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "the HTTP server did not start"
                time.sleep(0.1)
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as http:
            async with Client(
                streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)
            ) as client:
                pid = data(await client.call_tool("project_create", {"width": 320, "height": 180}))["id"]
                data(
                    await client.call_tool(
                        "text_add", {"project_id": pid, "text": "an hour", "start": 0, "duration": 3600}
                    )
                )
                data(
                    await client.call_tool(
                        "export_start", {"project_id": pid, "file_name": "long", "wait_seconds": 0}
                    )
                )
        renders = workspace_dir / "renders" / pid
        _wait_for_partial(renders, proc)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=WAIT_SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0 and "Traceback" not in stderr, stderr
    assert list(renders.iterdir()) == []
