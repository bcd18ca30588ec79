"""The productions tool group of the MCP server: opt-in (the default tools/list stays as it was), bounded
waits that answer with a handle, the pending gate and artefacts as resources, every decision through a tool."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("mcp", reason="the mcp extra is not installed")

from mcp import Client  # noqa: E402

from mcp_server.config import ServerConfig  # noqa: E402
from mcp_server.server import build_server  # noqa: E402
from mcp_server.services import Services  # noqa: E402

from .conftest import BRIEF  # noqa: E402


def server_with(tmp_path, groups):
    config = ServerConfig(workspace=tmp_path / "ws", data_dir=tmp_path / "data", tool_groups=groups)
    return build_server(Services.from_config(config))


def data(result):
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def test_the_productions_group_is_opt_in(tmp_path):
    async with Client(server_with(tmp_path, ["editing", "workflows"])) as client:
        default = {tool.name for tool in (await client.list_tools()).tools}
    async with Client(server_with(tmp_path, ["productions"])) as client:
        listed = await client.list_tools()
    names = {tool.name for tool in listed.tools}
    assert not {n for n in default if n.startswith("production_")}
    assert names == {
        "production_start",
        "production_status",
        "production_decide",
        "production_list",
        "production_history",
        "production_reopen",
        "production_fork",
        "production_export",
    }
    for tool in listed.tools:
        for name, prop in tool.input_schema.get("properties", {}).items():
            assert prop.get("description"), (tool.name, name)
    assert len(listed.model_dump_json(by_alias=True, exclude_none=True)) < 12_000


async def test_a_production_through_mcp(tmp_path, monkeypatch):
    monkeypatch.delenv("KIJKOCUT_AGENTS_DATABASE_URL", raising=False)
    monkeypatch.delenv("KIJKOCUT_AGENTS_BRAIN", raising=False)
    async with Client(server_with(tmp_path, ["productions"])) as client:
        listed = data(await client.call_tool("production_list", {}))
        assert {"ad_spot", "social_short", "explainer", "previz"} <= set(listed["templates"])
        started = data(await client.call_tool("production_start", {"brief": BRIEF, "production_id": "m-1"}))
        assert started["state"] == "waiting" and started["gate"]["gate"] == "vrd"
        gate = json.loads((await client.read_resource("production://m-1/gate")).contents[0].text)
        assert gate["action_requests"][0]["name"] == "review_vrd"
        assert "approve" in gate["review_configs"][0]["allowed_decisions"]
        refused = await client.call_tool("production_decide", {"production_id": "m-1", "decision": "reject"})
        assert refused.is_error and "needs a message" in refused.content[0].text
        stale = await client.call_tool(
            "production_decide", {"production_id": "m-1", "decision": "approve", "version": 7}
        )
        assert stale.is_error and "not the vrd v7 you reviewed" in stale.content[0].text
        rejected = data(
            await client.call_tool(
                "production_decide",
                {"production_id": "m-1", "decision": "reject", "message": "audience: bakers"},
            )
        )
        assert rejected["artefacts"] == {"vrd": 2}
        vrd = json.loads((await client.read_resource("production://m-1/vrd")).contents[0].text)
        assert vrd["audience"] == "bakers"
        vrd["core_message"] = "Fresh bread, fresh coffee."
        edited = data(
            await client.call_tool(
                "production_decide", {"production_id": "m-1", "decision": "edit", "edited": vrd}
            )
        )
        assert edited["approved"] == {"vrd": 3} and edited["gate"]["gate"] == "script"
        status = edited
        while status.get("gate"):
            status = data(
                await client.call_tool("production_decide", {"production_id": "m-1", "decision": "approve"})
            )
        assert status["state"] == "done"
        history = data(await client.call_tool("production_history", {"production_id": "m-1"}))["checkpoints"]
        assert history[0]["artefacts"]["budget"] == 1
        fork = data(await client.call_tool("production_fork", {"production_id": "m-1", "artefact": "script"}))
        assert fork["id"].startswith("m-1-fork-") and fork["gate"]["gate"] == "script"
        files = data(await client.call_tool("production_export", {"production_id": "m-1"}))["files"]
        assert any(f.endswith("script.fountain") for f in files)
        assert all(f.startswith(str(tmp_path / "data")) for f in files)
        missing = await client.call_tool("production_status", {"production_id": "nope"})
        assert missing.is_error and "no production 'nope'" in missing.content[0].text
        bad = await client.call_tool("production_status", {"production_id": "../../x"})
        assert bad.is_error


async def test_waits_report_the_agent_at_work(tmp_path, monkeypatch):
    """While agents run in the background, start, status and decide send progress naming the agent at work
    (each notification new, values only going up), and a status taken meanwhile names it too."""
    script = tmp_path / "slow.json"
    slow = {"__delay_s__": 2.5}  # then the offline draft
    script.write_text(json.dumps({"replies": {"vrd": [slow], "scriptsmith": [slow]}}))
    monkeypatch.setenv("KIJKOCUT_AGENTS_BRAIN", f"scripted:{script}")
    monkeypatch.delenv("KIJKOCUT_AGENTS_DATABASE_URL", raising=False)
    heard: list[tuple[float, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        heard.append((value, message))

    async with Client(server_with(tmp_path, ["productions"])) as client:
        started = data(
            await client.call_tool(
                "production_start",
                {"brief": BRIEF, "production_id": "m-progress", "wait_s": 1.2},
                progress_callback=on_progress,
            )
        )
        assert started["state"] == "working" and started["agent"] == "vrd"
        assert heard == [(1.0, "vrd: writing the VRD")]
        polled = data(await client.call_tool("production_status", {"production_id": "m-progress"}))
        assert polled["state"] == "working" and polled["agent"] == "vrd"
        assert polled["log"] == ["vrd: writing the VRD"]
        waited = data(
            await client.call_tool(
                "production_status",
                {"production_id": "m-progress", "wait_s": 20},
                progress_callback=on_progress,
            )
        )
        assert (
            waited["state"] == "waiting" and waited["gate"]["gate"] == "vrd" and waited.get("agent") is None
        )
        heard.clear()
        decided = data(
            await client.call_tool(
                "production_decide",
                {"production_id": "m-progress", "decision": "approve", "wait_s": 20},
                progress_callback=on_progress,
            )
        )
        assert decided["gate"]["gate"] == "script"
        assert heard == [(1.0, "scriptsmith: writing the script")]
