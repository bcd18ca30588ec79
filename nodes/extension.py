"""The pack's ComfyExtension: gathers the node lists of each domain module. A domain whose optional
dependency is missing (PyAV for media and rendering, say) is skipped with a log line; the rest still load."""

from __future__ import annotations

import importlib
import importlib.util
import logging

from comfy_api.latest import ComfyExtension, io

log = logging.getLogger("kijkocut")

# module (relative to this package) -> third-party modules it needs beyond the engine's pydantic core
DOMAINS: dict[str, tuple[str, ...]] = {
    "timeline": (),
    "editing": (),
    "animation": (),
    "finishing": (),
    "actions": (),
    "media": ("av", "numpy", "PIL"),
    "sample_media": ("av", "numpy", "PIL"),
    "render": ("av", "numpy", "PIL"),
    "stored_project": ("aiohttp",),  # the panel's projects, through the store its HTTP API uses
    "productions": (),  # reads the agents' published JSON: no LangGraph in ComfyUI
}


def missing_modules(modules: tuple[str, ...]) -> list[str]:
    return [name for name in modules if importlib.util.find_spec(name) is None]


def load_nodes() -> list[type[io.ComfyNode]]:
    nodes: list[type[io.ComfyNode]] = []
    for domain, needs in DOMAINS.items():
        missing = missing_modules(needs)
        if missing:
            log.warning(
                "KijkoCut: %s nodes disabled: missing %s (install the pack's requirements.txt)",
                domain,
                ", ".join(missing),
            )
            continue
        try:
            module = importlib.import_module(f"{__package__}.{domain}")
        except ImportError as exc:
            log.warning("KijkoCut: %s nodes disabled: %s", domain, exc)
            continue
        nodes += module.NODES
    return nodes


def register_routes() -> None:
    missing = missing_modules(("av", "numpy", "PIL", "aiohttp"))
    if missing:
        log.warning("KijkoCut: panel routes disabled: missing %s", ", ".join(missing))
        return
    from .routes import register_with_comfyui

    register_with_comfyui()


class KijkoCutExtension(ComfyExtension):
    async def get_node_list(self) -> list[type[io.ComfyNode]]:
        # ComfyUI calls this once while loading custom nodes, before its server adds routes (this ComfyUI
        # version never calls on_load), so the routes are registered here.
        register_routes()
        return load_nodes()
