"""The issue-3 editing vocabulary through an in-process client: effects, keyframes, animation presets, speed,
transitions of every kind, freeze frames, detached audio, track switches, styled titles, captions and OTIO,
and the errors a model gets for bad effect, parameter and property input."""

from __future__ import annotations

import base64
import io

import anyio
import av
import numpy as np
import pytest
from mcp import Client
from PIL import Image

from tests.mcp_server.conftest import data, error_text


async def _setup(client, *names: str) -> tuple[str, list[dict]]:
    """A 320x180 @ 15 fps project with 1 s pieces (from 0.5 s into each named clip) appended on one track."""
    pid = data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15}))[
        "id"
    ]
    clips = []
    for name in names:
        media_id = data(
            await client.call_tool("media_import", {"project_id": pid, "path": f"input/{name}.mp4"})
        )["imported"][0]["id"]
        edit = data(
            await client.call_tool(
                "clip_add", {"project_id": pid, "media_id": media_id, "source_in": 0.5, "duration": 1.0}
            )
        )
        clips.append(edit["changed"][0])
    return pid, clips


async def _frame_rgb(client, pid: str, time: float) -> np.ndarray:
    result = await client.call_tool("frame_render", {"project_id": pid, "time": time, "width": 320})
    data(result)
    block = next(b for b in result.content if b.type == "image")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(block.data))).convert("RGB"), dtype=np.float64)


def _mean_colour(rgb: np.ndarray) -> np.ndarray:
    return rgb.reshape(-1, 3).mean(axis=0)


async def test_effect_keyframes_speed_wipe_and_export(server, workspace_dir):
    async with Client(server) as client:
        catalogue = data(await client.call_tool("effect_list", {}))
        invert = next(e for e in catalogue["effects"] if e["kind"] == "invert")
        assert invert["params"] == [
            {
                "name": "amount",
                "type": "number",
                "default": 1.0,
                "minimum": 0.0,
                "maximum": 1.0,
                "description": "",
            }
        ]
        assert "wipe_left" in catalogue["transition_kinds"] and "screen" in catalogue["blend_modes"]

        pid, (a, b) = await _setup(client, "a", "b")
        plain = _mean_colour(await _frame_rgb(client, pid, 0.2))

        added = data(
            await client.call_tool("effect_add", {"project_id": pid, "element_id": a["id"], "kind": "invert"})
        )
        effect_id = added["effect_id"]
        assert added["changed"][0]["effects"] == [
            {"id": effect_id, "kind": "invert", "enabled": True, "params": {"amount": 1.0}}
        ]
        path = f"effects.{effect_id}.amount"
        animated = data(
            await client.call_tool(
                "keyframes_set",
                {
                    "project_id": pid,
                    "element_id": a["id"],
                    "property": path,
                    "keyframes": [
                        {"time": 0, "value": 1, "interpolation": "hold"},
                        {"time": 0.9, "value": 1},
                    ],
                },
            )
        )
        assert animated["changed"][0]["animated"] == [path]

        slowed = data(
            await client.call_tool("speed_set", {"project_id": pid, "element_id": b["id"], "speed": 0.5})
        )
        assert slowed["changed"][0]["speed"] == 0.5 and slowed["duration"] == 3.0
        kenburns = data(
            await client.call_tool(
                "animation_preset_apply", {"project_id": pid, "element_id": b["id"], "preset": "ken_burns"}
            )
        )
        assert "transform.scale" in kenburns["changed"][0]["animated"]

        wipe = data(
            await client.call_tool(
                "transition_add",
                {
                    "project_id": pid,
                    "from_element_id": a["id"],
                    "to_element_id": b["id"],
                    "kind": "wipe_left",
                    "duration": 0.4,
                },
            )
        )
        changed = data(
            await client.call_tool(
                "transition_update",
                {"project_id": pid, "kind": "wipe_right", "transition_id": wipe["transition_id"]},
            )
        )
        assert changed["transition_id"] == wipe["transition_id"]
        track = data(await client.call_tool("project_describe", {"project_id": pid}))["tracks"][0]
        assert [(t["kind"], t["duration"]) for t in track["transitions"]] == [("wipe_right", 0.4)]

        inverted = _mean_colour(await _frame_rgb(client, pid, 0.2))
        np.testing.assert_allclose(inverted, 255 - plain, atol=12)

        job = data(
            await client.call_tool(
                "export_start",
                {"project_id": pid, "file_name": "vocab", "wait_seconds": 40, "loudness_lufs": -16},
            )
        )
        for _ in range(6):
            if job["done"]:
                break
            job = data(await client.call_tool("job_wait", {"job_id": job["job_id"], "timeout_seconds": 30}))
        assert job["state"] == "completed", job
        with av.open(str(workspace_dir / job["outputs"][0]["path"])) as container:
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
            duration = container.duration / av.time_base
        assert len(frames) == 45 and duration == pytest.approx(3.0, abs=0.1)  # 1 s + 1 s at half speed
        np.testing.assert_allclose(_mean_colour(frames[3].astype(np.float64)), 255 - plain, atol=12)

        # One undo step per tool call: removing the effect comes back whole, keyframes included.
        removed = data(
            await client.call_tool(
                "effect_remove", {"project_id": pid, "element_id": a["id"], "effect_id": effect_id}
            )
        )
        assert removed["changed"][0]["effects"] == [] and removed["changed"][0]["animated"] == []
        undone = data(await client.call_tool("project_undo", {"project_id": pid}))
        assert undone["changed"][0]["effects"][0]["id"] == effect_id and undone["changed"][0]["animated"] == [
            path
        ]


