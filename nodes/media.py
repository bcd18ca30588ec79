"""Media nodes: load a file from ComfyUI's input folder, and place media, IMAGE batches, VIDEO and AUDIO on a
timeline as clips (tensors become lossless intermediate files first; the timeline only references files).
Placing is one service action (add_clip): the media, the track it needs and the clip in one undo step."""

from __future__ import annotations

import hashlib
import json
import os
from fractions import Fraction
from typing import Any

from comfy_api.latest import InputImpl, io

from kijkocut.model import Fit, MediaRef
from kijkocut.service import lookup
from kijkocut.service.editing import PlaceMode
from kijkocut.service.errors import ServiceError
from kijkocut.timebase import to_fraction, to_rate

from .fingerprint import file_state
from .host import apply, folder, intermediates_folder
from .paths import PathRefused, confine_existing, media_extensions
from .timeline_value import TimelineValue
from .types import MEDIA_HELP, Media, Timeline, category, choices, described, node_id, timeline_input

PLACE_MODES = choices(PlaceMode)
FITS = choices(Fit)
# The kind of a track made for the clip.
TRACK_KINDS = ["auto", *lookup.TRACKS_FOR["picture"], *lookup.TRACKS_FOR["audio"]]


def _annotated(name: str) -> tuple[str, str]:
    """ComfyUI's 'name.ext [output]' annotation: the folder type and the bare name (input by default)."""
    for kind in ("output", "input", "temp"):
        suffix = f" [{kind}]"
        if name.endswith(suffix):
            return kind, name[: -len(suffix)]
    return "input", name


def media_path(name: str) -> str:
    kind, bare = _annotated(name)
    return str(confine_existing(folder(kind), bare, extensions=media_extensions()))


def import_file(path: str) -> MediaRef:
    from kijkocut.media.probe import import_media

    ref = import_media(path)
    # Content-derived ids keep projects (and caches) identical across runs of the same graph.
    stable = hashlib.sha256(f"{ref.path}\n{ref.content_hash}".encode()).hexdigest()[:12]
    return ref.model_copy(update={"id": f"med_{stable}"})


def placement_inputs(*, visual: bool, default_track: str) -> list[io.Input]:
    """The inputs every 'add as clip' node shares: where the clip goes and how it looks and sounds."""
    inputs: list[io.Input] = [
        io.String.Input("track", default=default_track, tooltip="Track id; created when missing."),
        io.Float.Input("start", default=0.0, min=0.0, max=86400.0, step=0.01, tooltip="Timeline seconds."),
        io.Float.Input(
            "source_in",
            default=0.0,
            min=0.0,
            max=86400.0,
            step=0.01,
            optional=True,
            tooltip="Seconds into the media where the clip begins.",
        ),
        io.Float.Input(
            "source_out",
            default=0.0,
            min=0.0,
            max=86400.0,
            step=0.01,
            optional=True,
            tooltip="0 = to the end of the media (stills: 5 s).",
        ),
        io.Combo.Input(
            "mode",
            options=PLACE_MODES,
            default="overwrite",
            optional=True,
            tooltip="overwrite what is there, insert (push later clips right) or strict.",
        ),
        io.Float.Input(
            "fade_in",
            default=0.0,
            min=0.0,
            max=60.0,
            step=0.01,
            optional=True,
            tooltip="Seconds of fade in (picture from transparent, sound from silence); 0 = none.",
        ),
        io.Float.Input(
            "fade_out",
            default=0.0,
            min=0.0,
            max=60.0,
            step=0.01,
            optional=True,
            tooltip="Seconds of fade out at the clip's end; 0 = none.",
        ),
        io.Float.Input(
            "gain_db",
            default=0.0,
            min=-96.0,
            max=24.0,
            step=0.1,
            optional=True,
            tooltip="Volume change in dB: -6 = about half as loud, 0 = unchanged.",
        ),
    ]
    if visual:
        inputs += [
            io.Combo.Input(
                "track_kind",
                options=TRACK_KINDS,
                default="auto",
                optional=True,
                tooltip="Kind of a newly created track; auto = video, or audio for sound files.",
            ),
            io.Combo.Input(
                "fit",
                options=FITS,
                default="contain",
                optional=True,
                tooltip="How a picture of another shape fills the canvas: contain (whole picture, "
                "bars), cover (fills, crops), stretch, or none (pixel size).",
            ),
            io.Float.Input(
                "scale",
                default=1.0,
                min=0.01,
                max=100.0,
                step=0.01,
                optional=True,
                tooltip="Size after fitting: 1 = as fitted, 0.5 = half (picture in picture).",
            ),
            io.Float.Input(
                "x",
                default=0.5,
                min=-1.0,
                max=2.0,
                step=0.01,
                optional=True,
                tooltip="Centre, fraction of canvas width.",
            ),
            io.Float.Input(
                "y",
                default=0.5,
                min=-1.0,
                max=2.0,
                step=0.01,
                optional=True,
                tooltip="Centre, fraction of canvas height.",
            ),
            io.Float.Input(
                "rotation",
                default=0.0,
                min=-360.0,
                max=360.0,
                step=0.1,
                optional=True,
                tooltip="Degrees clockwise.",
            ),
            io.Float.Input(
                "opacity",
                default=1.0,
                min=0.0,
                max=1.0,
                step=0.01,
                optional=True,
                tooltip="1 = solid, 0 = invisible.",
            ),
            io.Boolean.Input(
                "mute_audio",
                default=False,
                optional=True,
                tooltip="Silence the clip's own sound (a video's soundtrack).",
            ),
        ]
    return inputs


