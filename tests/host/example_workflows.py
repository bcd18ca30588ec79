"""The pack's example workflows, the ones ComfyUI's template browser lists from example_workflows/: each is
written once here as stages of nodes, laid out as a UI-format graph (what the workflow menu loads) against a
live server's /object_info, so the files always match the node schemas (the host tests rebuild them and
compare), and pictured by a frame of its own output (example_workflows/<name>.jpg, the browser's thumbnail).
Every example runs as it is on a fresh ComfyUI: Sample Media makes its media offline.

Regenerate after changing a node's inputs or an example (needs COMFYUI_PATH; runs every example):
    COMFYUI_PATH=... python -m tests.host.example_workflows
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.host.example_layout import (
    NODE_WIDTH,
    WIDGET_TYPES,
    arrange,
    node_height,
    note_height,
)

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "example_workflows"
THUMBNAIL_SIDE = 512  # the long side; the template browser shows it whole (at most 256 px high)
GROUP_COLOURS = ("#3f789e", "#8a8", "#b58b2a", "#a1309b", "#88a", "#b06634", "#444")
NOTE_COLOUR, NOTE_BACKGROUND = "#432", "#653"

# node id -> (type, widget values by name, linked inputs {name: (source id, output slot)})
NodeSpec = tuple[str, dict[str, Any], dict[str, tuple[int, int]]]


@dataclass(frozen=True)
class Stage:
    title: str
    nodes: dict[int, NodeSpec]


@dataclass(frozen=True)
class Example:
    name: str
    note: str  # Markdown, in a note at the top of the first stage
    stages: tuple[Stage, ...]
    thumbnail_at: float  # seconds into the exported video

    @property
    def nodes(self) -> dict[int, NodeSpec]:
        return {node: spec for stage in self.stages for node, spec in stage.nodes.items()}


OWN_MEDIA = (
    "To use your own footage, put a **Load Media** node (it uploads files) where a Sample Media node "
    "is and connect its `media` output the same way."
)

THREE_CLIPS = Example(
    name="edit_three_clips",
    note="**Three clips, two transitions and a title.** Runs as it is: Sample Media makes three short clips on "
    "this machine. " + OWN_MEDIA + " The video appears in Export Video and in `output/kijkocut/`.",
    stages=(
        Stage(
            "1. Media (made offline)",
            {
                1: (
                    "KijkoCut.SampleMedia",
                    {"kind": "clip", "seconds": 4.0, "width": 640, "height": 360, "hue": 20},
                    {},
                ),
                2: (
                    "KijkoCut.SampleMedia",
                    {"kind": "clip", "seconds": 4.0, "width": 640, "height": 360, "hue": 150},
                    {},
                ),
                3: (
                    "KijkoCut.SampleMedia",
                    {"kind": "clip", "seconds": 4.0, "width": 640, "height": 360, "hue": 260},
                    {},
                ),
            },
        ),
        Stage(
            "2. Timeline",
            {
                4: (
                    "KijkoCut.NewTimeline",
                    {
                        "canvas": "custom",
                        "width": 640,
                        "height": 360,
                        "frame_rate": "30",
                        "sample_rate": 48000,
                        "background": "#000000",
                        "name": "Three clips",
                    },
                    {},
                ),
            },
        ),
        # Each clip leaves half a second of source on the sides that meet, for the 1 s transitions.
        Stage(
            "3. Clips",
            {
                5: (
                    "KijkoCut.AddClip",
                    {"track": "V1", "start": 0.0, "source_in": 0.0, "source_out": 3.0},
                    {"timeline": (4, 0), "media": (1, 0)},
                ),
                6: (
                    "KijkoCut.AddClip",
                    {"track": "V1", "start": 3.0, "source_in": 0.5, "source_out": 3.5},
                    {"timeline": (5, 0), "media": (2, 0)},
                ),
                7: (
                    "KijkoCut.AddClip",
                    {"track": "V1", "start": 6.0, "source_in": 0.5, "source_out": 3.5},
                    {"timeline": (6, 0), "media": (3, 0)},
                ),
            },
        ),
        Stage(
            "4. Transitions",
            {
                8: (
                    "KijkoCut.AddTransition",
                    {"track": "V1", "cut_at": 3.0, "kind": "crossfade", "duration": 1.0},
                    {"timeline": (7, 0)},
                ),
                9: (
                    "KijkoCut.AddTransition",
                    {"track": "V1", "cut_at": 6.0, "kind": "wipe_left", "duration": 1.0},
                    {"timeline": (8, 0)},
                ),
            },
        ),
        Stage(
            "5. Title",
            {
                10: (
                    "KijkoCut.AddText",
                    {"text": "KijkoCut", "track": "T1", "start": 0.5, "duration": 2.5, "size": 64, "y": 0.72},
                    {"timeline": (9, 0)},
                ),
                11: (
                    "KijkoCut.StyleText",
                    {
                        "weight": "bold",
                        "stroke_width": 3,
                        "box_color": "#00000080",
                        "animation_in": "slide_up",
                        "animation_out": "fade",
                        "animation_duration": 0.5,
                    },
                    {"timeline": (10, 0)},
                ),
            },
        ),
        Stage(
            "6. Export",
            {
                12: (
                    "KijkoCut.ExportTimeline",
                    {"filename_prefix": "kijkocut/three_clips", "preset": "default", "speed": "ultrafast"},
                    {"timeline": (11, 0)},
                ),
            },
        ),
    ),
    thumbnail_at=1.6,
)

SOCIAL_SHORT = Example(
    name="image_batch_social_short",
    note="**Generated frames become a vertical short.** Empty Image stands in for a generation graph: put your "
    "sampler and VAE Decode there and connect the IMAGE batch to Add Images as Clip. Exported with the "
    "Shorts preset (1080x1920, -14 LUFS).",
    stages=(
        Stage(
            "1. Frames (stand-in)",
            {
                1: ("EmptyImage", {"width": 512, "height": 512, "batch_size": 48, "color": 0x3366CC}, {}),
            },
        ),
        Stage(
            "2. Vertical timeline",
            {
                2: (
                    "KijkoCut.NewTimeline",
                    {
                        "canvas": "1080x1920 (vertical: TikTok, Reels, Shorts)",
                        "frame_rate": "30",
                        "name": "Social short",
                    },
                    {},
                ),
                3: (
                    "KijkoCut.AddImages",
                    {"fps": 24.0, "track": "V1", "start": 0.0, "fit": "cover"},
                    {"timeline": (2, 0), "images": (1, 0)},
                ),
            },
        ),
        Stage(
            "3. Captions",
            {
                4: (
                    "KijkoCut.AddText",
                    {
                        "text": "Made with KijkoCut",
                        "track": "T1",
                        "start": 0.0,
                        "duration": 2.0,
                        "size": 84,
                        "y": 0.42,
                        "fade_in": 0.25,
                    },
                    {"timeline": (3, 0)},
                ),
                # Wrapped to two lines: the platforms' buttons cover the right 15% of a vertical video.
                5: (
                    "KijkoCut.StyleText",
                    {
                        "weight": "bold",
                        "box_color": "#000000a0",
                        "box_padding": 24,
                        "max_width": 640,
                        "animation_in": "slide_up",
                    },
                    {"timeline": (4, 0)},
                ),
                6: (
                    "KijkoCut.AddText",
                    {
                        "text": "#generated",
                        "track": "T2",
                        "start": 1.0,
                        "duration": 1.0,
                        "size": 56,
                        "y": 0.55,
                    },
                    {"timeline": (5, 0)},
                ),
            },
        ),
        Stage(
            "4. Export",
            {
                7: (
                    "KijkoCut.ExportTimeline",
                    {"filename_prefix": "kijkocut/social_short", "preset": "shorts", "speed": "ultrafast"},
                    {"timeline": (6, 0)},
                ),
            },
        ),
    ),
    thumbnail_at=1.5,
)

MUSIC_UNDER_VOICE = Example(
    name="music_under_voice",
    note="**A still with a slow zoom, music that ducks under a voice, exported at -14 LUFS.** Runs as it is: "
    "Sample Media makes the picture, the music and the voice. " + OWN_MEDIA + " Export Video shows the "
    "loudness and true peak it measured.",
    stages=(
        Stage(
            "1. Media (made offline)",
            {
                1: ("KijkoCut.SampleMedia", {"kind": "still", "width": 1280, "height": 720, "hue": 200}, {}),
                2: ("KijkoCut.SampleMedia", {"kind": "music", "seconds": 8.0}, {}),
                3: ("KijkoCut.SampleMedia", {"kind": "voice", "seconds": 5.0}, {}),
            },
        ),
        Stage(
            "2. Picture",
            {
                4: (
                    "KijkoCut.NewTimeline",
                    {
                        "canvas": "1280x720 (landscape 720p)",
                        "frame_rate": "30",
                        "name": "Music under a voice",
                    },
                    {},
                ),
                5: (
                    "KijkoCut.AddClip",
                    {"track": "V1", "start": 0.0, "source_out": 8.0},
                    {"timeline": (4, 0), "media": (1, 0)},
                ),
                6: (
                    "KijkoCut.AnimationPreset",
                    {"preset": "ken_burns", "direction": "left", "zoom": 1.25},
                    {"timeline": (5, 0)},
                ),
            },
        ),
        Stage(
            "3. Sound",
            {
                7: (
                    "KijkoCut.AddClip",
                    {"track": "A1", "start": 0.0, "source_out": 8.0, "fade_out": 1.5},
                    {"timeline": (6, 0), "media": (2, 0)},
                ),
                8: ("KijkoCut.AddClip", {"track": "A2", "start": 1.5}, {"timeline": (7, 0), "media": (3, 0)}),
                9: (
                    "KijkoCut.TrackSettings",
                    {"track": "A1", "duck_under": "A2", "duck_amount_db": -12.0},
                    {"timeline": (8, 0)},
                ),
            },
        ),
        Stage(
            "4. Title and export",
            {
                10: (
                    "KijkoCut.AddText",
                    {
                        "text": "Music under a voice",
                        "track": "T1",
                        "start": 0.5,
                        "duration": 6.5,
                        "size": 72,
                        "y": 0.8,
                        "fade_in": 0.5,
                        "fade_out": 0.5,
                    },
                    {"timeline": (9, 0)},
                ),
                11: (
                    "KijkoCut.ExportTimeline",
                    {
                        "filename_prefix": "kijkocut/music_under_voice",
                        "preset": "default",
                        "speed": "ultrafast",
                        "loudness_lufs": -14.0,
                    },
                    {"timeline": (10, 0)},
                ),
            },
        ),
    ),
    thumbnail_at=4.0,
)

EXAMPLES: dict[str, Example] = {
    example.name: example for example in (THREE_CLIPS, SOCIAL_SHORT, MUSIC_UNDER_VOICE)
}


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
    spec = definition["input"].get("required", {}).get(name) or definition["input"].get("optional", {}).get(
        name
    )
    if isinstance(spec[0], list):
        return spec[0]
    return (spec[1] if len(spec) > 1 else {}).get("options", [])


def shown_values(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Widget values as the pack's graph-editor extension shows them: New Timeline's width and height are
    the chosen preset's size (the node ignores them unless the canvas is custom)."""
    preset = (
        re.match(r"^(\d+)x(\d+)\b", str(values.get("canvas", ""))) if kind == "KijkoCut.NewTimeline" else None
    )
    return {**values, "width": int(preset[1]), "height": int(preset[2])} if preset else values


