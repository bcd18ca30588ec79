"""The MCP server through an in-process client, in the current (2026-07-28, direct dispatch) and the legacy
(initialize handshake, JSON-RPC streams) protocol eras: tool listing, and a full edit → export conversation
whose output file is checked with PyAV."""

from __future__ import annotations

import base64
import io
import json
import re

import av
import pytest
from mcp import Client
from PIL import Image

from kijkocut.project_io import load_project
from tests.mcp_server.conftest import data

ERAS = ["auto", "legacy"]


def _walk(schema):
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from _walk(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _walk(value)


@pytest.mark.parametrize("mode", ERAS)
async def test_every_tool_is_described_typed_and_flat(server, mode):
    async with Client(server, mode=mode) as client:
        tools = (await client.list_tools()).tools
        names = {tool.name for tool in tools}
        assert {"project_create", "clip_add", "export_start", "job_wait", "workflow_run"} <= names
        for tool in tools:
            assert tool.description and len(tool.description) > 20, tool.name
            assert tool.input_schema["type"] == "object", tool.name
            assert tool.output_schema and tool.output_schema.get("type") == "object", tool.name
            assert tool.annotations is not None and tool.annotations.open_world_hint is not None, tool.name
            # Gemini CLI's sanitiser drops $ref/$defs and mishandles anyOf: inputs must not use them.
            for node in _walk(tool.input_schema):
                assert not {"$ref", "$defs", "anyOf", "oneOf", "allOf"} & node.keys(), (tool.name, node)
        by_name = {tool.name: tool for tool in tools}
        assert by_name["project_delete"].annotations.destructive_hint is True
        assert by_name["project_describe"].annotations.read_only_hint is True
        assert by_name["workflow_run"].annotations.open_world_hint is True
        assert by_name["clip_add"].annotations.open_world_hint is False

        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        assert {"project://{project_id}", "workflow://{workflow_id}", "workspace://{+path}"} <= templates
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert prompts == {
            "edit_video_from_clips",
            "social_short_from_generated_clip",
            "find_and_run_workflow",
        }
        prompt = await client.get_prompt("edit_video_from_clips", {"folder": "input", "aspect": "9:16"})
        assert "1080x1920" in prompt.messages[0].content.text


async def _wait_done(client, job: dict, progress: list) -> dict:
    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    for _ in range(10):  # each wait is bounded; a slow machine just needs more rounds
        if job["done"]:
            return job
        result = await client.call_tool(
            "job_wait", {"job_id": job["job_id"], "timeout_seconds": 20}, progress_callback=on_progress
        )
        job = data(result)
    raise AssertionError(f"job never finished: {job}")


@pytest.mark.parametrize("mode", ERAS)
async def test_edit_and_export_conversation(server, mode, workspace_dir):
    async with Client(server, mode=mode) as client:
        listing = data(await client.call_tool("files_list", {"folder": "input"}))
        assert [e["path"] for e in listing["entries"]] == ["input/a.mp4", "input/b.mp4", "input/c.mp4"]

        project = data(
            await client.call_tool(
                "project_create", {"name": "Trip", "width": 320, "height": 180, "frame_rate": 15}
            )
        )
        pid = project["id"]
        imported = data(await client.call_tool("media_import", {"project_id": pid, "path": "input"}))
        assert [m["name"] for m in imported["imported"]] == ["a.mp4", "b.mp4", "c.mp4"]
        assert imported["imported"][0]["has_audio"] and imported["imported"][0]["duration"] == pytest.approx(
            2, abs=0.1
        )
        pool = data(await client.call_tool("media_list", {"project_id": pid}))["media"]
        assert [(m["kind"], m["width"], m["height"], m["frame_rate"]) for m in pool] == [
            ("video", 160, 90, 15)
        ] * 3

        # Three 1 s pieces from the middle of each clip, appended one after another: handles for crossfades.
        clips = []
        for media in imported["imported"]:
            edit = data(
                await client.call_tool(
                    "clip_add",
                    {"project_id": pid, "media_id": media["id"], "source_in": 0.5, "duration": 1.0},
                )
            )
            clips.append(edit["changed"][0])
        assert [(c["start"], c["end"]) for c in clips] == [(0, 1), (1, 2), (2, 3)]

        title = data(
            await client.call_tool(
                "text_add", {"project_id": pid, "text": "Summer", "start": 0, "duration": 1.5, "size": 40}
            )
        )
        assert title["tracks_created"] and title["changed"][0]["text"] == "Summer"
        for left, right in zip(clips, clips[1:]):
            edit = data(
                await client.call_tool(
                    "transition_add",
                    {
                        "project_id": pid,
                        "from_element_id": left["id"],
                        "to_element_id": right["id"],
                        "duration": 0.4,
                    },
                )
            )
            assert {c["id"] for c in edit["changed"]} == {left["id"], right["id"]}

        view = data(await client.call_tool("project_describe", {"project_id": pid}))
        assert view["duration"] == 3 and view["can_undo"]
        video_track = next(t for t in view["tracks"] if t["kind"] == "video")
        assert len(video_track["elements"]) == 3 and len(video_track["transitions"]) == 2

        frame = await client.call_tool("frame_render", {"project_id": pid, "time": 0.5, "width": 160})
        info = data(frame)
        image_block = next(block for block in frame.content if block.type == "image")
        picture = Image.open(io.BytesIO(base64.b64decode(image_block.data)))
        assert picture.size == (info["width"], info["height"]) == (160, 90)

        started = data(
            await client.call_tool(
                "export_start", {"project_id": pid, "preset": "tiktok", "file_name": "trip_vertical"}
            )
        )
        assert started["kind"] == "export" and not started.get("error")
        progress: list = []
        finished = await _wait_done(client, started, progress)
        assert finished["state"] == "completed", finished
        assert progress and progress[-1][0] == pytest.approx(1.0)
        output = finished["outputs"][0]
        assert output["path"] == f"renders/{pid}/trip_vertical.mp4"

        with av.open(str(workspace_dir / output["path"])) as container:
            video = container.streams.video[0]
            assert (video.codec_context.width, video.codec_context.height) == (1080, 1920)
            assert container.streams.audio, "clip a carries a tone, so the export has audio"
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        assert len(frames) == 45  # 3 s at the project's 15 fps
        assert all(f.mean() > 20 for f in frames[::5]), "frames should show the clips, not black"
        assert "LUFS" in finished["message"] and "dBTP" in finished["message"], finished["message"]

        master = await _wait_done(
            client,
            data(
                await client.call_tool(
                    "export_start",
                    {
                        "project_id": pid,
                        "container": "mov",
                        "audio_codec": "pcm",
                        "loudness_lufs": -16,
                        "file_name": "trip_master",
                    },
                )
            ),
            [],
        )
        assert master["state"] == "completed", master
        loudness = re.search(r"audio (-?[0-9.]+) LUFS, true peak (-?[0-9.]+) dBTP", master["message"])
        assert float(loudness[1]) == pytest.approx(-16, abs=0.2) and float(loudness[2]) <= -1.0 + 0.05
        with av.open(str(workspace_dir / master["outputs"][0]["path"])) as container:
            assert container.streams.audio[0].codec_context.name == "pcm_s24le"

        resource = await client.read_resource(output["uri"])
        assert len(base64.b64decode(resource.contents[0].blob)) == output["size_bytes"]
        doc = json.loads((await client.read_resource(f"project://{pid}")).contents[0].text)
        assert doc["id"] == pid and len(doc["tracks"]) == 2


@pytest.mark.parametrize("mode", ERAS)
async def test_undo_redo_trim_split_move_delete(server, mode, workspace_dir):
    async with Client(server, mode=mode) as client:
        pid = data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15}))[
            "id"
        ]
        media_id = data(await client.call_tool("media_import", {"project_id": pid, "path": "input/a.mp4"}))[
            "imported"
        ][0]["id"]
        clip = data(await client.call_tool("clip_add", {"project_id": pid, "media_id": media_id}))["changed"][
            0
        ]
        assert (clip["start"], clip["end"]) == (0, 2)

        split = data(
            await client.call_tool("element_split", {"project_id": pid, "element_id": clip["id"], "at": 0.8})
        )
        left, right = sorted(split["changed"], key=lambda e: e["start"])
        assert (left["end"], right["start"], right["source_in"]) == (0.8, 0.8, 0.8)

        trimmed = data(
            await client.call_tool(
                "element_trim", {"project_id": pid, "element_id": right["id"], "edge": "end", "to": 1.6}
            )
        )
        assert trimmed["changed"][0]["end"] == 1.6
        moved = data(
            await client.call_tool("element_move", {"project_id": pid, "element_id": right["id"], "start": 3})
        )
        assert moved["changed"][0]["start"] == 3 and moved["duration"] == 3.8
        styled = data(
            await client.call_tool(
                "property_set",
                {
                    "project_id": pid,
                    "element_id": left["id"],
                    "property": "transform.opacity",
                    "value": "0.5",
                },
            )
        )
        assert styled["changed"][0]["id"] == left["id"]
        deleted = data(
            await client.call_tool("element_delete", {"project_id": pid, "element_id": left["id"]})
        )
        assert deleted["removed"] == [left["id"]] and deleted["duration"] == pytest.approx(3.0)

        undone = data(await client.call_tool("project_undo", {"project_id": pid}))
        # The ripple pulled the moved piece left; undo restores both.
        restored = {e["id"]: e["start"] for e in undone["changed"]}
        assert restored == {left["id"]: 0, right["id"]: 3} and undone["revision"] == deleted["revision"] + 1
        redone = data(await client.call_tool("project_redo", {"project_id": pid}))
        assert redone["removed"] == [left["id"]]

        # What the server saved is a project file the engine reads back as the same timeline.
        saved = load_project(workspace_dir / "projects" / pid / "project.json")
        assert saved.revision == redone["revision"] and saved.history.undone == []

        listed = data(await client.call_tool("project_list", {}))
        assert [p["id"] for p in listed["projects"]] == [pid]
        gone = data(await client.call_tool("project_delete", {"project_id": pid}))
        assert gone["deleted"] and data(await client.call_tool("project_list", {}))["projects"] == []
