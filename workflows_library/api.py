"""The public, typed facade: what the CLI and the MCP server call. Plain functions over one shared
library, search index and job runner, built lazily from the environment (see `config`)."""

from __future__ import annotations

import functools
from typing import Any

from workflows_library.capabilities import ServerCapabilities
from workflows_library.cards import WorkflowCard
from workflows_library.client import ComfyClient
from workflows_library.config import Settings, load_settings
from workflows_library.inputs import ApiWorkflow
from workflows_library.jobs import Job, JobStatus, JobStore
from workflows_library.loader import Library, load_library
from workflows_library.object_info import NodeDef, parse_object_info
from workflows_library.pool import ServerPool
from workflows_library.runner import JobRunner
from workflows_library.search.hybrid import HybridSearcher, SearchFilters, SearchHit
from workflows_library.validator import ValidationReport, validate_workflow

__all__ = [
    "Job",
    "JobRunner",
    "JobStatus",
    "SearchFilters",
    "SearchHit",
    "ValidationReport",
    "WorkflowCard",
    "get_card",
    "get_library",
    "get_workflow",
    "open_runner",
    "search",
    "server_capabilities",
    "settings",
    "validate",
    "validate_on_server",
]

_object_info_cache: dict[str, dict[str, NodeDef]] = {}


@functools.cache
def settings() -> Settings:
    return load_settings()


@functools.cache
def get_library(include_templates: bool = True) -> Library:
    """The curated cards plus, when installed, ComfyUI's official templates (local models only)."""
    library = load_library()
    if include_templates:
        from workflows_library.templates import load_templates

        library.extend(load_templates(object_info=lambda: next(iter(_object_info_cache.values()), None)))
    return library


def get_card(workflow_id: str) -> WorkflowCard:
    return get_library().card(workflow_id)


def get_workflow(workflow_id: str, object_info: dict[str, Any] | None = None) -> ApiWorkflow:
    """The API-format graph; templates need a server's `/object_info` to be converted."""
    if object_info is not None:
        _object_info_cache["given"] = parse_object_info(object_info)
    return get_library().workflow(workflow_id)


@functools.cache
def _embedder():  # noqa: ANN202 - imports torch lazily
    from workflows_library.search.embedder import MiniLMEmbedding

    return MiniLMEmbedding()


@functools.cache
def _searcher(include_templates: bool) -> HybridSearcher:
    from workflows_library.search.index import VectorIndex

    library = get_library(include_templates)
    suffix = "" if include_templates else "_curated"  # one collection per card set: syncs never fight
    index = VectorIndex(settings().data_dir / f"{settings().index_dir.name}{suffix}", _embedder())
    index.sync(library)
    return HybridSearcher(library, index, library.node_types)


def search(
    query: str,
    filters: SearchFilters | None = None,
    limit: int = 5,
    capabilities: ServerCapabilities | None = None,
    include_templates: bool = True,
) -> list[SearchHit]:
    """Best workflows for a natural-language request; pass a server's capabilities to learn what is
    missing there (and to use `filters.runnable_only`)."""
    return _searcher(include_templates).search(query, filters, limit, capabilities)


async def server_capabilities(url: str | None = None) -> ServerCapabilities:
    raw = await _fetch_object_info(url)
    return ServerCapabilities.from_object_info(raw)


async def _fetch_object_info(url: str | None) -> dict[str, Any]:
    config = next((s for s in settings().servers if url is None or s.url == url.rstrip("/")), None)
    from workflows_library.config import ServerConfig

    async with ComfyClient(config or ServerConfig(url=url or "")) as client:
        raw = await client.object_info()
    _object_info_cache[client.url] = parse_object_info(raw)
    return raw


def validate(workflow: str | ApiWorkflow, object_info: dict[str, Any]) -> ValidationReport:
    """Check a library workflow (by id) or any API workflow against a server's `/object_info`."""
    nodes = parse_object_info(object_info)
    if isinstance(workflow, str):
        library = get_library()
        card = library.card(workflow)
        _object_info_cache["given"] = nodes
        media_fields = [(t.node_id, t.field) for s in card.inputs if s.type.is_media for t in s.targets]
        return validate_workflow(library.workflow(workflow), nodes, card.models, media_fields)
    return validate_workflow(workflow, nodes)


async def validate_on_server(workflow_id: str, server: str | None = None) -> ValidationReport:
    return validate(workflow_id, await _fetch_object_info(server))


def open_runner(config: Settings | None = None, library: Library | None = None) -> JobRunner:
    """A runner over the configured server pool and the job store in the data dir, which the CLI and the
    MCP server share."""
    config = config or settings()
    limits = config.limits
    return JobRunner(
        JobStore(config.jobs_db),
        ServerPool(
            config.servers,
            health_timeout=limits.health_timeout,
            capabilities_timeout=limits.capabilities_timeout,
        ),
        library or get_library(),
        config.media_dir,
        limits=limits,
    )
