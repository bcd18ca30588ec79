"""Render and export nodes: a timeline back to IMAGE + AUDIO for downstream nodes, or straight to a file."""

from __future__ import annotations

import inspect
import os
from fractions import Fraction

from comfy_api.latest import InputImpl, io, ui
from pydantic import ValidationError

from kijkocut.service.errors import ServiceError
from kijkocut.service.export import (
    AUDIO_CODECS,
    CONTAINERS,
    PRESET_NAMES,
    REFRAME_MODES,
    SPEEDS,
    VIDEO_CODECS,
    ExportOptions,
    export_range,
    export_settings,
)
from kijkocut.timebase import frame_count
from kijkocut.validation_messages import describe_validation_error

from .host import interrupted, interruptible, path_policy, progress_callback
from .memory import RenderPlan, check_fits
from .timeline_value import TimelineValue
from .types import category, described, node_id, timeline_input

KEEP = "preset"  # a choice left to the preset


def _range(timeline: TimelineValue, start: float, end: float) -> tuple[Fraction, Fraction]:
    """The range on the frame grid, inside the timeline (the one rule exports follow too)."""
    first, last = export_range(timeline.project, str(start) if start else None, str(end) if end else None)
    return first or Fraction(0), timeline.project.duration() if last is None else last


class RenderTimeline(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("RenderTimeline"),
            display_name="Render Timeline",
            category=category("render"),
            **described(
                "Render the timeline (or a range of it) to an IMAGE batch and its AUDIO mix, for other "
                "nodes. The batch lives in RAM: its size is checked first; use Export Video for long "
                "videos.",
                "timeline to images",
                "render frames",
                "IMAGE batch",
                "preview frames",
            ),
            inputs=[
                timeline_input(tooltip="The timeline to render."),
                io.Float.Input(
                    "start",
                    default=0.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Timeline seconds of the first frame; 0 = the beginning.",
                ),
                io.Float.Input(
                    "end",
                    default=0.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Timeline seconds where rendering stops; 0 = the end of the timeline.",
                ),
                io.Int.Input(
                    "width",
                    default=0,
                    min=0,
                    max=8192,
                    step=2,
                    tooltip="Frame width; 0 = the canvas's (or, with a height, keep the aspect).",
                ),
                io.Int.Input(
                    "height",
                    default=0,
                    min=0,
                    max=8192,
                    step=2,
                    tooltip="Frame height; 0 = the canvas's (or, with a width, keep the aspect).",
                ),
                io.Int.Input(
                    "every_nth", default=1, min=1, max=1000, tooltip="Keep every n-th frame; 1 = every frame."
                ),
                io.Boolean.Input(
                    "audio", default=True, tooltip="Also mix the sound (else the AUDIO is empty)."
                ),
            ],
            outputs=[
                io.Image.Output(display_name="images"),
                io.Audio.Output(display_name="audio"),
                io.Float.Output(display_name="fps"),
            ],
        )

    @classmethod
    def validate_inputs(cls, start: float, end: float) -> bool | str:
        if end and end <= start:
            return f"end ({end} s) must be after start ({start} s), or 0 for the end of the timeline"
        return True

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        start: float,
        end: float,
        width: int,
        height: int,
        every_nth: int,
        audio: bool,
    ) -> io.NodeOutput:
        import torch

        from kijkocut.paths import confined_project
        from kijkocut.render.audio_mix import render_audio
        from kijkocut.render.frames import iter_frames, output_geometry

        # Once for the pictures and the sound: every file the project names must lie in ComfyUI's folders.
        project = confined_project(timeline.project, path_policy(timeline.project_dir), timeline.project_dir)
        first, last = _range(timeline, start, end)
        geometry = output_geometry(project, width or None, height or None)
        rate = project.settings.frame_rate
        frames = len(range(0, frame_count(last - first, rate), every_nth))
        samples = (int((last - first) * project.settings.sample_rate)) if audio else 0
        check_fits(
            RenderPlan(frames, geometry.width, geometry.height, samples, project.settings.channels),
            start=first,
            frame_step=every_nth / rate,
        )

        images = torch.empty((frames, geometry.height, geometry.width, 3), dtype=torch.float32)
        with interruptible():
            for index, rgb in enumerate(
                iter_frames(
                    project,
                    start=first,
                    end=last,
                    width=geometry.width,
                    height=geometry.height,
                    every_nth=every_nth,
                    project_dir=timeline.project_dir,
                    progress=progress_callback(frames),
                    cancel=interrupted,
                )
            ):
                images[index] = torch.from_numpy(rgb).to(torch.float32).div_(255.0)
        if audio:
            mix = render_audio(project, start=first, end=last, project_dir=timeline.project_dir)
            waveform = torch.from_numpy(mix).unsqueeze(0)
        else:
            waveform = torch.zeros((1, project.settings.channels, 0), dtype=torch.float32)
        sound = {"waveform": waveform, "sample_rate": project.settings.sample_rate}
        return io.NodeOutput(images, sound, float(rate / every_nth))


