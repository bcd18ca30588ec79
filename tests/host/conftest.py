"""Host integration tests: a real ComfyUI server (see tests/comfyui_host.py); skipped without COMFYUI_PATH."""

from tests.comfyui_host import comfyui_server, comfyui_server_bare  # noqa: F401  (fixtures)
