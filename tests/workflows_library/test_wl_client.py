import socket
from pathlib import Path

import pytest
from conftest import FAST_RETRY, fast_client
from wl_fake_comfy import FakeComfy

from workflows_library.client import ComfyClient
from workflows_library.config import ServerConfig
from workflows_library.errors import ComfyHTTPError, PromptRejectedError, ServerUnavailableError
from workflows_library.retry import BreakerState, CircuitBreaker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


TINY = {
    "1": {
        "class_type": "EmptyImage",
        "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0xFF0000},
    },
    "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "t"}},
}


async def test_submit_follow_events_and_download(fake: FakeComfy, tmp_path: Path):
    async with fast_client(ServerConfig(url=fake.url)) as client:
        events = client.events("c1")
        first = await anext(events)
        assert first.type == "status"
        await client.submit(TINY, "c1", "p-1")
        seen = []
        async for event in events:
            seen.append(event.type)
            if event.finished:
                break
        assert {"execution_start", "executing", "progress", "executed", "execution_success"} <= set(seen)
        await events.aclose()
        entry = await client.history("p-1")
        assert entry is not None and entry.status == "success" and len(entry.outputs) == 1
        path = await client.download(entry.outputs[0], tmp_path / "out" / "a.png")
        assert path.read_bytes()[:4] == b"\x89PNG"
        assert not list((tmp_path / "out").glob(".part-*"))


async def test_rejected_prompt_reports_node_errors_per_node(fake: FakeComfy):
    broken = {"2": {"class_type": "SaveImage", "inputs": {"filename_prefix": "t"}}}
    async with fast_client(ServerConfig(url=fake.url)) as client:
        with pytest.raises(
            PromptRejectedError, match="node 2 \\(SaveImage\\): Required input is missing — images"
        ) as info:
            await client.submit(broken, "c", "p-x")
        assert "2" in info.value.node_errors
        with pytest.raises(PromptRejectedError, match="Nope does not exist"):
            await client.submit({"1": {"class_type": "Nope", "inputs": {}}}, "c", "p-y")


async def test_500s_are_retried_then_succeed(fake: FakeComfy):
    fake.fail_prompt_times = 2
    async with fast_client(ServerConfig(url=fake.url)) as client:
        await client.submit(TINY, "c", "p-retry")
    assert fake.prompt_posts == 3
    assert fake.executions["p-retry"] <= 1 and len([p for p in fake.pending if p[1] == "p-retry"]) <= 1


async def test_unreachable_server_gives_clear_error_and_opens_the_breaker():
    breaker = CircuitBreaker(failure_threshold=1, reset_after=60)
    client = ComfyClient(
        ServerConfig(url=f"http://127.0.0.1:{free_port()}"), retry=FAST_RETRY, breaker=breaker
    )
    async with client:
        with pytest.raises(ServerUnavailableError, match="cannot connect") as info:
            await client.queue()
        assert info.value.request_sent is False
        assert breaker.state is BreakerState.open
        with pytest.raises(ServerUnavailableError, match="marked down"):
            await client.queue()


async def test_4xx_is_not_retried_and_bearer_token_is_sent(tmp_path: Path):
    fake = await FakeComfy(tmp_path, token="s3cret").start()
    try:
        async with fast_client(ServerConfig(url=fake.url)) as anonymous:
            with pytest.raises(ComfyHTTPError, match="HTTP 401"):
                await anonymous.queue()
        async with fast_client(ServerConfig(url=fake.url, token="s3cret")) as client:
            assert len(await client.queue()) == 0
    finally:
        await fake.stop()


async def test_upload_returns_the_name_load_nodes_take(fake: FakeComfy, tmp_path: Path):
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG fake")
    async with fast_client(ServerConfig(url=fake.url)) as client:
        assert await client.upload(image) == "kijkocut/photo.png"
    assert (fake.input_dir / "kijkocut" / "photo.png").read_bytes() == b"\x89PNG fake"
