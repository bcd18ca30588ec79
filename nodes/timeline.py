"""Timeline nodes: create, load, save, parse, describe and concatenate projects."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from comfy_api.latest import io, ui
from pydantic import ValidationError

from kijkocut.errors import KijkoCutError
from kijkocut.model import Project, ProjectSettings
from kijkocut.project_io import load_project, project_from_json, project_to_json, save_project
from kijkocut.timebase import frame_count
from kijkocut.validation_messages import describe_validation_error

from .describe import describe_project
from .fingerprint import file_state, project_fingerprint
from .host import apply, folder, project_folder
from .paths import PROJECT_EXTENSIONS, PathRefused, confine, confine_existing
from .timeline_value import TimelineValue
from .types import Timeline, category, described, node_id, timeline_input

CUSTOM = "custom"
CANVAS_PRESETS: dict[str, tuple[int, int] | None] = {
    CUSTOM: None,
    "1920x1080 (landscape HD)": (1920, 1080),
    "1280x720 (landscape 720p)": (1280, 720),
    "3840x2160 (landscape 4K)": (3840, 2160),
    "1080x1920 (vertical: TikTok, Reels, Shorts)": (1080, 1920),
    "1080x1080 (square)": (1080, 1080),
    "1080x1350 (portrait 4:5)": (1080, 1350),
}
PROJECT_FOLDERS = ["output", "user"]


def _settings(
    preset: str, width: int, height: int, frame_rate: str, sample_rate: int, background: str
) -> ProjectSettings:
    if preset not in CANVAS_PRESETS:
        raise ValueError(f"unknown canvas preset {preset!r}")
    width, height = CANVAS_PRESETS[preset] or (width, height)
    try:
        return ProjectSettings(
            width=width, height=height, frame_rate=frame_rate, sample_rate=sample_rate, background=background
        )
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None


class NewTimeline(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("NewTimeline"),
            display_name="New Timeline",
            category=category("timeline"),
            **described(
                "An empty timeline with a canvas size, frame rate, sample rate and background colour.",
                "new project",
                "create timeline",
                "video editor",
                "canvas size",
                "sequence",
            ),
            inputs=[
                io.Combo.Input(
                    "canvas",
                    options=list(CANVAS_PRESETS),
                    default="1920x1080 (landscape HD)",
                    tooltip="Canvas size. A preset sets width and height itself; choose 'custom' to "
                    "use the width and height below.",
                ),
                io.Int.Input(
                    "width",
                    default=1920,
                    min=16,
                    max=8192,
                    step=2,
                    tooltip=f"Canvas width in pixels, used only when canvas is '{CUSTOM}' (the node "
                    "shows the preset's width otherwise).",
                ),
                io.Int.Input(
                    "height",
                    default=1080,
                    min=16,
                    max=8192,
                    step=2,
                    tooltip=f"Canvas height in pixels, used only when canvas is '{CUSTOM}' (the node "
                    "shows the preset's height otherwise).",
                ),
                io.String.Input(
                    "frame_rate", default="30", tooltip="Exact rate: '30', '25', '24000/1001' or '29.97'."
                ),
                io.Combo.Input(
                    "sample_rate",
                    options=[48000, 44100],
                    default=48000,
                    tooltip="Audio samples per second of the mix (48000 for video).",
                ),
                io.String.Input(
                    "background", default="#000000", tooltip="'#rrggbb' colour behind all tracks."
                ),
                io.String.Input(
                    "name",
                    default="Untitled",
                    tooltip="The project's name (shown by Timeline Info and the timeline panel).",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def validate_inputs(
        cls,
        canvas: str,
        width: int,
        height: int,
        frame_rate: str,
        sample_rate: int,
        background: str,
        name: str,
    ) -> bool | str:
        if None in (canvas, width, height, frame_rate, sample_rate, background):
            return True  # linked inputs arrive as None here; execute checks their values
        try:
            _settings(canvas, width, height, frame_rate, int(sample_rate), background)
        except ValueError as exc:
            return str(exc)
        return True

    @classmethod
    def execute(
        cls,
        canvas: str,
        width: int,
        height: int,
        frame_rate: str,
        sample_rate: int,
        background: str,
        name: str,
    ) -> io.NodeOutput:
        settings = _settings(canvas, width, height, frame_rate, int(sample_rate), background)
        # A stable id keeps identical inputs producing identical projects.
        digest = hashlib.sha256(settings.model_dump_json().encode() + name.encode()).hexdigest()[:10]
        project = Project(id=f"prj_{digest}", name=name or "Untitled", settings=settings)
        return io.NodeOutput(TimelineValue(project, None))


def _timeline_file(kind: str, filename: str, *, must_exist: bool) -> Path:
    base = project_folder(kind)
    check = confine_existing if must_exist else confine
    return check(base, filename, extensions=PROJECT_EXTENSIONS)


class LoadTimeline(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("LoadTimeline"),
            display_name="Load Timeline",
            category=category("timeline"),
            **described(
                "Load a KijkoCut project JSON from ComfyUI's output folder or your user data folder.",
                "open project",
                "load project",
                "import timeline",
            ),
            inputs=[
                io.Combo.Input(
                    "folder",
                    options=PROJECT_FOLDERS,
                    default="output",
                    tooltip="ComfyUI's output folder, or your user data folder (user/default).",
                ),
                io.String.Input(
                    "filename",
                    default="kijkocut/timeline.json",
                    tooltip="Path inside the folder; relative media paths resolve next to it.",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def validate_inputs(cls, folder: str, filename: str) -> bool | str:
        try:
            _timeline_file(folder, filename, must_exist=True)
        except (PathRefused, FileNotFoundError) as exc:
            return str(exc)
        return True

    @classmethod
    def fingerprint_inputs(cls, folder: str, filename: str) -> str:
        path = _timeline_file(folder, filename, must_exist=True)
        project = load_project(path, validate=False)
        return f"{file_state(path)}:{project_fingerprint(project, path.parent)}"

    @classmethod
    def execute(cls, folder: str, filename: str) -> io.NodeOutput:
        path = _timeline_file(folder, filename, must_exist=True)
        return io.NodeOutput(TimelineValue(load_project(path), str(path.parent)))


class SaveTimeline(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("SaveTimeline"),
            display_name="Save Timeline",
            category=category("timeline"),
            **described(
                "Save the timeline as project JSON (written atomically; an existing file is replaced).",
                "save project",
                "write project json",
                "store timeline",
            ),
            inputs=[
                timeline_input(tooltip="The timeline to save."),
                io.Combo.Input(
                    "folder",
                    options=PROJECT_FOLDERS,
                    default="output",
                    tooltip="ComfyUI's output folder, or your user data folder (user/default).",
                ),
                io.String.Input(
                    "filename",
                    default="kijkocut/timeline.json",
                    tooltip="Path inside the folder, ending in .json; an existing file is replaced.",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="path")],
            is_output_node=True,
        )

    @classmethod
    def validate_inputs(cls, folder: str, filename: str) -> bool | str:
        try:
            _timeline_file(folder, filename, must_exist=False)
        except PathRefused as exc:
            return str(exc)
        return True

    @classmethod
    def execute(cls, timeline: TimelineValue, folder: str, filename: str) -> io.NodeOutput:
        path = _timeline_file(folder, filename, must_exist=False)
        project = timeline.project
        if timeline.project_dir and os.path.realpath(timeline.project_dir) != str(path.parent):
            project = timeline.with_absolute_media_paths()
        save_project(project, path)
        return io.NodeOutput(
            TimelineValue(project, str(path.parent)),
            str(path),
            ui=ui.PreviewText(f"saved {filename} in {folder}"),
        )


class TimelineFromJSON(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("TimelineFromJSON"),
            display_name="Timeline from JSON",
            category=category("timeline"),
            **described(
                "A timeline from project JSON text (what the timeline panel edits). Relative media "
                "paths resolve inside ComfyUI's input folder.",
                "project json",
                "paste project",
                "timeline text",
            ),
            inputs=[
                io.String.Input(
                    "project_json",
                    multiline=True,
                    default="",
                    tooltip="A KijkoCut project as JSON (Timeline Info's project_json, or a "
                    "saved .json file's text).",
                )
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def validate_inputs(cls, project_json: str) -> bool | str:
        try:
            project_from_json(project_json)
        except KijkoCutError as exc:
            return f"project_json: {exc}"
        return True

    @classmethod
    def fingerprint_inputs(cls, project_json: str) -> str:
        try:
            project = project_from_json(project_json, validate=False)
        except KijkoCutError:
            return hashlib.sha256(project_json.encode()).hexdigest()
        return project_fingerprint(project, folder("input"))

    @classmethod
    def execute(cls, project_json: str) -> io.NodeOutput:
        return io.NodeOutput(TimelineValue(project_from_json(project_json), folder("input")))


class TimelineInfo(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("TimelineInfo"),
            display_name="Timeline Info",
            category=category("timeline"),
            **described(
                "Duration, tracks and elements of a timeline as text, plus its project JSON.",
                "describe timeline",
                "duration",
                "show project",
                "debug timeline",
            ),
            inputs=[timeline_input(tooltip="The timeline to describe.")],
            outputs=[
                io.String.Output(display_name="info"),
                io.Float.Output(display_name="duration"),
                io.Int.Output(display_name="frames"),
                io.Int.Output(display_name="tracks"),
                io.String.Output(display_name="project_json"),
            ],
            is_output_node=True,
        )

    @classmethod
    def execute(cls, timeline: TimelineValue) -> io.NodeOutput:
        project = timeline.project
        text = describe_project(project)
        duration = project.duration()
        return io.NodeOutput(
            text,
            float(duration),
            frame_count(duration, project.settings.frame_rate),
            len(project.tracks),
            project_to_json(project),
            ui=ui.PreviewText(text),
        )


class ConcatenateTimelines(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("ConcatenateTimelines"),
            display_name="Concatenate Timelines",
            category=category("timeline"),
            **described(
                "Append the second timeline after the first (canvas and frame rate of the first).",
                "join videos",
                "append timeline",
                "merge timelines",
                "combine",
            ),
            inputs=[
                timeline_input("first", "The timeline that plays first; its canvas and frame rate are kept."),
                timeline_input("second", "The timeline appended after the first."),
                io.Float.Input(
                    "gap",
                    default=0.0,
                    min=0.0,
                    max=3600.0,
                    step=0.01,
                    tooltip="Seconds of nothing between the two; 0 = back to back.",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(cls, first: TimelineValue, second: TimelineValue, gap: float) -> io.NodeOutput:
        appended = project_to_json(second.with_absolute_media_paths())
        result, _ = apply(
            first, "append_project", {"project_json": appended, "gap": gap}, "input", second.project_dir
        )
        return io.NodeOutput(result)


NODES: list[type[io.ComfyNode]] = [
    NewTimeline,
    LoadTimeline,
    SaveTimeline,
    TimelineFromJSON,
    TimelineInfo,
    ConcatenateTimelines,
]