def _node(
    node_id: int,
    order: int,
    spec: NodeSpec,
    object_info: dict[str, Any],
    links: list[list[Any]],
    outgoing: dict[tuple[int, int], list[int]],
    all_specs: dict[int, NodeSpec],
) -> dict[str, Any]:
    kind, widgets, linked = spec
    definition = object_info[kind]
    unknown = set(widgets) | set(linked)
    widgets = shown_values(kind, widgets)
    inputs, values = [], []
    for name, input_type, options in _inputs(definition):
        unknown.discard(name)
        if name in linked:
            source, slot = linked[name]
            links.append(
                [
                    len(links) + 1,
                    source,
                    slot,
                    node_id,
                    len(inputs),
                    object_info[all_specs[source][0]]["output"][slot],
                ]
            )
            outgoing.setdefault((source, slot), []).append(len(links))
            inputs.append({"name": name, "type": input_type, "link": len(links)})
        if input_type in WIDGET_TYPES:
            default = options.get("default")
            if default is None and input_type == "COMBO":
                default = (combo_options(definition, name) or [None])[0]
            values.append(widgets.get(name, default))
    if unknown:
        raise KeyError(f"{kind} has no input(s) {sorted(unknown)}")
    outputs = [
        {"name": name, "type": output_type, "links": [], "slot_index": slot}
        for slot, (name, output_type) in enumerate(zip(definition["output_name"], definition["output"]))
    ]
    return {
        "id": node_id,
        "type": kind,
        "pos": [0, 0],
        "size": [NODE_WIDTH, node_height(definition)],
        "flags": {},
        "order": order,
        "mode": 0,
        "inputs": inputs,
        "outputs": outputs,
        "properties": {"Node name for S&R": kind},
        "widgets_values": values,
    }


