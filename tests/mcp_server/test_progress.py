"""Progress notifications: at most one a second, the final state always, nothing repeated."""

from __future__ import annotations

from mcp_server.progress import ProgressThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_at_most_one_notification_a_second():
    clock = FakeClock()
    throttle = ProgressThrottle(clock=clock)
    sent = 0
    for step in range(40):  # a job polled four times a second for ten seconds, its progress always moving
        sent += throttle.should_send(step / 40, "encoding")
        clock.now += 0.25
    assert sent == 10


def test_the_final_state_is_always_sent_and_nothing_twice():
    clock = FakeClock()
    throttle = ProgressThrottle(clock=clock)
    assert throttle.should_send(0.5, "encoding")
    clock.now += 0.1
    assert throttle.should_send(1.0, "done", final=True)
    clock.now += 5
    assert not throttle.should_send(1.0, "done", final=True)


async def test_an_idle_server_has_not_loaded_the_workflow_search(services):
    """The search stack (embedding model, index: 1.5 GB at its peak) loads on first use, not at start."""
    from mcp import Client

    from mcp_server.cli import parse_args
    from mcp_server.server import build_server

    assert parse_args([]).search_warmup is False
    async with Client(build_server(services)) as client:
        await client.list_tools()
        await client.call_tool("project_create", {})
    assert not services.workflows_started
