"""KijkoCut timeline engine: a frame-exact multi-track project model, edit operations, media I/O and a
streaming renderer. The engine knows nothing of ComfyUI, MCP or agents; they all read and edit this model."""

from kijkocut.privacy import disable_third_party_telemetry
from kijkocut.version import package_version

__version__ = package_version()

disable_third_party_telemetry()