def export_options(
    preset: str,
    container: str,
    codec: str,
    crf: int,
    speed: str,
    width: int,
    height: int,
    start: float,
    end: float,
    audio: bool,
    audio_codec: str = "preset",
    loudness_lufs: float = 0.0,
    reframe: str = "preset",
    reframe_color: str = "",
) -> ExportOptions:
    """The node's choices as the service's export options: "preset", -1 and 0 mean keep the preset's (0 for
    the end: the end of the timeline)."""
    chosen = {
        "container": container,
        "video_codec": codec,
        "speed": speed,
        "audio_codec": audio_codec,
        "reframe": reframe,
    }
    try:
        return ExportOptions(
            preset=preset,
            **{name: value for name, value in chosen.items() if value != KEEP},
            crf=crf if crf >= 0 else None,
            width=width or None,
            height=height or None,
            start=start or None,
            end=end or None,
            audio=audio,
            loudness_lufs=loudness_lufs if loudness_lufs < 0 else None,
            reframe_color=reframe_color.strip() or None,
        )
    except ValidationError as exc:
        raise ServiceError(describe_validation_error(exc)) from None


def export_choices(node_inputs: dict) -> dict:
    """The export choices among a node method's arguments (its `locals()`), by export_options' parameter names:
    validate_inputs and execute name the same inputs, so both hand them on without listing them twice."""
    return {name: node_inputs[name] for name in inspect.signature(export_options).parameters}


class VideoWithSummary(ui.PreviewVideo):
    """The exported video's preview plus its summary (size, loudness, true peak) as the node's text, which
    the pack's web extension shows on the node."""

    def __init__(self, results: list[ui.SavedResult], summary: str):
        super().__init__(results)
        self.summary = summary

    def as_dict(self) -> dict:
        return {**super().as_dict(), **ui.PreviewText(self.summary).as_dict()}


