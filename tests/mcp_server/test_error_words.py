"""Every tool refuses bad arguments in the user's terms: for each tool, no arguments at all, and each of its
parameters given a value of the wrong kind, answer one line naming the tool and the parameter, with none of
pydantic's vocabulary and no ids of objects the call did not create."""

from __future__ import annotations

import re

from mcp import Client

from tests.engine.test_validation_messages import PYDANTIC_WORDS
from tests.mcp_server.conftest import data

WRONG_KIND = {
    "string": 12345,
    "integer": "lots",
    "number": "lots",
    "boolean": "maybe",
    "array": 7,
    "object": 7,
}
# ids the service mints (prj_, med_, trk_, ...) or the job store (job-)
MINTED_ID = re.compile(r"\b(?:prj|med|trk|clip|text|el|fx|tr|mk|adj)_[0-9a-f]{6,}\b|\bjob-[0-9a-f]{6,}\b")


def _declared_kind(prop: dict) -> str | None:
    kinds = [prop.get("type")] + [member.get("type") for member in prop.get("anyOf", [])]
    return next((kind for kind in kinds if kind in WRONG_KIND), None)


def _check(tool: str, text: str, known_ids: set[str]) -> None:
    assert "\n" not in text and text.startswith(f"{tool}: "), text
    assert not any(word in text for word in PYDANTIC_WORDS), text
    invented = set(MINTED_ID.findall(text)) - known_ids
    assert not invented, f"{tool} names ids nobody created: {invented} in {text!r}"


async def test_refusals_name_the_parameter_in_plain_words(server):
    async with Client(server) as client:
        project = data(await client.call_tool("project_create", {}))["id"]
        known_ids = {project}
        tools = (await client.list_tools()).tools
        checked = 0
        for tool in tools:
            schema = tool.input_schema
            required = schema.get("required", [])
            if required:
                result = await client.call_tool(tool.name, {})
                assert result.is_error, tool.name
                text = result.content[0].text
                _check(tool.name, text, known_ids)
                assert any(name in text for name in required), text
                checked += 1
            for name, prop in schema.get("properties", {}).items():
                kind = _declared_kind(prop)
                if kind is None or (kind == "string" and "anyOf" in prop):  # a time takes numbers too
                    continue
                arguments = {"project_id": project} if "project_id" in schema.get("properties", {}) else {}
                arguments[name] = WRONG_KIND[kind]
                result = await client.call_tool(tool.name, arguments)
                if not result.is_error:  # a value the tool may coerce (a number for a name); not our case
                    continue
                _check(tool.name, result.content[0].text, known_ids)
                checked += 1
        assert checked > 100


async def test_a_duration_is_refused_in_seconds(server):
    async with Client(server) as client:
        project = data(await client.call_tool("project_create", {}))["id"]
        result = await client.call_tool(
            "text_add", {"project_id": project, "text": "Hi", "start": 0, "duration": "-1.5"}
        )
        text = result.content[0].text
        assert result.is_error and text.endswith(
            "must be at least one frame (0.033 s at 30 fps), got -1.500 s"
        ), text
