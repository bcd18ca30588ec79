"""What `tools/list` costs a client and says: its size through a real client session, a description on every
parameter (ids say which tool gives them), dedented descriptions, tool groups chosen by configuration, and
results that carry their data once (structured) with a short text summary."""

from __future__ import annotations

import json

from mcp import Client

from mcp_server.config import ServerConfig
from mcp_server.published import names_a_new_object
from mcp_server.server import WORKFLOW_TOOLS, build_server
from mcp_server.services import Services
from tests.mcp_server.conftest import data

MAX_TOOLS_LIST_BYTES = 60_000


async def _tools(server):
    async with Client(server) as client:
        return await client.list_tools()


async def test_tools_list_fits_the_budget(server):
    listed = await _tools(server)
    size = len(listed.model_dump_json(by_alias=True, exclude_none=True))
    assert len(listed.tools) > 45
    assert size < MAX_TOOLS_LIST_BYTES, f"tools/list is {size} bytes"


async def test_every_parameter_is_described_and_ids_say_where_they_come_from(server):
    for tool in (await _tools(server)).tools:
        assert "\n    " not in tool.description, tool.name  # dedented
        for name, prop in tool.input_schema.get("properties", {}).items():
            assert prop.get("description"), (tool.name, name)
            if name.endswith("_id") and not names_a_new_object(prop["description"]):
                assert " from " in prop["description"], (tool.name, name, prop["description"])


async def test_outputs_stay_typed(server):
    by_name = {tool.name: tool for tool in (await _tools(server)).tools}
    edit = by_name["clip_add"].output_schema["properties"]
    assert edit["revision"] == {"type": "integer"} and edit["changed"]["type"] == "array"
    # project_describe spells out the element view the edits answer with
    defs = by_name["project_describe"].output_schema["$defs"]
    assert defs["ElementView"]["properties"]["start"]["type"] == "number"


def _server_with(config: ServerConfig, groups: list[str]):
    return build_server(Services.from_config(config.model_copy(update={"tool_groups": groups})))


async def test_tool_groups_choose_the_tools(config):
    editing = {tool.name for tool in (await _tools(_server_with(config, ["editing"]))).tools}
    workflows = {tool.name for tool in (await _tools(_server_with(config, ["workflows"]))).tools}
    assert "clip_add" in editing and not WORKFLOW_TOOLS & editing
    assert WORKFLOW_TOOLS <= workflows and "clip_add" not in workflows
    assert "job_wait" in editing and "job_wait" in workflows  # jobs serve renders and workflow runs


async def test_a_result_carries_its_json_once(server):
    async with Client(server) as client:
        result = await client.call_tool("project_create", {"name": "Trip"})
        created = data(result)
        text = result.content[0].text
        assert created["name"] == "Trip" and f"id={created['id']}" in text
        assert len(text) < 300
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            raise AssertionError(f"the text block repeats the JSON: {text}")
