"""The ComfyUI nodes of the KijkoCut pack: thin adapters from node inputs to service actions and renders.

Only ever imported relatively from the pack (`from .nodes import ...`): ComfyUI has a top-level module named
`nodes` of its own. Nothing is imported here so that loading the pack stays fast."""