async def test_freeze_detach_tracks_titles_and_new_track_clip(server):
    async with Client(server) as client:
        pid, (a, c) = await _setup(client, "a", "c")
        frozen = data(
            await client.call_tool(
                "freeze_frame", {"project_id": pid, "element_id": c["id"], "at": 1.4, "duration": 1.0}
            )
        )
        hold = next(e for e in frozen["changed"] if e["freeze_frame"])
        assert (hold["start"], hold["end"], frozen["duration"]) == (1.4, 2.4, 3.0)

        detached = data(await client.call_tool("audio_detach", {"project_id": pid, "element_id": a["id"]}))
        video_part = next(e for e in detached["changed"] if e["id"] == a["id"])
        sound = next(e for e in detached["changed"] if e["id"] != a["id"])
        assert video_part["audio_muted"] and sound["track_id"] != a["track_id"]
        assert len(detached["tracks_created"]) == 1

        muted = data(
            await client.call_tool(
                "track_update",
                {"project_id": pid, "track_id": sound["track_id"], "muted": True, "locked": True},
            )
        )
        view = data(await client.call_tool("project_describe", {"project_id": pid}))
        audio_track = next(t for t in view["tracks"] if t["id"] == sound["track_id"])
        assert audio_track["muted"] and audio_track["locked"] and muted["revision"] == view["revision"]
        data(
            await client.call_tool(
                "track_update", {"project_id": pid, "track_id": sound["track_id"], "locked": False}
            )
        )
        data(
            await client.call_tool(
                "track_update", {"project_id": pid, "track_id": a["track_id"], "solo": True}
            )
        )
        data(
            await client.call_tool(
                "track_update",
                {
                    "project_id": pid,
                    "track_id": sound["track_id"],
                    "ducking_under_track_id": a["track_id"],
                    "ducking_amount_db": -18,
                },
            )
        )
        view = data(await client.call_tool("project_describe", {"project_id": pid}))
        by_id = {t["id"]: t for t in view["tracks"]}
        assert by_id[a["track_id"]]["solo"] and by_id[sound["track_id"]]["ducked_under"] == a["track_id"]
        data(
            await client.call_tool(
                "track_update", {"project_id": pid, "track_id": sound["track_id"], "ducking_off": True}
            )
        )

        title = data(
            await client.call_tool(
                "text_add",
                {
                    "project_id": pid,
                    "text": "A long title that wraps",
                    "start": 0,
                    "duration": 2,
                    "size": 24,
                    "weight": "bold",
                    "stroke_width": 2,
                    "box_color": "#00000099",
                    "max_width": 200,
                    "animation_in": "typewriter",
                    "animation_out": "slide_down",
                },
            )
        )
        styled = data(
            await client.call_tool(
                "property_set",
                {
                    "project_id": pid,
                    "element_id": title["changed"][0]["id"],
                    "property": "style.letter_spacing",
                    "value": "3",
                },
            )
        )
        assert styled["revision"] == title["revision"] + 1
        assert (
            data(
                await client.call_tool(
                    "property_set",
                    {"project_id": pid, "element_id": c["id"], "property": "blend_mode", "value": "screen"},
                )
            )["changed"][0]["blend_mode"]
            == "screen"
        )

        adjustment = data(
            await client.call_tool("adjustment_add", {"project_id": pid, "start": 0, "duration": 1})
        )
        assert adjustment["changed"][0]["kind"] == "adjustment" and adjustment["tracks_created"]
        graded = data(
            await client.call_tool(
                "effect_add",
                {
                    "project_id": pid,
                    "kind": "sepia",
                    "element_id": adjustment["changed"][0]["id"],
                    "params": {"amount": 0.5},
                },
            )
        )
        assert graded["changed"][0]["effects"][0]["params"] == {"amount": 0.5}

        # A clip on a new track is one edit: one undo removes the track and the clip.
        media_id = data(await client.call_tool("media_list", {"project_id": pid}))["media"][1]["id"]
        before = data(await client.call_tool("project_describe", {"project_id": pid}))
        overlay = data(
            await client.call_tool(
                "clip_add", {"project_id": pid, "media_id": media_id, "duration": 1, "new_track": True}
            )
        )
        assert overlay["revision"] == before["revision"] + 1 and len(overlay["tracks_created"]) == 1
        data(await client.call_tool("project_undo", {"project_id": pid}))
        after = data(await client.call_tool("project_describe", {"project_id": pid}))
        assert [t["id"] for t in after["tracks"]] == [t["id"] for t in before["tracks"]]


