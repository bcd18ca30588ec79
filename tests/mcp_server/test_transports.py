"""The server as users run it: a real stdio subprocess (the console script, or `python -m mcp_server` until
the script is installed) and a streamable-HTTP subprocess with bearer-token auth and DNS-rebinding checks."""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from tests.mcp_server.conftest import data

REPO = Path(__file__).resolve().parents[2]
TOKEN = "test-token-0123456789abcdef"


def server_command() -> list[str]:
    script = shutil.which("kijkocut-mcp", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "mcp_server"]


def server_env(tmp_path: Path, workspace: Path, **extra: str) -> dict[str, str]:
    """An environment whose user config and data dirs are private to the test."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KIJKOCUT_", "COMFYUI_"))}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        KIJKOCUT_WORKSPACE=str(workspace),
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_stdio_subprocess_session(tmp_path, workspace_dir, mode):
    command = server_command()
    params = StdioServerParameters(
        command=command[0], args=command[1:], cwd=str(tmp_path), env=server_env(tmp_path, workspace_dir)
    )
    async with Client(params, mode=mode) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert "clip_add" in names
        pid = data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15}))[
            "id"
        ]
        media = data(await client.call_tool("media_import", {"project_id": pid, "path": "input"}))["imported"]
        edit = data(await client.call_tool("clip_add", {"project_id": pid, "media_id": media[0]["id"]}))
        assert (
            edit["revision"] == 2 and edit["changed"][0]["end"] == 2
        )  # the folder import, then track + clip
        assert (
            "unknown project"
            in (await client.call_tool("project_describe", {"project_id": "x"})).content[0].text
        )
    saved = json.loads((workspace_dir / "projects" / pid / "project.json").read_text())
    assert saved["revision"] == 2


def test_stdio_stdout_carries_only_protocol(tmp_path, workspace_dir):
    """With debug logging on and a failing call, every stdout line is still a JSON-RPC message."""
    requests = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "media_import", "arguments": {"project_id": "p", "path": "/etc/passwd"}},
        },
        {"jsonrpc": "2.0", "id": 3, "method": "tools/list"},
    ]
    proc = subprocess.Popen(
        [*server_command(), "--log-level", "DEBUG"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=server_env(tmp_path, workspace_dir),
        cwd=tmp_path,
    )
    proc.stdin.write("".join(json.dumps(r) + "\n" for r in requests))
    proc.stdin.flush()
    messages, deadline = [], time.monotonic() + 60
    # Read until every request is answered (closing stdin first would end the session mid-request).
    while {m.get("id") for m in messages} < {1, 2, 3} and time.monotonic() < deadline:
        if select.select([proc.stdout], [], [], 1)[0]:
            line = proc.stdout.readline()
            if line.strip():
                messages.append(json.loads(line))  # raises on any stray print
    proc.stdin.close()
    stderr = proc.stderr.read()
    proc.wait(timeout=10)
    assert all(m.get("jsonrpc") == "2.0" for m in messages)
    assert {m.get("id") for m in messages} == {1, 2, 3}
    assert proc.stdout.read().strip() == "", "nothing after the responses either"
    failed = next(m for m in messages if m.get("id") == 2)["result"]
    assert failed["isError"] and "outside the allowed folders" in failed["content"][0]["text"]
    assert "DEBUG" in stderr, "logs go to stderr"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def http_server(tmp_path, workspace_dir):
    port = _free_port()
    proc = subprocess.Popen(
        [*server_command(), "--http", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=server_env(tmp_path, workspace_dir, KIJKOCUT_MCP_TOKEN=TOKEN),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("HTTP server did not start")
    yield f"http://127.0.0.1:{port}/mcp"
    proc.terminate()
    proc.wait(timeout=10)


async def test_http_requires_the_token(http_server):
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    }
    accept = {"Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.post(http_server, json=initialize, headers=accept)).status_code == 401
        wrong = {**accept, "Authorization": "Bearer not-the-token-at-all"}
        assert (await http.post(http_server, json=initialize, headers=wrong)).status_code == 401
        good = {**accept, "Authorization": f"Bearer {TOKEN}"}
        # DNS rebinding: a page on another origin, or a foreign Host, is refused even with the token.
        evil_origin = await http.post(
            http_server, json=initialize, headers={**good, "Origin": "http://evil.example"}
        )
        assert evil_origin.status_code == 403
        evil_host = await http.post(http_server, json=initialize, headers={**good, "Host": "evil.example"})
        assert evil_host.status_code == 421
        assert (await http.post(http_server, json=initialize, headers=good)).status_code == 200

    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as http2:
        async with Client(streamable_http_client(http_server, http_client=http2)) as client:
            pid = data(await client.call_tool("project_create", {"name": "over http"}))["id"]
            listed = data(await client.call_tool("project_list", {}))
            assert [p["id"] for p in listed["projects"]] == [pid]


def test_http_token_is_generated_once_and_kept_private(tmp_path, workspace_dir):
    from mcp_server.cli import main  # noqa: F401  (import check: the entry point exists)

    port = _free_port()
    env = server_env(tmp_path, workspace_dir)
    proc = subprocess.Popen(
        [*server_command(), "--http", "--port", str(port)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        first_lines = [proc.stderr.readline() for _ in range(2)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    token_file = tmp_path / "config" / "kijkocut" / "mcp_token"
    token = token_file.read_text().strip()
    assert len(token) >= 32 and token in first_lines[1]
    assert token_file.stat().st_mode & 0o077 == 0, "only the user may read the token"
