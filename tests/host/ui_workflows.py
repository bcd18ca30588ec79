"""The example workflows of workflows_library/editing/, written as compact specs and laid out as ComfyUI
UI-format graphs (what the workflow menu loads) against a live server's /object_info, so the committed files
always match the node schemas: the host test rebuilds them and compares.

Regenerate after changing a node's inputs (needs COMFYUI_PATH):
    COMFYUI_PATH=... python -m tests.host.ui_workflows
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EDITING_DIR = Path(__file__).resolve().parents[2] / "workflows_library" / "editing"
WIDGET_TYPES = {"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"}

# node id -> (type, widget values by name, linked inputs {name: (source id, output slot)})
Spec = dict[int, tuple[str, dict[str, Any], dict[str, tuple[int, int]]]]

CLIPS = ("kijkocut_clip_a.mp4", "kijkocut_clip_b.mp4", "kijkocut_clip_c.mp4")

THREE_CLIPS: Spec = {
    1: ("KijkoCut.LoadMedia", {"file": CLIPS[0]}, {}),
    2: ("KijkoCut.LoadMedia", {"file": CLIPS[1]}, {}),
    3: ("KijkoCut.LoadMedia", {"file": CLIPS[2]}, {}),
    4: ("KijkoCut.NewTimeline", {"canvas": "custom", "width": 640, "height": 360, "frame_rate": "30",
                                 "sample_rate": 48000, "background": "#000000", "name": "Three clips"}, {}),
    # Each clip leaves half a second of source on the sides that meet, for the 1 s crossfades.
    5: ("KijkoCut.AddClip", {"track": "V1", "start": 0.0, "source_in": 0.0, "source_out": 3.0}, {
        "timeline": (4, 0), "media": (1, 0)}),
    6: ("KijkoCut.AddClip", {"track": "V1", "start": 3.0, "source_in": 0.5, "source_out": 3.5}, {
        "timeline": (5, 0), "media": (2, 0)}),
    7: ("KijkoCut.AddClip", {"track": "V1", "start": 6.0, "source_in": 0.5, "source_out": 3.5}, {
        "timeline": (6, 0), "media": (3, 0)}),
    8: ("KijkoCut.AddTransition", {"track": "V1", "cut_at": 3.0, "duration": 1.0}, {"timeline": (7, 0)}),
    9: ("KijkoCut.AddTransition", {"track": "V1", "cut_at": 6.0, "duration": 1.0}, {"timeline": (8, 0)}),
    10: ("KijkoCut.AddText", {"text": "KijkoCut", "track": "T1", "start": 0.5, "duration": 2.5, "size": 56,
                              "y": 0.2, "fade_in": 0.5, "fade_out": 0.5}, {"timeline": (9, 0)}),
    11: ("KijkoCut.ExportTimeline", {"filename_prefix": "kijkocut/three_clips", "preset": "default",
                                     "speed": "ultrafast"}, {"timeline": (10, 0)}),
}

SOCIAL_SHORT: Spec = {
    # Stand-in for a generation graph: replace EmptyImage with your sampler + VAE Decode.
    1: ("EmptyImage", {"width": 512, "height": 512, "batch_size": 48, "color": 0x3366CC}, {}),
    2: ("KijkoCut.NewTimeline", {"canvas": "1080x1920 (vertical: TikTok, Reels, Shorts)", "frame_rate": "30",
                                 "name": "Social short"}, {}),
    3: ("KijkoCut.AddImages", {"fps": 24.0, "track": "V1", "start": 0.0, "fit": "cover"}, {
        "timeline": (2, 0), "images": (1, 0)}),
    4: ("KijkoCut.AddText", {"text": "Made with KijkoCut", "track": "T1", "start": 0.0, "duration": 2.0,
                             "size": 72, "y": 0.8, "fade_in": 0.25}, {"timeline": (3, 0)}),
    5: ("KijkoCut.AddText", {"text": "#generated", "track": "T2", "start": 1.0, "duration": 1.0, "size": 48,
                             "y": 0.88}, {"timeline": (4, 0)}),
    6: ("KijkoCut.ExportTimeline", {"filename_prefix": "kijkocut/social_short", "preset": "shorts",
                                    "speed": "ultrafast"}, {"timeline": (5, 0)}),
}

WORKFLOWS: dict[str, Spec] = {"edit_three_clips.json": THREE_CLIPS, "image_batch_social_short.json": SOCIAL_SHORT}


def _inputs(definition: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, type, options) of a node's inputs in the frontend's order: required, then optional."""
    order = definition.get("input_order") or {}
    result = []
    for section in ("required", "optional"):
        specs = definition.get("input", {}).get(section) or {}
        for name in order.get(section) or list(specs):
            spec = specs[name]
            kind = "COMBO" if isinstance(spec[0], list) else spec[0]
            result.append((name, kind, spec[1] if len(spec) > 1 and isinstance(spec[1], dict) else {}))
    return result