async def test_captions_and_otio_round_trip(server, workspace_dir):
    (workspace_dir / "input" / "subs.srt").write_text(
        "1\n00:00:00,000 --> 00:00:00,800\nHello\n\n2\n00:00:01,000 --> 00:00:01,900\n<i>World</i>\n"
    )
    async with Client(server) as client:
        pid, _ = await _setup(client, "a", "b")
        imported = data(
            await client.call_tool("captions_import", {"project_id": pid, "path": "input/subs.srt"})
        )
        assert [e["text"] for e in imported["changed"]] == ["Hello", "World"]
        track_id = imported["tracks_created"][0]
        written = data(
            await client.call_tool(
                "captions_export",
                {"project_id": pid, "track_id": track_id, "format": "vtt", "file_name": "subs"},
            )
        )
        assert written["path"] == f"renders/{pid}/subs.vtt"
        text = (workspace_dir / written["path"]).read_text()
        assert (
            text.startswith("WEBVTT") and "00:00:01.000 --> 00:00:01.900" in text and "<i>World</i>" in text
        )
        data(await client.call_tool("project_undo", {"project_id": pid}))
        view = data(await client.call_tool("project_describe", {"project_id": pid}))
        assert [t["kind"] for t in view["tracks"]] == ["video"], "one undo takes the whole import back"

        timeline = data(await client.call_tool("otio_export", {"project_id": pid}))
        assert timeline["file"]["path"].endswith(".otio")
        copy = data(await client.call_tool("otio_import", {"path": timeline["file"]["path"]}))
        assert copy["id"] != pid and copy["duration"] == 2.0 and copy["elements"] == 2


async def _error(client, tool: str, arguments: dict) -> str:
    with anyio.fail_after(20):
        text = error_text(await client.call_tool(tool, arguments))
    assert text != f"Error executing tool {tool}", "an unexpected crash, not an explained error"
    return text


async def test_bad_effect_and_animation_input_is_explained(server):
    async with Client(server) as client:
        pid, (a, b) = await _setup(client, "a", "b")

        def args(**extra):
            return {"project_id": pid, "element_id": a["id"], **extra}

        unknown = await _error(client, "effect_add", args(kind="glow"))
        assert "unknown effect 'glow'" in unknown and "sepia" in unknown  # the kinds there are
        assert "between 0 and 1" in await _error(
            client, "effect_add", args(kind="invert", params={"amount": 3})
        )
        assert "has no parameter radius" in await _error(
            client, "effect_add", args(kind="invert", params={"radius": 3})
        )
        assert "must be a number" in await _error(
            client, "effect_add", args(kind="invert", params={"amount": "lots"})
        )
        assert "has no effect" in await _error(
            client, "effect_update", args(effect_id="fx_nope", params={"amount": 1})
        )
        text = await _error(
            client, "keyframes_set", args(property="transform.wobble", keyframes=[{"time": 0, "value": 1}])
        )
        assert "cannot be animated" in text and "transform.scale" in text
        assert "interpolation" in await _error(
            client,
            "keyframes_set",
            args(property="transform.scale", keyframes=[{"time": 0, "value": 1, "interpolation": "bounce"}]),
        )
        assert "speed: must be at most 10, got 20" in await _error(client, "speed_set", args(speed=20))
        assert "wipe_left" in await _error(
            client,
            "transition_add",
            {"project_id": pid, "from_element_id": a["id"], "to_element_id": b["id"], "kind": "spin"},
        )
        assert "unknown transition" in await _error(
            client, "transition_update", {"project_id": pid, "transition_id": "trn_nope", "kind": "iris"}
        )
        assert "not inside" in await _error(client, "freeze_frame", args(at=1.5))
        assert "unknown track" in await _error(
            client, "track_update", {"project_id": pid, "track_id": "trk_x", "muted": True}
        )
        assert "loudness_lufs" in await _error(
            client, "export_start", {"project_id": pid, "loudness_lufs": 5}
        )
        view = data(await client.call_tool("project_describe", {"project_id": pid}))
        assert view["tracks"][0]["elements"][0]["effects"] == [], "failed edits leave the project as it was"
