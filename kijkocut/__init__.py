"""KijkoCut timeline engine: a frame-exact multi-track project model, edit operations, media I/O and a
streaming renderer. The engine knows nothing of ComfyUI, MCP or agents; they all read and edit this model."""

__version__ = "0.1.0"
