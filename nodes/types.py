"""Socket types and naming shared by every KijkoCut node."""

from __future__ import annotations

from typing import Any, get_args

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


def choices(literal: Any) -> list[Any]:
    """A combo's options from the engine's or the service's Literal type, so a new choice appears here too."""
    return list(get_args(literal))
