"""Socket types, naming and the words people search for, shared by every KijkoCut node."""

from __future__ import annotations

import dataclasses
from typing import Any, get_args

from comfy_api.latest import io

PACK = "KijkoCut"
CATEGORY = "KijkoCut"

# Carries a TimelineValue (project + folder for relative media paths): edit decisions, never frames.
Timeline = io.Custom("KIJKOCUT_TIMELINE")
# Carries a kijkocut.model.MediaRef: a probed media file ready to be placed on a timeline.
Media = io.Custom("KIJKOCUT_MEDIA")

TIMELINE_HELP = "The timeline to edit: from New Timeline, Load Timeline or the previous KijkoCut node."
MEDIA_HELP = "A media file from Load Media or Sample Media."
# ComfyUI 0.3.64's schema has no search_aliases (its node search reads ids and display names only); a later
# ComfyUI whose schema has the field gets the words there too.
SCHEMA_HAS_SEARCH_ALIASES = "search_aliases" in {field.name for field in dataclasses.fields(io.Schema)}


def node_id(name: str) -> str:
    return f"{PACK}.{name}"


def category(domain: str) -> str:
    return f"{CATEGORY}/{domain}"


def described(text: str, *search_words: str) -> dict[str, Any]:
    """A node's description and the words people look for it by, as io.Schema fields. The words end the
    description (the node library's tooltip shows it) and fill search_aliases where the schema has it."""
    fields: dict[str, Any] = {"description": f"{text}\nSearch: {', '.join(search_words)}."}
    if SCHEMA_HAS_SEARCH_ALIASES:
        fields["search_aliases"] = list(search_words)
    return fields


def timeline_input(name: str = "timeline", tooltip: str = TIMELINE_HELP) -> io.Input:
    return Timeline.Input(name, tooltip=tooltip)


def choices(literal: Any) -> list[Any]:
    """A combo's options from the engine's or the service's Literal type, so a new choice appears here too."""
    return list(get_args(literal))