def place_media(
    timeline: TimelineValue,
    ref: MediaRef,
    *,
    track: str,
    start: float,
    source_in: float = 0.0,
    source_out: float = 0.0,
    mode: str = "overwrite",
    fade_in: float = 0.0,
    fade_out: float = 0.0,
    gain_db: float = 0.0,
    track_kind: str = "auto",
    fit: str = "contain",
    scale: float = 1.0,
    x: float = 0.5,
    y: float = 0.5,
    rotation: float = 0.0,
    opacity: float = 1.0,
    mute_audio: bool = False,
) -> tuple[TimelineValue, str]:
    """Add `ref` to the pool (once) and a clip of it on `track` in one undo step; returns the new timeline and
    the clip id. Without source_out the clip runs to the end of the media (stills: the service's default)."""
    project = timeline.project
    track_id = track.strip() or None
    duration = None
    if source_out:
        duration = to_fraction(source_out) - to_fraction(source_in)
        if duration <= 0:
            raise ServiceError(f"source_out ({source_out} s) must be after source_in ({source_in} s)")
    settings = project.settings
    looks = {
        "transform": {
            "x": x * settings.width,
            "y": y * settings.height,
            "scale": scale,
            "rotation": rotation,
            "opacity": opacity,
            "fit": fit,
        },
        "gain_db": gain_db,
        "audio_muted": mute_audio,
        "fade_in": fade_in,
        "fade_out": fade_out,
    }
    result, outcome = apply(
        timeline,
        "add_clip",
        {
            "path": ref.path,
            "media_id": ref.id,
            "track_id": track_id,
            "create_track": True,
            "track_kind": None if track_kind == "auto" else track_kind,
            "start": start,
            "source_in": source_in,
            "duration": None if duration is None else str(duration),
            "mode": mode,
            "element_id": lookup.unused_element_id(project, track_id) if track_id else None,
            "properties": json.dumps(looks),
        },
    )
    return result, outcome.created["element_id"]


