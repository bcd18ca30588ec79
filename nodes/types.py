"""Socket types and naming shared by every KijkoCut node."""

from __future__ import annotations

from comfy_api.latest import io

PACK = "KijkoCut"
CATEGORY = "KijkoCut"

# Carries a TimelineValue (project + folder for relative media paths): edit decisions, never frames.
Timeline = io.Custom("KIJKOCUT_TIMELINE")
# Carries a kijkocut.model.MediaRef: a probed media file ready to be placed on a timeline.
Media = io.Custom("KIJKOCUT_MEDIA")


def node_id(name: str) -> str:
    return f"{PACK}.{name}"


def display(name: str) -> str:
    return f"{PACK} ▸ {name}"


def category(domain: str) -> str:
    return f"{CATEGORY}/{domain}"
