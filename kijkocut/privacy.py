"""Third-party telemetry, switched off before those libraries load.

KijkoCut promises no outbound traffic except endpoints the user configured. Some dependencies phone home by
default: ONNX Runtime's 1DS telemetry (it also writes a device id under ~/.cache/Microsoft/DeveloperTools and is
only silent when it guesses it runs in CI), Hugging Face Hub, Chroma (PostHog; the index also passes anonymized_telemetry=False) and LangSmith tracing.
The Gemini client (google-genai) sends nothing but the requests a user's configured brain makes. Each reads
an environment variable when it first initialises, so `disable_third_party_telemetry` runs when our packages are
imported, before any of them is."""

from __future__ import annotations

import os
from collections.abc import MutableMapping

# Always off: nobody configures these on purpose in a privacy-first tool.
FORCED_OFF = {
    "ORT_DISABLE_TELEMETRY": "1",  # ONNX Runtime: no uploader, no device-id file
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",  # Chroma's default for clients built without explicit settings
    "DISABLE_TELEMETRY": "1",  # older Hugging Face libraries (transformers, diffusers)
    "DO_NOT_TRACK": "1",  # the cross-tool convention (Hugging Face, Gradio and others honour it)
    "GRADIO_ANALYTICS_ENABLED": "False",
}
# Off unless the user set them: tracing to LangSmith is a service a user may configure deliberately.
DEFAULT_OFF = {
    "LANGCHAIN_TRACING_V2": "false",
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING": "false",
}


def disable_third_party_telemetry(environ: MutableMapping[str, str] = os.environ) -> None:
    environ.update(FORCED_OFF)
    for name, value in DEFAULT_OFF.items():
        environ.setdefault(name, value)
