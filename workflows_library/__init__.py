"""KijkoCut workflow library: curated ComfyUI workflows, semantic discovery and a durable job runner.

The public, typed facade lives in `workflows_library.api`; submodules are importable on their own so that
light users (the card models, the validator) do not pay for aiohttp, chromadb or torch.
"""

import kijkocut  # noqa: E402,F401 - switches third-party telemetry off before the search stack loads
