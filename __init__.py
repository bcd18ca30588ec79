"""KijkoCut as a ComfyUI custom-node pack: timelines as nodes (V3 schema).

Importing this file is cheap and cannot fail ComfyUI's start-up: it only makes the `kijkocut` engine
importable and names the entry point; the node modules load when ComfyUI calls `comfy_entrypoint`."""

from __future__ import annotations

import importlib.util
import os
import sys

WEB_DIRECTORY = "./web"

_PACK_DIR = os.path.dirname(os.path.abspath(__file__))

# The engine package `kijkocut` sits beside this file. Append (never prepend) the pack folder: position 0
# would shadow ComfyUI's own top-level `nodes` module with this pack's `nodes/` package.
if importlib.util.find_spec("kijkocut") is None and _PACK_DIR not in sys.path:
    sys.path.append(_PACK_DIR)


async def comfy_entrypoint():
    from .nodes.extension import KijkoCutExtension

    return KijkoCutExtension()


__all__ = ["WEB_DIRECTORY", "comfy_entrypoint"]