def build_ui(example: Example, object_info: dict[str, Any]) -> dict[str, Any]:
    """The example as a UI-format workflow: its stages as titled groups, a note on top of the first."""
    specs = example.nodes
    note_id = max(specs) + 1
    links: list[list[Any]] = []
    outgoing: dict[tuple[int, int], list[int]] = {}
    nodes = [
        _node(node_id, order, spec, object_info, links, outgoing, specs)
        for order, (node_id, spec) in enumerate(specs.items())
    ]
    for node in nodes:
        for output in node["outputs"]:
            output["links"] = outgoing.get((node["id"], output["slot_index"]), [])
    nodes.append(
        {
            "id": note_id,
            "type": "MarkdownNote",
            "pos": [0, 0],
            "size": [NODE_WIDTH, note_height(example.note)],
            "flags": {},
            "order": len(nodes),
            "mode": 0,
            "inputs": [],
            "outputs": [],
            "properties": {},
            "widgets_values": [example.note],
            "color": NOTE_COLOUR,
            "bgcolor": NOTE_BACKGROUND,
        }
    )
    heights = {node["id"]: node["size"][1] for node in nodes}
    stage_heights = [{node: heights[node] for node in stage.nodes} for stage in example.stages]
    stage_heights[0] = {note_id: heights[note_id], **stage_heights[0]}
    layout = arrange(stage_heights)
    for node in nodes:
        node["pos"] = list(layout.positions[node["id"]])
    groups = [
        {
            "id": index + 1,
            "title": stage.title,
            "bounding": [box.x, box.y, box.width, box.height],
            "color": GROUP_COLOURS[index % len(GROUP_COLOURS)],
            "font_size": 24,
            "flags": {},
        }
        for index, (stage, box) in enumerate(zip(example.stages, layout.groups))
    ]
    # No saved view (extra.ds): the frontend fits the graph to the window it opens in.
    return {
        "last_node_id": note_id,
        "last_link_id": len(links),
        "nodes": nodes,
        "links": links,
        "groups": groups,
        "config": {},
        "extra": {},
        "version": 0.4,
    }


