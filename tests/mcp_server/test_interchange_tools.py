"""otio_export reports what a format could not carry (a warning per element and property, and their count in
the text summary); otio_import reads an EDL at the frame rate it is given."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.mcp_server.conftest import data

pytest.importorskip("opentimelineio")


async def _titled_project(client) -> str:
    pid = data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 25}))[
        "id"
    ]
    media = data(await client.call_tool("media_import", {"project_id": pid, "path": "input/a.mp4"}))[
        "imported"
    ]
    data(await client.call_tool("clip_add", {"project_id": pid, "media_id": media[0]["id"]}))
    data(await client.call_tool("text_add", {"project_id": pid, "text": "Hi", "start": 0, "duration": 1}))
    return pid


async def test_edl_export_lists_what_it_drops(server):
    async with Client(server) as client:
        pid = await _titled_project(client)
        result = await client.call_tool("otio_export", {"project_id": pid, "format": "edl"})
        exported = data(result)
        assert exported["file"]["path"].endswith(".edl")
        assert exported["warning_count"] == len(exported["warnings"]) > 0
        assert any("Hi" in w or "text" in w.lower() for w in exported["warnings"]), exported["warnings"]
        assert f"warning_count={exported['warning_count']}" in result.content[0].text


async def test_edl_import_reads_at_the_given_rate(server):
    async with Client(server) as client:
        pid = await _titled_project(client)
        exported = data(await client.call_tool("otio_export", {"project_id": pid, "format": "edl"}))
        at_25 = data(await client.call_tool("otio_import", {"path": exported["file"]["path"], "rate": "25"}))
        at_default = data(await client.call_tool("otio_import", {"path": exported["file"]["path"]}))
        assert at_25["frame_rate"] == 25 and at_25["duration"] == 2.0
        assert at_default["frame_rate"] == 24  # the adapter's default, which misreads a 25 fps EDL
