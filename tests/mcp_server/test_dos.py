"""Denial of service through the MCP server: deeply nested free-form values get a clear error (not a crash
that reads 'Error executing tool'), caption files beyond the limits are refused before the project is
locked, and one client's long caption import never leaves another client waiting without an answer."""

from __future__ import annotations

import threading

import anyio
import pytest
from mcp import Client

from kijkocut import limits
from kijkocut.edit import Editor
from kijkocut.service import captions
from mcp_server.server import build_server
from tests.mcp_server.conftest import data, error_text


async def new_project(client) -> str:
    return data(await client.call_tool("project_create", {"width": 320, "height": 180, "frame_rate": 15}))[
        "id"
    ]


async def add_title(client, project_id: str) -> str:
    outcome = data(
        await client.call_tool(
            "text_add", {"project_id": project_id, "text": "Hi", "start": 0, "duration": 1}
        )
    )
    return outcome["changed"][0]["id"]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


async def test_property_set_with_a_deeply_nested_value_is_a_clear_error(server):
    async with Client(server) as client:
        project_id = await new_project(client)
        title = await add_title(client, project_id)
        with anyio.fail_after(20):
            result = await client.call_tool(
                "property_set",
                {"project_id": project_id, "element_id": title, "property": "style.x", "value": nested(1000)},
            )
        text = error_text(result)
        assert f"value is nested too deeply (limit {limits.MAX_ARGUMENT_DEPTH} levels)" in text
        view = data(await client.call_tool("project_describe", {"project_id": project_id}))
        assert view["revision"] == 1  # the title (with its track, one edit); the refused edit changed nothing


@pytest.mark.parametrize("tool", ["effect_add", "effect_update"])
async def test_effect_params_nested_deeply_are_a_clear_error(server, tool):
    async with Client(server) as client:
        project_id = await new_project(client)
        title = await add_title(client, project_id)
        deep: object = 1.0
        for _ in range(limits.MAX_ARGUMENT_DEPTH + 5):
            deep = {"a": deep}
        arguments = {"project_id": project_id, "element_id": title, "params": {"amount": deep}}
        if tool == "effect_add":
            arguments["kind"] = "brightness"
        else:
            added = data(
                await client.call_tool(
                    "effect_add", {"project_id": project_id, "element_id": title, "kind": "brightness"}
                )
            )
            arguments["effect_id"] = added["effect_id"]
        with anyio.fail_after(20):
            text = error_text(await client.call_tool(tool, arguments))
        assert "params is nested too deeply" in text


