"""Thumbnails, range previews as resource links, and job cancellation (a cancelled export leaves no file)."""

from __future__ import annotations

import base64
import io

import av
from mcp import Client
from PIL import Image

from tests.mcp_server.conftest import data, error_text


async def _project_with_clips(client) -> tuple[str, list[str]]:
    pid = data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15}))[
        "id"
    ]
    imported = data(await client.call_tool("media_import", {"project_id": pid, "path": "input"}))["imported"]
    for media in imported:
        data(await client.call_tool("clip_add", {"project_id": pid, "media_id": media["id"]}))
    return pid, [m["id"] for m in imported]


async def test_thumbnail_and_preview(server, workspace_dir):
    async with Client(server) as client:
        pid, media_ids = await _project_with_clips(client)
        thumb = await client.call_tool(
            "media_thumbnail", {"project_id": pid, "media_id": media_ids[1], "time": 1.0, "width": 80}
        )
        info = data(thumb)
        image = Image.open(
            io.BytesIO(base64.b64decode(next(b for b in thumb.content if b.type == "image").data))
        )
        assert image.size == (info["width"], info["height"]) and info["width"] == 80 and info["time"] == 1.0
        assert "past the end" in error_text(
            await client.call_tool(
                "media_thumbnail", {"project_id": pid, "media_id": media_ids[0], "time": 9}
            )
        )

        result = await client.call_tool(
            "preview_render", {"project_id": pid, "start": 1, "end": 3, "width": 160}
        )
        preview = data(result)
        assert preview["done"] and preview["state"] == "completed", preview
        link = next(block for block in result.content if block.type == "resource_link")
        assert link.uri == preview["outputs"][0]["uri"] and link.mime_type == "video/mp4"
        with av.open(str(workspace_dir / preview["outputs"][0]["path"])) as container:
            stream = container.streams.video[0]
            assert (stream.codec_context.width, stream.codec_context.height) == (160, 90)
            assert sum(1 for _ in container.decode(video=0)) == 30  # 2 s at 15 fps
        assert "must come after start" in error_text(
            await client.call_tool("preview_render", {"project_id": pid, "start": 5, "end": 2})
        )


async def test_cancel_a_queued_export(server, workspace_dir):
    """Renders run one at a time, so the second export waits in the queue; cancelling it is deterministic."""
    async with Client(server) as client:
        pid, _ = await _project_with_clips(client)
        first = data(
            await client.call_tool(
                "export_start", {"project_id": pid, "preset": "tiktok", "file_name": "first"}
            )
        )
        second = data(
            await client.call_tool(
                "export_start", {"project_id": pid, "preset": "default", "file_name": "second"}
            )
        )
        cancelled = data(await client.call_tool("job_cancel", {"job_id": second["job_id"]}))
        assert cancelled["job_id"] == second["job_id"]
        done = data(await client.call_tool("job_wait", {"job_id": second["job_id"], "timeout_seconds": 45}))
        assert done["state"] == "cancelled" and done["done"] and done["outputs"] == []
        data(await client.call_tool("job_cancel", {"job_id": first["job_id"]}))
        first_done = data(
            await client.call_tool("job_wait", {"job_id": first["job_id"], "timeout_seconds": 45})
        )
        assert first_done["state"] in ("cancelled", "completed")  # it may have finished before the cancel
        renders = workspace_dir / "renders" / pid
        names = sorted(p.name for p in renders.iterdir()) if renders.exists() else []
        assert "second.mp4" not in names and not [n for n in names if "partial" in n], names
        assert ("first.mp4" in names) == (first_done["state"] == "completed")
        listed = data(await client.call_tool("job_list", {}))
        assert [j["job_id"] for j in listed["jobs"]] == [first["job_id"], second["job_id"]]