def render_json(ui: dict[str, Any]) -> str:
    return json.dumps(ui, indent=1) + "\n"


def exported_videos(history: dict[str, Any], output_dir: Path) -> list[Path]:
    """The files Export Video nodes wrote, from a prompt's /history entry."""
    return [
        output_dir / item["subfolder"] / item["filename"]
        for output in history["outputs"].values()
        for item in output.get("images", [])
        if item.get("type") == "output"
    ]


def frame_at(video: Path, seconds: float):
    """The RGB frame (PIL image) shown at `seconds`."""
    import av

    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is not None and frame.time + 1e-6 >= seconds:
                return frame.to_image()
    raise ValueError(f"{video.name} ends before {seconds} s")


def thumbnail(video: Path, seconds: float):
    """The frame at `seconds`, its long side THUMBNAIL_SIDE."""
    from PIL import Image

    image = frame_at(video, seconds)
    scale = THUMBNAIL_SIDE / max(image.size)
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)


def write_examples(object_info: dict[str, Any], folder: Path = EXAMPLES_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for example in EXAMPLES.values():
        path = folder / f"{example.name}.json"
        path.write_text(render_json(build_ui(example, object_info)))
        written.append(path)
    return written


def to_api(example_name: str, object_info: dict[str, Any], folder: Path = EXAMPLES_DIR) -> dict[str, Any]:
    """A committed example as the API-format prompt ComfyUI's frontend would queue."""
    from workflows_library.convert import ui_to_api
    from workflows_library.object_info import parse_object_info

    ui = json.loads((folder / f"{example_name}.json").read_text())
    return ui_to_api(ui, parse_object_info(object_info))


if __name__ == "__main__":
    from tests.comfyui_host import start_comfyui

    with start_comfyui(with_pack=True) as server:
        info = server.object_info()
        for written in write_examples(info):
            print("wrote", written)
        # Core nodes make empty subfolders (input/3d) when listed; the examples need no file there.
        assert not [files for _, _, files in os.walk(server.input_dir) if files], "the input folder has files"
        for name, example in EXAMPLES.items():
            [video] = exported_videos(server.run_prompt(to_api(name, info), timeout=900), server.output_dir)
            picture = EXAMPLES_DIR / f"{name}.jpg"
            thumbnail(video, example.thumbnail_at).save(picture, quality=85, optimize=True)
            print("wrote", picture)