def stamp(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(path, cues: int) -> None:
    path.write_text(
        "\n".join(f"{n + 1}\n{stamp(n * 800)} --> {stamp(n * 800 + 600)}\nLine {n}\n" for n in range(cues))
    )


async def test_caption_files_beyond_the_limits_are_refused_and_change_nothing(
    server, workspace_dir, monkeypatch
):
    write_srt(workspace_dir / "input" / "subs.srt", 40)
    async with Client(server) as client:
        project_id = await new_project(client)
        monkeypatch.setattr(limits, "MAX_CAPTION_BYTES", 512)
        text = error_text(
            await client.call_tool("captions_import", {"project_id": project_id, "path": "input/subs.srt"})
        )
        assert "a caption file may be at most 512 bytes" in text
        monkeypatch.setattr(limits, "MAX_CAPTION_BYTES", 16 * 1024**2)
        monkeypatch.setattr(limits, "MAX_CAPTION_CUES", 30)
        text = error_text(
            await client.call_tool("captions_import", {"project_id": project_id, "path": "input/subs.srt"})
        )
        assert "subs.srt:" in text and "more than 30 cues; a caption file may have at most 30" in text
        view = data(await client.call_tool("project_describe", {"project_id": project_id}))
        assert view["revision"] == 0 and view["tracks"] == []


class Gate:
    """Holds a worker thread at one point of a tool call until the test lets it go."""

    def __init__(self):
        self.armed, self.reached, self.released = False, threading.Event(), threading.Event()

    def wrap(self, function):
        def held(*args, **kwargs):
            if self.armed:
                self.reached.set()
                assert self.released.wait(30), "the test never released the gate"
            return function(*args, **kwargs)

        return held

    async def wait_reached(self) -> None:
        assert await anyio.to_thread.run_sync(self.reached.wait, 60), "the first call never got there"


async def import_while(server, workspace_dir, gate: Gate, second_call):
    """Client A imports a large caption file and is held at the gate; client B makes `second_call` meanwhile.
    A must succeed once released, after B was answered. Returns B's answer and the project's view after both."""
    write_srt(workspace_dir / "input" / "big.srt", 3000)
    results: dict[str, object] = {}
    async with Client(server) as first, Client(server) as second:
        project_id = await new_project(first)
        await add_title(first, project_id)

        async def importing():
            results["first"] = await first.call_tool(
                "captions_import", {"project_id": project_id, "path": "input/big.srt"}
            )

        gate.armed = True
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(importing)
            await gate.wait_reached()
            with anyio.fail_after(30):
                results["second"] = await second_call(second, project_id)
            assert "first" not in results  # B was answered while A was still at the gate
            gate.released.set()
        view = data(await second.call_tool("project_describe", {"project_id": project_id}))
    outcome = data(results["first"])
    assert outcome["label"] == "Import 3000 captions" and outcome["not_listed"] == 3000 - 200
    return results["second"], view


def element_count(view: dict) -> int:
    return sum(len(track["elements"]) for track in view["tracks"])


@pytest.fixture
def gate():
    gate = Gate()
    yield gate
    gate.released.set()  # a failing test must not leave a worker thread waiting


async def test_a_client_waiting_for_a_locked_project_gets_a_busy_answer(
    services, workspace_dir, gate, monkeypatch
):
    """A holds the project's lock (held as its import is applied); B's edit waits at most the store's lock
    timeout and is told the project is busy, instead of hanging until its client gives up."""
    services.projects.lock_timeout = 0.5
    monkeypatch.setattr(Editor, "apply", gate.wrap(Editor.apply))
    server = build_server(services)

    async def edit_and_list(client, project_id):
        edited = await client.call_tool(
            "text_add", {"project_id": project_id, "text": "B", "start": 5, "duration": 1}
        )
        listed = data(await client.call_tool("project_list", {}))  # does not wait for the lock at all
        return edited, [p["id"] for p in listed["projects"]], project_id

    (answer, listed, project_id), view = await import_while(server, workspace_dir, gate, edit_and_list)
    assert "is busy with another request; try again in a moment" in error_text(answer)
    assert listed == [project_id]  # listed at once, though busy
    assert element_count(view) == 1 + 3000  # the title and the captions; B's refused edit left nothing


async def test_reading_the_caption_file_does_not_hold_the_project(services, workspace_dir, gate, monkeypatch):
    """A is still reading and parsing its file: B's edit and B's read go through at once."""
    monkeypatch.setattr(captions, "read_cues", gate.wrap(captions.read_cues))
    server = build_server(services)

    async def edit_and_read(client, project_id):
        added = data(
            await client.call_tool(
                "text_add", {"project_id": project_id, "text": "B", "start": 5, "duration": 1}
            )
        )
        return added, data(await client.call_tool("project_describe", {"project_id": project_id}))

    (added, seen), view = await import_while(server, workspace_dir, gate, edit_and_read)
    assert added["revision"] == 2 and seen["revision"] == 2 and element_count(seen) == 2
    assert element_count(view) == 2 + 3000 and view["revision"] == 3


async def test_a_save_too_big_to_load_again_keeps_the_file_and_drops_the_edit(
    server, workspace_dir, monkeypatch
):
    async with Client(server) as client:
        project_id = await new_project(client)
        await add_title(client, project_id)
        saved = workspace_dir / "projects" / project_id / "project.json"
        before = saved.read_bytes()
        monkeypatch.setattr(limits, "MAX_PROJECT_BYTES", len(before) + 200)
        text = error_text(
            await client.call_tool(
                "text_add", {"project_id": project_id, "text": "x" * 1000, "start": 2, "duration": 1}
            )
        )
        assert "so it was not saved" in text
        assert saved.read_bytes() == before
        view = data(await client.call_tool("project_describe", {"project_id": project_id}))
        assert (
            view["revision"] == 1 and len(view["tracks"][0]["elements"]) == 1
        )  # the edit is gone, not cached
