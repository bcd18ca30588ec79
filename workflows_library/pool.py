"""A pool of ComfyUI servers: picks, for each job, the reachable server with the shortest queue that has
the nodes and models the workflow needs.

Every server is checked at once, each with a short health timeout (`GET /prompt`, ComfyUI's cheapest
answer): a server that accepts connections but does not answer costs one timeout and is skipped for this
job, then checked again for the next one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from workflows_library.capabilities import Missing, ServerCapabilities, missing_on
from workflows_library.cards import WorkflowCard
from workflows_library.client import ComfyClient
from workflows_library.config import ServerConfig
from workflows_library.errors import (
    ComfyError,
    NoServerAvailableError,
    ServerMarkedDownError,
    ServerUnavailableError,
)

T = TypeVar("T")


class ServerPool:
    def __init__(
        self,
        servers: Iterable[ServerConfig],
        client_factory: Callable[[ServerConfig], ComfyClient] = ComfyClient,
        capabilities_ttl: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        health_timeout: float = 2.0,
        capabilities_timeout: float = 30.0,
    ) -> None:
        self._factory = client_factory
        self.clients: dict[str, ComfyClient] = {}
        for server in servers:
            self.clients[server.url] = client_factory(server)
        self._capabilities: dict[str, tuple[float, ServerCapabilities]] = {}
        self._ttl = capabilities_ttl
        self._clock = clock
        self.health_timeout = health_timeout
        self.capabilities_timeout = capabilities_timeout
        self._last_failure: dict[str, str] = {}  # why each server last failed, past its breaker opening

    def client(self, url: str) -> ComfyClient:
        """The pool's client for `url`; an unknown URL (e.g. `--server`) joins the pool."""
        server = ServerConfig(url=url)
        if server.url not in self.clients:
            self.clients[server.url] = self._factory(server)
        return self.clients[server.url]

    async def capabilities(self, url: str, refresh: bool = False) -> ServerCapabilities:
        cached = self._capabilities.get(url)
        if cached and not refresh and self._clock() - cached[0] < self._ttl:
            return cached[1]
        capabilities = ServerCapabilities.from_object_info(await self.clients[url].object_info())
        self._capabilities[url] = (self._clock(), capabilities)
        return capabilities

    async def _assess(self, url: str, card: WorkflowCard, node_types: list[str]) -> tuple[int, Missing]:
        client = self.clients[url]
        # The request's own timeout is a backstop; `_within` fires first, with the clearer message.
        queued = await _within(self.health_timeout, client.queue_remaining(self.health_timeout + 1), url)
        capabilities = await _within(self.capabilities_timeout, self.capabilities(url), url)
        missing = missing_on(card, node_types, capabilities)
        if not missing.nothing:  # the server may have gained models since we cached
            fresh = await _within(self.capabilities_timeout, self.capabilities(url, refresh=True), url)
            missing = missing_on(card, node_types, fresh)
        return queued, missing

    async def choose(
        self, card: WorkflowCard, node_types: list[str], preferred: str | None = None
    ) -> ComfyClient:
        urls = [self.client(preferred).url] if preferred else list(self.clients)
        results = await asyncio.gather(
            *(self._assess(url, card, node_types) for url in urls), return_exceptions=True
        )
        reasons: dict[str, str] = {}
        unreachable = False
        best: tuple[int, int, str] | None = None
        for order, (url, result) in enumerate(zip(urls, results)):
            if isinstance(result, ServerMarkedDownError) and url in self._last_failure:
                reasons[url] = f"{self._last_failure[url]} (not asked again yet)"
                unreachable = True
            elif isinstance(result, ComfyError):
                reasons[url] = self._last_failure[url] = str(result)
                unreachable = True
            elif isinstance(result, BaseException):
                raise result
            elif not result[1].nothing:
                reasons[url] = result[1].describe()
            elif best is None or (result[0], order) < best[:2]:
                best = (result[0], order, url)
        if best is None:
            raise NoServerAvailableError(reasons, transient=unreachable)
        return self.clients[best[2]]

    async def close(self) -> None:
        await asyncio.gather(*(client.close() for client in self.clients.values()))


async def _within(seconds: float, work: Awaitable[T], url: str) -> T:
    """`work`, or ServerUnavailableError when the server takes longer than `seconds` to answer."""
    try:
        return await asyncio.wait_for(work, seconds)
    except asyncio.TimeoutError:
        raise ServerUnavailableError(
            f"{url} did not answer within {seconds:g}s (skipped; checked again for the next job)"
        ) from None
