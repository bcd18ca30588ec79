"""Bad input never crashes or hangs the server: every case returns a tool error whose text tells the model
what to change (a crash would read only 'Error executing tool <name>')."""

from __future__ import annotations

import os

import anyio
import pytest
from mcp import Client, MCPError

from tests.mcp_server.conftest import data, error_text


# The client is opened inside each test: an async-generator fixture would enter and exit the client's task
# group in different tasks.
async def new_project(client) -> str:
    return data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15}))[
        "id"
    ]


async def call_error(client, tool: str, arguments: dict) -> str:
    with anyio.fail_after(20):
        text = error_text(await client.call_tool(tool, arguments))
    assert text != f"Error executing tool {tool}", "an unexpected crash, not an explained error"
    return text


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        ("project_create", {"width": "wide"}, "width"),
        ("project_create", {"width": 8}, "width: must be at least 16, got 8"),
        ("project_create", {"width": 321}, "even"),
        ("project_create", {"frame_rate": -5}, "frame_rate"),
        (
            "job_wait",
            {"job_id": "exp_x", "timeout_seconds": 600},
            "timeout_seconds: must be at most 45, got 600",
        ),
        ("project_describe", {}, "project_id"),
        ("project_describe", {"project_id": "prj_doesnotexist"}, "unknown project"),
        ("project_describe", {"project_id": "../../etc"}, "unknown project"),
        ("job_status", {"job_id": "exp_0000000000"}, "unknown job"),
        ("no_such_tool", {}, "no_such_tool"),
    ],
)
async def test_arguments_and_ids(server, tool, arguments, expected):
    async with Client(server) as client:
        assert expected in await call_error(client, tool, arguments)


async def test_edit_errors_name_the_problem(server):
    async with Client(server) as client:
        project_id = await new_project(client)

        def args(**extra):
            return {"project_id": project_id, **extra}

        assert "unknown media" in await call_error(client, "clip_add", args(media_id="med_nope"))
        assert "unknown element" in await call_error(
            client, "element_trim", args(element_id="clip_x", edge="end", to=1)
        )
        assert "edge: must be one of start, end" in await call_error(
            client, "element_trim", args(element_id="clip_x", edge="middle", to=1)
        )
        assert "unknown element" in await call_error(
            client, "transition_add", args(from_element_id="a", to_element_id="b")
        )
        assert "nothing to undo" in await call_error(client, "project_undo", args())
        assert "empty" in await call_error(client, "export_start", args(preset="default"))
        assert "unknown export preset" in await call_error(client, "export_start", args(preset="vhs"))
        assert "color" in await call_error(
            client, "text_add", args(text="Hi", start=0, duration=1, color="red")
        )

        media_id = data(await client.call_tool("media_import", args(path="input/a.mp4")))["imported"][0]["id"]
        assert "start: cannot read 'soon'" in await call_error(
            client, "clip_add", args(media_id=media_id, start="soon")
        )
        clip = data(await client.call_tool("clip_add", args(media_id=media_id)))["changed"][0]
        assert "outside" in await call_error(client, "element_split", args(element_id=clip["id"], at=5))
        assert "past the end" in await call_error(
            client, "clip_add", args(media_id=media_id, source_in=1, duration=5)
        )
        assert "opacity" in await call_error(
            client, "property_set", args(element_id=clip["id"], property="transform.opacity", value="7")
        )
        assert "past the end" in await call_error(client, "frame_render", args(time=50))
        assert "file name" in await call_error(client, "export_start", args(file_name="../../evil"))
        # The failed edits left the project as it was (import, then the clip on its new track: one edit).
        view = data(await client.call_tool("project_describe", args()))
        assert view["revision"] == 2 and view["tracks"][0]["elements"][0]["end"] == 2


async def test_paths_outside_the_workspace_are_refused(server, workspace_dir, config, tmp_path, clip_files):
    async with Client(server) as client:
        project_id = await new_project(client)
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "secret.mp4").write_bytes(clip_files.paths[0].read_bytes())
        os.symlink(outside / "secret.mp4", workspace_dir / "input" / "link.mp4")
        os.symlink(outside, workspace_dir / "linked_folder")

        for path in (
            "../outside/secret.mp4",
            "input/../../outside/secret.mp4",
            str(outside / "secret.mp4"),
            "input/link.mp4",
            "linked_folder",
            "/etc",
        ):
            text = await call_error(client, "media_import", {"project_id": project_id, "path": path})
            assert "not allowed" in text or "outside the allowed folders" in text, (path, text)
        assert "outside the allowed folders" in await call_error(client, "files_list", {"folder": "/"})
        assert "does not exist" in await call_error(
            client, "media_import", {"project_id": project_id, "path": "input/missing.mp4"}
        )
        # Importing the whole folder takes the real files and reports the link out as skipped, with the reason.
        folder = data(await client.call_tool("media_import", {"project_id": project_id, "path": "input"}))
        assert [m["name"] for m in folder["imported"]] == ["a.mp4", "b.mp4", "c.mp4"]
        assert folder["skipped"] == [
            {"path": "input/link.mp4", "reason": "links outside the allowed folders"}
        ]

        # A configured media folder is readable by absolute path.
        allowed = config.media_dirs[0]
        (allowed / "ok.mp4").write_bytes(clip_files.paths[1].read_bytes())
        ok = data(
            await client.call_tool(
                "media_import", {"project_id": project_id, "path": str(allowed / "ok.mp4")}
            )
        )
        assert ok["imported"][0]["path"] == str(allowed / "ok.mp4")

        with pytest.raises(MCPError, match="only renders"):
            await client.read_resource("workspace://input/a.mp4")
        with pytest.raises(MCPError, match="secret.mp4"):
            await client.read_resource("workspace://renders/../../outside/secret.mp4")


async def test_bad_media_is_skipped_with_a_reason(server, workspace_dir):
    async with Client(server) as client:
        project_id = await new_project(client)
        (workspace_dir / "input" / "broken.mp4").write_bytes(b"not a video at all")
        (workspace_dir / "input" / "empty.mov").write_bytes(b"")
        result = data(await client.call_tool("media_import", {"project_id": project_id, "path": "input"}))
        assert [m["name"] for m in result["imported"]] == ["a.mp4", "b.mp4", "c.mp4"]
        reasons = {s["path"]: s["reason"] for s in result["skipped"]}
        assert (
            set(reasons) == {"input/broken.mp4", "input/empty.mov"} and "empty" in reasons["input/empty.mov"]
        )
        again = data(
            await client.call_tool("media_import", {"project_id": project_id, "path": "input/a.mp4"})
        )
        assert again["revision"] == result["revision"], "re-importing the same file adds nothing"
