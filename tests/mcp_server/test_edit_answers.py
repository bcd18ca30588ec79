"""Edits show what they changed, in their answer and in project_describe: a title's fade and style, a clip's
gain and pan, a track's ducking (an assistant checks its work without reading the whole project)."""

from __future__ import annotations

from mcp import Client

from tests.mcp_server.conftest import data


async def _project_with_clip(client) -> tuple[str, dict]:
    pid = data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15}))[
        "id"
    ]
    media = data(await client.call_tool("media_import", {"project_id": pid, "path": "input/a.mp4"}))[
        "imported"
    ]
    clip = data(await client.call_tool("clip_add", {"project_id": pid, "media_id": media[0]["id"]}))
    return pid, clip


async def test_text_add_answers_with_its_fade_and_style(server):
    async with Client(server) as client:
        pid, _ = await _project_with_clip(client)
        added = data(
            await client.call_tool(
                "text_add",
                {
                    "project_id": pid,
                    "text": "Summer",
                    "start": 0,
                    "duration": 2,
                    "fade_in": 0.4,
                    "color": "#ff0000",
                    "animation_in": "slide_up",
                    "animation_duration": 0.4,
                    "box_color": "#00000080",
                },
            )
        )
        title = added["changed"][0]
        assert title["fade_in"] == 0.4
        assert title["style"] == {
            "color": "#ff0000",
            "animation_in": "slide_up",
            "animation_duration": 0.4,
            "box_color": "#00000080",
        }
        described = data(await client.call_tool("project_describe", {"project_id": pid}))
        shown = next(e for t in described["tracks"] for e in t["elements"] if e["id"] == title["id"])
        assert shown["style"]["animation_in"] == "slide_up" and shown["fade_in"] == 0.4


async def test_property_set_gain_answers_with_the_gain(server):
    async with Client(server) as client:
        pid, clip = await _project_with_clip(client)
        element_id = clip["element_id"]
        assert "gain_db" not in clip["changed"][0]  # 0 dB: nothing to say
        changed = data(
            await client.call_tool(
                "property_set",
                {"project_id": pid, "element_id": element_id, "property": "gain_db", "value": -6},
            )
        )
        assert changed["changed"][0]["gain_db"] == -6
        panned = data(
            await client.call_tool(
                "property_set", {"project_id": pid, "element_id": element_id, "property": "pan", "value": 0.5}
            )
        )
        assert panned["changed"][0]["pan"] == 0.5
        described = data(await client.call_tool("project_describe", {"project_id": pid}))
        assert described["tracks"][0]["elements"][0]["gain_db"] == -6


async def test_track_update_answers_with_the_track(server):
    async with Client(server) as client:
        pid, clip = await _project_with_clip(client)
        music_track = clip["changed"][0]["track_id"]
        voice = data(await client.call_tool("track_add", {"project_id": pid, "kind": "audio"}))[
            "tracks_created"
        ][0]
        ducked = data(
            await client.call_tool(
                "track_update",
                {
                    "project_id": pid,
                    "track_id": music_track,
                    "ducking_under_track_id": voice,
                    "ducking_amount_db": -18,
                    "muted": True,
                },
            )
        )
        track = ducked["tracks_changed"][0]
        assert track["id"] == music_track and track["muted"] is True and track["ducked_under"] == voice
        assert track["ducking"]["amount_db"] == -18
        described = data(await client.call_tool("project_describe", {"project_id": pid}))
        shown = next(t for t in described["tracks"] if t["id"] == music_track)
        assert shown["ducking"]["amount_db"] == -18 and shown["ducked_under"] == voice


async def test_refused_arguments_read_in_the_users_terms(server):
    async with Client(server) as client:
        for tool, arguments in (
            ("project_create", {"width": "wide"}),
            ("frame_render", {"project_id": "x", "time": 1, "width": 5}),
        ):
            result = await client.call_tool(tool, arguments)
            text = result.content[0].text
            assert result.is_error and "\n" not in text, text
            assert "pydantic" not in text and "validation error for" not in text, text
            assert "width" in text, text


async def test_a_refused_edit_says_why_in_one_line(server):
    async with Client(server) as client:
        pid = data(await client.call_tool("project_create", {}))["id"]
        result = await client.call_tool("element_move", {"project_id": pid, "element_id": "nope", "start": 1})
        text = result.content[0].text
        assert result.is_error and text.startswith("element_move: unknown element 'nope'"), text