class ExportTimeline(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("ExportTimeline"),
            display_name="Export Video",
            category=category("render"),
            **described(
                "Encode the timeline to a video file in the output folder (streamed: any length), show "
                "it in the node with its measured loudness and true peak, and pass it on as a VIDEO.",
                "export video",
                "save video",
                "render video",
                "export timeline",
                "save mp4",
                "encode",
            ),
            inputs=[
                timeline_input(tooltip="The timeline to export."),
                io.String.Input(
                    "filename_prefix",
                    default="kijkocut/KijkoCut",
                    tooltip="Folder and name in ComfyUI's output folder; a counter and the "
                    "extension are added.",
                ),
                io.Combo.Input(
                    "preset",
                    options=list(PRESET_NAMES),
                    default="default",
                    tooltip="Container, codec, size, quality and loudness for a purpose (YouTube, "
                    "TikTok/Reels/Shorts, ProRes master, GIF...); the choices below override it.",
                ),
                io.Combo.Input(
                    "container",
                    options=[KEEP, *CONTAINERS],
                    default=KEEP,
                    tooltip="File format; preset = the preset's.",
                ),
                io.Combo.Input(
                    "codec",
                    options=[KEEP, *VIDEO_CODECS],
                    default=KEEP,
                    tooltip="Video codec; preset = the preset's.",
                ),
                io.Int.Input(
                    "crf", default=-1, min=-1, max=63, tooltip="Quality (lower is better); -1 = preset."
                ),
                io.Combo.Input(
                    "speed",
                    options=[KEEP, *SPEEDS],
                    default=KEEP,
                    tooltip="Encoder speed: faster makes bigger files; preset = the preset's.",
                ),
                io.Int.Input(
                    "width",
                    default=0,
                    min=0,
                    max=8192,
                    step=2,
                    tooltip="Output width; 0 = the preset's, else the canvas's (with only a height: keep "
                    "the aspect).",
                ),
                io.Int.Input(
                    "height",
                    default=0,
                    min=0,
                    max=8192,
                    step=2,
                    tooltip="Output height; 0 = the preset's, else the canvas's (with only a width: keep "
                    "the aspect).",
                ),
                io.Float.Input(
                    "start",
                    default=0.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Timeline seconds where the export begins; 0 = the beginning.",
                ),
                io.Float.Input(
                    "end",
                    default=0.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Timeline seconds where the export ends; 0 = the end of the timeline.",
                ),
                io.Boolean.Input("audio", default=True, tooltip="Include the sound track."),
                # Optional, so workflows saved before these inputs existed still validate.
                io.Combo.Input(
                    "audio_codec",
                    options=[KEEP, *AUDIO_CODECS],
                    default=KEEP,
                    optional=True,
                    tooltip="flac (mkv, mp4) and pcm (mov, mkv) are lossless; preset = the preset's.",
                ),
                io.Float.Input(
                    "loudness_lufs",
                    default=0.0,
                    min=-70.0,
                    max=0.0,
                    step=0.5,
                    optional=True,
                    tooltip="Normalise the mix to this loudness: -14 web/social, -23 broadcast; "
                    "0 = as mixed. A true-peak limiter keeps it under -1 dBTP.",
                ),
                io.Combo.Input(
                    "reframe",
                    options=[KEEP, *REFRAME_MODES],
                    default=KEEP,
                    optional=True,
                    tooltip="When the output's shape differs from the canvas (a 16:9 timeline to a vertical "
                    "preset): crop fills it, cutting the sides (the summary names titles it cuts); fit_blur "
                    "shows all of it over a blurred copy; fit_color shows all of it on reframe_color; "
                    "preset = the preset's.",
                ),
                io.String.Input(
                    "reframe_color",
                    default="",
                    optional=True,
                    tooltip="'#rrggbb' around the picture with fit_color; empty = the timeline's background.",
                ),
            ],
            outputs=[
                io.Video.Output(display_name="video"),
                io.String.Output(display_name="path"),
                io.String.Output(display_name="summary", tooltip="frames, size, loudness and true peak"),
            ],
            is_output_node=True,
        )

    @classmethod
    def validate_inputs(
        cls,
        preset: str,
        container: str,
        codec: str,
        crf: int,
        speed: str,
        width: int,
        height: int,
        start: float,
        end: float,
        audio: bool,
        audio_codec: str = "preset",
        loudness_lufs: float = 0.0,
        reframe: str = "preset",
        reframe_color: str = "",
    ) -> bool | str:
        try:
            export_settings(None, export_options(**export_choices(locals())))
        except ServiceError as exc:
            return str(exc)
        return True

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        filename_prefix: str,
        preset: str,
        container: str,
        codec: str,
        crf: int,
        speed: str,
        width: int,
        height: int,
        start: float,
        end: float,
        audio: bool,
        audio_codec: str = "preset",
        loudness_lufs: float = 0.0,
        reframe: str = "preset",
        reframe_color: str = "",
    ) -> io.NodeOutput:
        import folder_paths

        from kijkocut.render.export import export_project
        from kijkocut.render.frames import output_geometry

        chosen = export_options(**export_choices(locals()))
        settings = export_settings(timeline.project, chosen)
        first, last = _range(timeline, start, end)
        geometry = output_geometry(timeline.project, settings.width, settings.height)
        output_dir = folder_paths.get_output_directory()
        full_folder, filename, counter, subfolder, _ = folder_paths.get_save_image_path(
            filename_prefix, output_dir, geometry.width, geometry.height
        )
        file = f"{filename}_{counter:05}_.{settings.container}"
        path = os.path.join(full_folder, file)
        total = frame_count(last - first, settings.frame_rate or timeline.project.settings.frame_rate)
        with interruptible():
            # ComfyUI's output folder is ours to create in; the engine refuses to write over the timeline's media.
            result = export_project(
                timeline.project,
                path,
                settings,
                project_dir=timeline.project_dir,
                progress=progress_callback(total),
                cancel=interrupted,
                create_folders=True,
                path_policy=path_policy(timeline.project_dir),
            )
        summary = result.summary()
        return io.NodeOutput(
            InputImpl.VideoFromFile(path),
            path,
            summary,
            ui=VideoWithSummary([ui.SavedResult(file, subfolder, io.FolderType.output)], summary),
        )


NODES: list[type[io.ComfyNode]] = [RenderTimeline, ExportTimeline]
