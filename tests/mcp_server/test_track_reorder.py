"""The reorder_track action reaches MCP clients as track_reorder (the tool table's name), one undo step."""

from __future__ import annotations

from mcp import Client

from tests.mcp_server.conftest import data


async def test_track_reorder_moves_a_track_and_undo_restores_the_order(server):
    async with Client(server) as client:
        pid = data(await client.call_tool("project_create", {"width": 320, "height": 180}))["id"]
        for kind in ("video", "audio"):
            await client.call_tool("track_add", {"project_id": pid, "kind": kind})
        order = [
            t["id"] for t in data(await client.call_tool("project_describe", {"project_id": pid}))["tracks"]
        ]
        moved = await client.call_tool("track_reorder", {"project_id": pid, "track_id": order[1], "index": 0})
        assert not moved.is_error, moved.content[0].text
        described = data(await client.call_tool("project_describe", {"project_id": pid}))
        assert [t["id"] for t in described["tracks"]] == [order[1], order[0]]
        await client.call_tool("project_undo", {"project_id": pid})
        described = data(await client.call_tool("project_describe", {"project_id": pid}))
        assert [t["id"] for t in described["tracks"]] == order
