"""One editing session, written as service-layer actions, that every front end must turn into the same
project and the same undo steps. Media names are file names in the shared media folder; `$name` in a
parameter refers to an id an earlier step created (front ends generate ids of their own)."""

from __future__ import annotations

from typing import Any

Step = tuple[str, dict[str, Any]]  # (action name, params) or ("undo", {}) / ("redo", {})

SETTINGS = {"width": 320, "height": 180, "frame_rate": "25"}

SESSION: list[tuple[str, dict[str, Any], str | None]] = [
    # (action, params, name under which the step's created element/effect/etc. id is remembered)
    ("import_media", {"paths": ["a.mp4", "b.mp4", "still.png"]}, "media"),
    ("add_clip", {"media_id": "$media[0]", "duration": "2"}, "first"),
    ("add_clip", {"media_id": "$media[1]", "source_in": "0.5", "duration": "00:00:01:00"}, "second"),
    (
        "add_transition",
        {"from_element_id": "$first", "to_element_id": "$second", "kind": "wipe_left", "duration": "f10"},
        None,
    ),
    (
        "add_text",
        {"text": "Hello", "start": "0.5", "duration": "1.5", "animation_in": "fade", "stroke_width": 2},
        "title",
    ),
    ("add_clip", {"media_id": "$media[2]", "new_track": True, "start": "1", "duration": "1"}, "logo"),
    ("add_effect", {"element_id": "$first", "kind": "sepia"}, None),
    ("set_property", {"element_id": "$logo", "property": "transform.scale", "value": "0.5"}, None),
    ("set_speed", {"element_id": "$second", "speed": 2}, None),
    ("undo", {}, None),
    ("add_marker", {"time": "00:00:01:05", "name": "beat"}, None),
    ("undo", {}, None),
    ("redo", {}, None),
]
