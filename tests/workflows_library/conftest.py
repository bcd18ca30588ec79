"""Shared fixtures for the workflow library tests: the curated library, a real MiniLM embedder and Chroma
index, and in-process fake ComfyUI servers wired to a real runner (SQLite store, aiohttp client)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

# The fake server module sits beside this file, and the shared ComfyUI host helper in tests/; pytest's
# import mode puts neither folder on sys.path.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from wl_fake_comfy import FakeComfy  # noqa: E402

from workflows_library.client import ComfyClient  # noqa: E402
from workflows_library.config import RunLimits, ServerConfig  # noqa: E402
from workflows_library.jobs import JobStore  # noqa: E402
from workflows_library.loader import Library, load_library  # noqa: E402
from workflows_library.pool import ServerPool  # noqa: E402
from workflows_library.retry import CircuitBreaker, RetryPolicy  # noqa: E402
from workflows_library.runner import JobRunner  # noqa: E402

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
# Short waits so the fault tests run in seconds; each test that needs an end sets its own deadline.
FAST_LIMITS = RunLimits(
    poll_interval=0.05,
    max_poll_interval=0.2,
    retry_interval=0.1,
    max_retry_interval=0.3,
    heartbeat_interval=0.2,
    dispatch_attempts=50,
    dispatch_deadline=10,
)


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory):
    """The default embedder (ONNX Runtime when it can export), its ONNX file cached in a temporary folder."""
    pytest.importorskip("sentence_transformers")
    from workflows_library.search.embedder import MiniLMEmbedding

    return MiniLMEmbedding(cache_dir=tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def vector_index(tmp_path_factory: pytest.TempPathFactory, embedder, library: Library):
    from workflows_library.search.index import VectorIndex

    index = VectorIndex(tmp_path_factory.mktemp("chroma"), embedder)
    index.sync(library)
    return index


def fast_client(server: ServerConfig) -> ComfyClient:
    return ComfyClient(server, retry=FAST_RETRY, breaker=CircuitBreaker(failure_threshold=3, reset_after=0.2))


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[FakeComfy]:
    server = await FakeComfy(tmp_path / "comfy_a").start()
    yield server
    await server.stop()


@pytest.fixture
async def make_runner(tmp_path: Path, library: Library) -> AsyncIterator[Callable[..., JobRunner]]:
    """Builds runners sharing one SQLite file, as a restarted process would."""
    made: list[JobRunner] = []

    def build(urls: list[str], db: Path | None = None, **limits: float) -> JobRunner:
        settings = FAST_LIMITS.model_copy(update=limits)
        pool = ServerPool(
            [ServerConfig(url=u) for u in urls],
            client_factory=fast_client,
            health_timeout=settings.health_timeout,
            capabilities_timeout=settings.capabilities_timeout,
        )
        store = JobStore(db or tmp_path / "jobs.sqlite3")
        runner = JobRunner(store, pool, library, tmp_path / "media", limits=settings)
        made.append(runner)
        return runner

    yield build
    for runner in made:
        await runner.stop()
        await runner.pool.close()
        runner.store.close()