class LoadMedia(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        input_dir = folder("input")
        extensions = media_extensions()
        files = sorted(
            f
            for f in os.listdir(input_dir)
            if os.path.isfile(os.path.join(input_dir, f)) and os.path.splitext(f)[1].lower() in extensions
        )
        return io.Schema(
            node_id=node_id("LoadMedia"),
            display_name="Load Media",
            category=category("media"),
            **described(
                "A video, audio or image file from ComfyUI's input folder, probed and ready to place.",
                "load video",
                "import media",
                "open file",
                "load audio",
                "load image",
                "upload",
            ),
            inputs=[
                io.Combo.Input(
                    "file",
                    options=files,
                    upload=io.UploadType.video,
                    tooltip="A file in ComfyUI's input folder; upload one with the button.",
                )
            ],
            outputs=[
                Media.Output(display_name="media"),
                io.Float.Output(display_name="duration"),
                io.Int.Output(display_name="width"),
                io.Int.Output(display_name="height"),
                io.String.Output(display_name="info"),
            ],
        )

    @classmethod
    def validate_inputs(cls, file: str) -> bool | str:
        try:
            media_path(file)
        except (PathRefused, FileNotFoundError) as exc:
            return f"file: {exc}"
        return True

    @classmethod
    def fingerprint_inputs(cls, file: str) -> Any:
        return file_state(media_path(file))

    @classmethod
    def execute(cls, file: str) -> io.NodeOutput:
        ref = import_file(media_path(file))
        info = ref.info
        duration = float(info.duration) if info.duration is not None else 0.0
        return io.NodeOutput(ref, duration, info.width or 0, info.height or 0, info.model_dump_json(indent=1))


class AddClip(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AddClip"),
            display_name="Add Clip",
            category=category("media"),
            **described(
                "Place loaded media on a track: where, which part of the source, and how it sits.",
                "add video to timeline",
                "place clip",
                "insert clip",
                "add media",
            ),
            inputs=[
                timeline_input(),
                Media.Input("media", tooltip=MEDIA_HELP),
                *placement_inputs(visual=True, default_track="V1"),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, media: MediaRef, **placement: Any) -> io.NodeOutput:
        return io.NodeOutput(*place_media(timeline, media, **placement))


def _frames_uint8(images) -> Any:
    """IMAGE tensor (B, H, W, C) float 0..1 -> RGB uint8 frames, one at a time (no second copy of the batch)."""
    if images.ndim != 4 or images.shape[-1] not in (3, 4):
        raise ValueError(f"expected an IMAGE batch (B, H, W, 3), got shape {tuple(images.shape)}")
    for frame in images:
        yield (frame[..., :3].clamp(0, 1) * 255).round().to("cpu").byte().numpy()


def _audio_array(audio: dict) -> tuple[Any, int]:
    try:
        waveform, sample_rate = audio["waveform"], int(audio["sample_rate"])
    except (KeyError, TypeError):
        raise ValueError("expected an AUDIO dict with 'waveform' and 'sample_rate'") from None
    if waveform.ndim == 3:
        waveform = waveform[0]  # the first item of the batch
    if waveform.ndim != 2:
        raise ValueError(
            f"AUDIO waveform must be (batch, channels, samples), got {tuple(audio['waveform'].shape)}"
        )
    return waveform.to("cpu").float().numpy(), sample_rate


def _fps(fps: float) -> Fraction:
    try:
        return to_rate(fps)  # 29.97 means 30000/1001, as editors expect
    except ValueError as exc:
        raise ValueError(f"fps: {exc}") from None


class AddImages(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AddImages"),
            display_name="Add Images as Clip",
            category=category("media"),
            **described(
                "Generated frames (an IMAGE batch) become a clip: written once to a lossless file in "
                "output/kijkocut/intermediates (named by content), then referenced by the timeline.",
                "images to video",
                "frames to clip",
                "image sequence",
                "image batch",
            ),
            inputs=[
                timeline_input(),
                io.Image.Input("images", tooltip="An IMAGE batch: one frame per image."),
                io.Float.Input(
                    "fps",
                    default=24.0,
                    min=0.01,
                    max=1000.0,
                    step=0.01,
                    tooltip="Frames per second of the batch (29.97 means 30000/1001).",
                ),
                io.Audio.Input("audio", optional=True, tooltip="Sound to keep with the frames."),
                *placement_inputs(visual=True, default_track="V1"),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(
        cls, timeline: TimelineValue, images, fps: float, audio: dict | None = None, **placement: Any
    ) -> io.NodeOutput:
        from .intermediates import write_frames

        path = write_frames(
            _frames_uint8(images),
            _fps(fps),
            intermediates_folder(),
            stem="images",
            audio=_audio_array(audio) if audio is not None else None,
        )
        return io.NodeOutput(*place_media(timeline, import_file(str(path)), **placement))


class AddVideo(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AddVideo"),
            display_name="Add Video as Clip",
            category=category("media"),
            **described(
                "A core VIDEO (from Load Video, Create Video, ...) as a clip. Video files are "
                "referenced in place; videos made of tensors are written to a lossless intermediate "
                "first.",
                "video to timeline",
                "add video",
                "VIDEO input",
            ),
            inputs=[
                timeline_input(),
                io.Video.Input("video", tooltip="A VIDEO from a core or generation node."),
                *placement_inputs(visual=True, default_track="V1"),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, video, **placement: Any) -> io.NodeOutput:
        from .intermediates import write_frames

        # Only a file-backed VIDEO has a path; asking any other for its stream source would encode it.
        source = video.get_stream_source() if isinstance(video, InputImpl.VideoFromFile) else None
        if isinstance(source, str) and os.path.isfile(source):
            path = source
        else:
            components = video.get_components()
            audio = _audio_array(components.audio) if components.audio is not None else None
            path = str(
                write_frames(
                    _frames_uint8(components.images),
                    Fraction(components.frame_rate),
                    intermediates_folder(),
                    stem="video",
                    audio=audio,
                )
            )
        return io.NodeOutput(*place_media(timeline, import_file(path), **placement))


class AddAudio(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AddAudio"),
            display_name="Add Audio as Clip",
            category=category("media"),
            **described(
                "A core AUDIO (music, speech, generated sound) as a clip on an audio track, written to "
                "a float WAV in output/kijkocut/intermediates first.",
                "add music",
                "add sound",
                "soundtrack",
                "voice over",
                "AUDIO input",
            ),
            inputs=[
                timeline_input(),
                io.Audio.Input("audio", tooltip="An AUDIO from a core or generation node."),
                *placement_inputs(visual=False, default_track="A1"),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, audio: dict, **placement: Any) -> io.NodeOutput:
        from .intermediates import write_audio

        samples, sample_rate = _audio_array(audio)
        path = write_audio(samples, sample_rate, intermediates_folder(), stem="audio")
        return io.NodeOutput(*place_media(timeline, import_file(str(path)), track_kind="audio", **placement))


NODES: list[type[io.ComfyNode]] = [LoadMedia, AddClip, AddImages, AddVideo, AddAudio]
