"""Async ComfyUI HTTP/websocket client with timeouts, retries with backoff and a circuit breaker."""

from __future__ import annotations

import asyncio
import json
import os
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from kijkocut.atomic import create_partial
from workflows_library.config import ServerConfig
from workflows_library.errors import (
    ComfyHTTPError,
    PromptRejectedError,
    ServerMarkedDownError,
    ServerUnavailableError,
)
from workflows_library.events import ComfyEvent, FileRef, HistoryEntry, parse_event, parse_history
from workflows_library.retry import CircuitBreaker, RetryPolicy
from workflows_library.workflow_format import ApiWorkflow

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=60, connect=5)


class _Retryable(Exception):
    def __init__(self, reason: str, sent: bool) -> None:
        super().__init__(reason)
        self.sent = sent


class QueueState:
    def __init__(self, running: list[str], pending: list[str]) -> None:
        self.running = running
        self.pending = pending

    def __contains__(self, prompt_id: str) -> bool:
        return prompt_id in self.running or prompt_id in self.pending

    def __len__(self) -> int:
        return len(self.running) + len(self.pending)


class ComfyClient:
    """One ComfyUI server. Safe to share between tasks; owns its aiohttp session unless given one."""

    def __init__(
        self,
        server: ServerConfig,
        *,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.server = server
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker()
        self._timeout = timeout
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self.server.headers())
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def __aenter__(self) -> ComfyClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _once(self, method: str, path: str, expect: str, dest: Path | None, **kwargs: Any) -> Any:
        try:
            async with self._http().request(method, self.url + path, **kwargs) as response:
                if response.status >= 500:
                    raise _Retryable(f"HTTP {response.status}", sent=True)
                if response.status >= 400:
                    body = await response.text()
                    self.breaker.record_success()  # it answered: the server is up, the request is wrong
                    if path == "/prompt" and method == "POST":
                        _raise_prompt_rejected(body)
                    raise ComfyHTTPError(self.url + path, response.status, body)
                if expect == "json":
                    return await response.json(content_type=None)
                if dest is not None:
                    return await _drain(response, dest)
                return await response.read()
        except aiohttp.ClientConnectorError as exc:
            raise _Retryable(f"cannot connect: {exc}", sent=False) from exc
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}", sent=True) from exc

    async def request(
        self,
        method: str,
        path: str,
        *,
        expect: str = "json",
        attempts: int | None = None,
        dest: Path | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """One call with retries on connection errors, timeouts and 5xx; 4xx are raised at once.
        `timeout` bounds each attempt (seconds) instead of the client's default."""
        if not self.breaker.allow():
            raise ServerMarkedDownError(
                f"{self.url} is marked down after repeated failures; next try in {self.breaker.retry_in():.0f}s"
            )
        total = attempts or self.retry.attempts
        if timeout is not None:
            kwargs["timeout"] = aiohttp.ClientTimeout(total=timeout)
        sent = False
        for attempt in range(total):
            try:
                result = await self._once(method, path, expect, dest, **kwargs)
            except _Retryable as failure:
                sent = sent or failure.sent
                if attempt + 1 < total:
                    await self._sleep(self.retry.delay(attempt, self._rng))
                    continue
                self.breaker.record_failure()
                error = ServerUnavailableError(
                    f"{method} {self.url}{path} failed after {total} attempt{'s' * (total > 1)}: {failure}"
                )
                error.request_sent = sent  # type: ignore[attr-defined]
                raise error from failure
            self.breaker.record_success()
            return result
        raise AssertionError("unreachable")

    # -- queries ---------------------------------------------------------------------------------------
    async def object_info(self) -> dict[str, Any]:
        return await self.request("GET", "/object_info")

    async def queue(self, timeout: float | None = None) -> QueueState:
        """The server's queue; with `timeout`, one quick attempt (a health check, a cancel)."""
        raw = await self.request("GET", "/queue", attempts=1 if timeout else None, timeout=timeout)
        return QueueState(
            running=[str(item[1]) for item in raw.get("queue_running", [])],
            pending=[str(item[1]) for item in raw.get("queue_pending", [])],
        )

    async def queue_remaining(self, timeout: float | None = None) -> int:
        """Queue length from `GET /prompt`: ComfyUI's cheapest answer, so also the health check."""
        raw = await self.request("GET", "/prompt", attempts=1, timeout=timeout)
        return int(raw.get("exec_info", {}).get("queue_remaining", 0))

    async def history(self, prompt_id: str) -> HistoryEntry | None:
        return parse_history(prompt_id, await self.request("GET", f"/history/{prompt_id}"))

    async def knows(self, prompt_id: str) -> bool:
        """Queued, running or finished on this server."""
        return prompt_id in await self.queue() or await self.history(prompt_id) is not None

    async def output_files(self, timeout: float | None = None) -> list[str]:
        """Names of the files at the top of the server's output folder (ComfyUI's `/internal/files/output`;
        raises ComfyHTTPError where a server or proxy does not serve it)."""
        names = await self.request("GET", "/internal/files/output", timeout=timeout)
        return [str(name) for name in names] if isinstance(names, list) else []

    # -- actions ---------------------------------------------------------------------------------------
    async def submit(self, workflow: ApiWorkflow, client_id: str, prompt_id: str) -> int:
        """Queue `workflow` under our own prompt id; returns its queue number.

        A retried POST could queue the prompt twice if the first one landed but its answer was lost, so
        before every retry we ask the server whether it already has this prompt id.
        """
        body = {"prompt": workflow, "client_id": client_id, "prompt_id": prompt_id}
        for attempt in range(self.retry.attempts):
            try:
                answer = await self.request("POST", "/prompt", json=body, attempts=1)
                return int(answer.get("number", 0))
            except ServerUnavailableError as error:
                if attempt + 1 >= self.retry.attempts:
                    raise
                await self._sleep(self.retry.delay(attempt, self._rng))
                if error.request_sent:
                    try:
                        if await self.knows(prompt_id):
                            return -1
                    except ServerUnavailableError:
                        continue
        raise AssertionError("unreachable")

    async def upload(self, path: Path, subfolder: str = "kijkocut") -> str:
        """Put a local file in the server's input folder; returns the name a Load* node takes."""
        form = aiohttp.FormData(quote_fields=False)  # keep the file name as the user wrote it
        form.add_field("image", path.read_bytes(), filename=path.name)
        form.add_field("subfolder", subfolder)
        form.add_field("type", "input")
        form.add_field("overwrite", "true")
        answer = await self.request("POST", "/upload/image", data=form)
        name = answer["name"]
        return f"{answer['subfolder']}/{name}" if answer.get("subfolder") else name

    async def download(self, ref: FileRef, dest: Path) -> Path:
        """Fetch an output through `/view` into `dest`, atomically (temp file + rename)."""
        params = {"filename": ref.filename, "subfolder": ref.subfolder, "type": ref.type}
        dest.parent.mkdir(parents=True, exist_ok=True)
        await self.request("GET", "/view", expect="bytes", params=params, dest=dest)
        return dest

    async def interrupt(self, prompt_id: str | None = None, timeout: float | None = None) -> None:
        await self.request(
            "POST",
            "/interrupt",
            json={"prompt_id": prompt_id} if prompt_id else {},
            expect="none",
            timeout=timeout,
        )

    async def delete_queued(self, prompt_ids: list[str], timeout: float | None = None) -> None:
        await self.request("POST", "/queue", json={"delete": prompt_ids}, expect="none", timeout=timeout)

    async def events(self, client_id: str) -> AsyncIterator[ComfyEvent]:
        """Websocket events for `client_id` until the connection closes (then raises ServerUnavailable)."""
        ws_url = self.url.replace("http", "ws", 1) + f"/ws?clientId={client_id}"
        try:
            async with self._http().ws_connect(
                ws_url, heartbeat=20, timeout=aiohttp.ClientWSTimeout(ws_close=5)
            ) as ws:
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.TEXT:
                        yield parse_event(json.loads(message.data))
                    elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                        break
                    # binary frames are live previews: not needed here
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise ServerUnavailableError(f"websocket to {self.url} failed: {exc}") from exc
        raise ServerUnavailableError(f"websocket to {self.url} closed")


def _raise_prompt_rejected(body: str) -> None:
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {}
    error = payload.get("error") or {}
    message = error.get("message") if isinstance(error, dict) else str(error)
    raise PromptRejectedError(
        f"ComfyUI rejected the workflow: {message or body[:300]}", payload.get("node_errors") or {}
    )


async def _drain(response: aiohttp.ClientResponse, dest: Path) -> Path:
    fd, temp_name = create_partial(dest.parent, ".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            async for chunk in response.content.iter_chunked(1 << 16):
                handle.write(chunk)
        os.replace(temp_name, dest)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return dest