def combo_options(definition: dict[str, Any], name: str) -> list[Any]:
    """A combo's choices: V1 nodes list them in place of the type, V3 nodes under 'options'."""
    spec = definition["input"].get("required", {}).get(name) or definition["input"].get("optional", {}).get(name)
    if isinstance(spec[0], list):
        return spec[0]
    return (spec[1] if len(spec) > 1 else {}).get("options", [])


def build_ui(spec: Spec, object_info: dict[str, Any]) -> dict[str, Any]:
    links: list[list[Any]] = []
    outgoing: dict[tuple[int, int], list[int]] = {}
    nodes = []
    for order, (node_id, (kind, widgets, linked)) in enumerate(spec.items()):
        definition = object_info[kind]
        unknown = set(widgets) | set(linked)
        inputs, values = [], []
        for name, input_type, options in _inputs(definition):
            unknown.discard(name)
            if name in linked:
                source, slot = linked[name]
                links.append([len(links) + 1, source, slot, node_id, len(inputs),
                              object_info[spec[source][0]]["output"][slot]])
                outgoing.setdefault((source, slot), []).append(len(links))
                inputs.append({"name": name, "type": input_type, "link": len(links)})
            if input_type in WIDGET_TYPES:
                default = options.get("default")
                if default is None and input_type == "COMBO":
                    default = (combo_options(definition, name) or [None])[0]
                values.append(widgets.get(name, default))
        if unknown:
            raise KeyError(f"{kind} has no input(s) {sorted(unknown)}")
        outputs = [{"name": name, "type": output_type, "links": [], "slot_index": slot}
                   for slot, (name, output_type) in enumerate(zip(definition["output_name"], definition["output"]))]
        nodes.append({"id": node_id, "type": kind, "pos": [40 + 340 * order, 80 + 60 * (order % 3)],
                      "size": [315, 130], "flags": {}, "order": order, "mode": 0, "inputs": inputs,
                      "outputs": outputs, "properties": {"Node name for S&R": kind}, "widgets_values": values})
    for node in nodes:
        for output in node["outputs"]:
            output["links"] = outgoing.get((node["id"], output["slot_index"]), [])
    return {"last_node_id": max(spec), "last_link_id": len(links), "nodes": nodes, "links": links,
            "groups": [], "config": {}, "extra": {}, "version": 0.4}


def render_json(ui: dict[str, Any]) -> str:
    return json.dumps(ui, indent=1) + "\n"


if __name__ == "__main__":
    from tests.comfyui_host import start_comfyui

    with start_comfyui(with_pack=True) as server:
        info = server.object_info()
    EDITING_DIR.mkdir(parents=True, exist_ok=True)
    for file_name, workflow in WORKFLOWS.items():
        (EDITING_DIR / file_name).write_text(render_json(build_ui(workflow, info)))
        print("wrote", EDITING_DIR / file_name)
