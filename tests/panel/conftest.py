"""Fixtures of the timeline panel's tests: the pack's modules and a plain aiohttp server with its API."""

from tests.nodes.conftest import pack  # noqa: F401  (fixture)
