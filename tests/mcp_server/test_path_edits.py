"""Confinement at the point of the edit: file paths arriving inside values (a property_set of a whole effect
list, a round-tripped OTIO timeline's LUT) are refused like the tools' own path arguments, and a refused edit
loses nothing (the redo step and the revision stay as they were)."""

from __future__ import annotations

import json

from mcp import Client

from tests.mcp_server.conftest import data, error_text


async def _project_with_clip(client) -> tuple[str, str]:
    project = data(await client.call_tool("project_create", {"width": 160, "height": 90, "frame_rate": 15}))[
        "id"
    ]
    media = data(await client.call_tool("media_import", {"project_id": project, "path": "input/a.mp4"}))
    clip = data(
        await client.call_tool("clip_add", {"project_id": project, "media_id": media["imported"][0]["id"]})
    )
    return project, clip["changed"][0]["id"]


async def test_a_refused_edit_keeps_the_redo_step_and_the_revision(server, workspace_dir):
    (workspace_dir / "input" / "grade.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    async with Client(server) as client:
        project, clip = await _project_with_clip(client)
        await client.call_tool("effect_add", {"project_id": project, "element_id": clip, "kind": "sepia"})
        undone = data(await client.call_tool("project_undo", {"project_id": project}))
        bad = json.dumps(
            [
                {"kind": "lut", "params": {"path": "input/grade.cube"}},
                {"kind": "lut", "params": {"path": "/etc/passwd"}},
            ]
        )
        text = error_text(
            await client.call_tool(
                "property_set",
                {"project_id": project, "element_id": clip, "property": "effects", "value": bad},
            )
        )
        assert "'/etc/passwd' is outside the allowed folders" in text
        view = data(await client.call_tool("project_describe", {"project_id": project}))
        assert view["revision"] == undone["revision"] and view["can_redo"]
        redone = data(await client.call_tool("project_redo", {"project_id": project}))
        assert redone["label"] == "Redo Add sepia"

        # The same list with paths inside the workspace is stored with real paths.
        good = json.dumps([{"kind": "lut", "params": {"path": "input/grade.cube"}}])
        data(
            await client.call_tool(
                "property_set",
                {"project_id": project, "element_id": clip, "property": "effects", "value": good},
            )
        )
        stored = json.loads((workspace_dir / "projects" / project / "project.json").read_text())
        effect = stored["tracks"][0]["elements"][0]["effects"][0]
        assert effect["params"]["path"] == str((workspace_dir / "input" / "grade.cube").resolve())


async def test_an_imported_timeline_naming_a_lut_outside_is_refused(server, workspace_dir):
    (workspace_dir / "input" / "grade.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    async with Client(server) as client:
        project, clip = await _project_with_clip(client)
        data(
            await client.call_tool(
                "effect_add",
                {
                    "project_id": project,
                    "element_id": clip,
                    "kind": "lut",
                    "params": {"path": "input/grade.cube"},
                },
            )
        )
        exported = data(await client.call_tool("otio_export", {"project_id": project}))
        otio_file = workspace_dir / exported["file"]["path"]
        real_lut = str((workspace_dir / "input" / "grade.cube").resolve())
        otio_file.write_text(otio_file.read_text().replace(real_lut, "/etc/passwd"))
        text = error_text(await client.call_tool("otio_import", {"path": exported["file"]["path"]}))
        assert "(lut) path: '/etc/passwd' is outside the allowed folders" in text
        before = {p["id"] for p in data(await client.call_tool("project_list", {}))["projects"]}
        assert before == {project}


async def test_workflow_inputs_must_be_media_files_in_the_workspace(server, workspace_dir):
    (workspace_dir / "input" / "notes.txt").write_text("private")
    async with Client(server) as client:
        for value, expected in (
            ("input/notes.txt", "not a media file"),
            ("missing.png", "does not exist"),
            ("/etc/passwd", "outside the allowed folders"),
        ):
            text = error_text(
                await client.call_tool(
                    "workflow_run", {"workflow_id": "image_upscale_esrgan_4x", "inputs": {"image": value}}
                )
            )
            assert "input 'image': " in text and expected in text, text
