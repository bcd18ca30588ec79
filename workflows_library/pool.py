"""A pool of ComfyUI servers: picks, for each job, the reachable server with the shortest queue that has
the nodes and models the workflow needs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from workflows_library.capabilities import Missing, ServerCapabilities, missing_on
from workflows_library.cards import WorkflowCard
from workflows_library.client import ComfyClient
from workflows_library.config import ServerConfig
from workflows_library.errors import ComfyError, NoServerAvailableError


class ServerPool:
    def __init__(
        self,
        servers: Iterable[ServerConfig],
        client_factory: Callable[[ServerConfig], ComfyClient] = ComfyClient,
        capabilities_ttl: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = client_factory
        self.clients: dict[str, ComfyClient] = {}
        for server in servers:
            self.clients[server.url] = client_factory(server)
        self._capabilities: dict[str, tuple[float, ServerCapabilities]] = {}
        self._ttl = capabilities_ttl
        self._clock = clock

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
        capabilities = await self.capabilities(url)
        missing = missing_on(card, node_types, capabilities)
        if not missing.nothing:  # the server may have gained models since we cached
            missing = missing_on(card, node_types, await self.capabilities(url, refresh=True))
        return await self.clients[url].queue_remaining(), missing

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
            if isinstance(result, ComfyError):
                reasons[url] = str(result)
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
