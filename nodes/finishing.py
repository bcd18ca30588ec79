"""Finishing nodes: title styling, freeze frames, detached sound and track settings (mute, solo, hide, lock,
ducking). Each is one engine command on a copy of the timeline, with ids a workflow can refer to later."""

from __future__ import annotations

from comfy_api.latest import io

from kijkocut.edit.commands import DetachAudio, FreezeFrame, SetProperties, UpdateTrack
from kijkocut.errors import EditError
from kijkocut.model import Ducking, parse_colour

from .edit_args import resolve_target
from .editing import target_inputs
from .timeline_value import TimelineValue, find_track, seconds_arg, track_commands, unused_element_id
from .types import Timeline, category, display, node_id

TEXT_ANIMATIONS = ["none", "fade", "typewriter", "slide_up", "slide_down", "slide_left", "slide_right"]
SWITCH = ["keep", "on", "off"]  # a track setting left alone, switched on or switched off


def _colour_or_none(value: str, name: str) -> str | None:
    """An empty colour turns the feature (shadow, box) off; anything else must parse as a colour."""
    value = value.strip()
    if not value:
        return None
    try:
        parse_colour(value)
    except ValueError:
        raise EditError(f"{name} {value!r} is not a colour: use #rrggbb or #rrggbbaa, or leave it empty") from None
    return value


class StyleText(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("StyleText"),
            display_name=display("Style Title"),
            category=category("edit"),
            description="Bold or italic type, an outline, a drop shadow, a background box, spacing, wrapping and "
                        "in/out animations for a title made with Add Text. Font, size, colour and position stay.",
            inputs=[
                Timeline.Input("timeline"),
                io.Combo.Input("weight", options=["normal", "bold"], default="bold"),
                io.Boolean.Input("italic", default=False),
                io.Int.Input("stroke_width", default=0, min=0, max=100, tooltip="Outline in pixels; 0 = none."),
                io.String.Input("stroke_color", default="#000000"),
                io.String.Input("shadow_color", default="#000000b0",
                                tooltip="Drop shadow colour (#rrggbbaa for translucent); empty = no shadow."),
                io.Float.Input("shadow_offset", default=4.0, min=-200.0, max=200.0, step=0.5,
                               tooltip="Pixels right and down."),
                io.Float.Input("shadow_blur", default=4.0, min=0.0, max=100.0, step=0.5),
                io.String.Input("box_color", default="", tooltip="Background box colour; empty = no box."),
                io.Int.Input("box_padding", default=16, min=0, max=500),
                io.Int.Input("box_radius", default=8, min=0, max=500, tooltip="Corner radius in pixels."),
                io.Float.Input("letter_spacing", default=0.0, min=-50.0, max=200.0, step=0.5),
                io.Float.Input("line_spacing", default=1.2, min=0.5, max=5.0, step=0.05,
                               tooltip="Line height as a multiple of the font size."),
                io.Int.Input("max_width", default=0, min=0, max=16384,
                             tooltip="Wrap lines at this many canvas pixels; 0 = no wrapping."),
                io.Combo.Input("animation_in", options=TEXT_ANIMATIONS, default="none"),
                io.Combo.Input("animation_out", options=TEXT_ANIMATIONS, default="none"),
                io.Float.Input("animation_duration", default=0.5, min=0.01, max=60.0, step=0.01),
                io.Float.Input("opacity", default=1.0, min=0.0, max=1.0, step=0.01),
                *target_inputs(),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, weight: str, italic: bool, stroke_width: int, stroke_color: str,
                shadow_color: str, shadow_offset: float, shadow_blur: float, box_color: str, box_padding: int,
                box_radius: int, letter_spacing: float, line_spacing: float, max_width: int, animation_in: str,
                animation_out: str, animation_duration: float, opacity: float, element_id: str = "last",
                track: str = "T1", time: float = 0.0) -> io.NodeOutput:
        target = resolve_target(timeline.project, element_id, track, time)
        element = timeline.project.element(target)
        if element.kind != "text":
            raise EditError(f"{target} is a {element.kind} element; Style Title styles titles from Add Text")
        style = {
            "weight": weight, "italic": italic, "stroke_width": stroke_width, "stroke_color": stroke_color.strip(),
            "shadow_color": _colour_or_none(shadow_color, "shadow_color"), "shadow_offset_x": shadow_offset,
            "shadow_offset_y": shadow_offset, "shadow_blur": shadow_blur,
            "box_color": _colour_or_none(box_color, "box_color"), "box_padding": box_padding,
            "box_radius": box_radius, "letter_spacing": letter_spacing, "line_spacing": line_spacing,
            "max_width": max_width or None, "animation_in": animation_in, "animation_out": animation_out,
            "animation_duration": str(seconds_arg(animation_duration, "animation_duration")), "opacity": opacity,
        }
        result, _ = timeline.edited(SetProperties(element_id=target, properties={"style": style}))
        return io.NodeOutput(result, target)


class FreezeFrameNode(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("FreezeFrame"),
            display_name=display("Freeze Frame"),
            category=category("edit"),
            description="Hold the frame a clip shows at `at` for a while; the rest of the clip (and what follows "
                        "on its track) moves later.",
            inputs=[
                Timeline.Input("timeline"),
                io.Float.Input("at", default=1.0, min=0.0, max=86400.0, step=0.01,
                               tooltip="Timeline seconds inside the clip."),
                io.Float.Input("hold", default=2.0, min=0.01, max=3600.0, step=0.01, tooltip="Seconds to hold."),
                io.String.Input("element_id", default="", tooltip="Empty = the clip on `track` at `at`; "
                                                                  "'last' = the element added last."),
                io.String.Input("track", default="V1", optional=True),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="frozen_id")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, at: float, hold: float, element_id: str = "",
                track: str = "V1") -> io.NodeOutput:
        target = resolve_target(timeline.project, element_id, track, at)
        track_id = timeline.project.find_element(target)[0].id
        frozen_id = unused_element_id(timeline.project, track_id)
        result, _ = timeline.edited(FreezeFrame(element_id=target, at=seconds_arg(at, "at"),
                                                duration=seconds_arg(hold, "hold"), frozen_id=frozen_id))
        return io.NodeOutput(result, frozen_id)


class DetachAudioNode(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("DetachAudio"),
            display_name=display("Detach Audio"),
            category=category("audio"),
            description="Move a video clip's sound to its own clip on an audio track (created when missing) so it "
                        "can be trimmed, faded or ducked on its own; the video clip is muted.",
            inputs=[
                Timeline.Input("timeline"),
                io.String.Input("audio_track", default="A1"),
                *target_inputs(),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="sound_id")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, audio_track: str, element_id: str = "last", track: str = "V1",
                time: float = 0.0) -> io.NodeOutput:
        target = resolve_target(timeline.project, element_id, track, time)
        audio_track = audio_track.strip()
        commands = track_commands(timeline.project, audio_track, "audio")
        sound_id = unused_element_id(timeline.project, audio_track)
        result, _ = timeline.edited(*commands, DetachAudio(element_id=target, track_id=audio_track,
                                                           sound_id=sound_id))
        return io.NodeOutput(result, sound_id)


class TrackSettings(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("TrackSettings"),
            display_name=display("Track Settings"),
            category=category("audio"),
            description="Mute, solo, hide or lock a track, and make music duck under a voice track. 'keep' leaves "
                        "a setting as it is.",
            inputs=[
                Timeline.Input("timeline"),
                io.String.Input("track", default="A1"),
                io.Combo.Input("muted", options=SWITCH, default="keep"),
                io.Combo.Input("solo", options=SWITCH, default="keep", tooltip="When any track is solo, only "
                                                                               "solo tracks are heard."),
                io.Combo.Input("hidden", options=SWITCH, default="keep", tooltip="Leave it out of the picture."),
                io.Combo.Input("locked", options=SWITCH, default="keep", tooltip="Refuse edits on it."),
                io.String.Input("duck_under", default="", optional=True,
                                tooltip="A voice track id: lower this track while that one is audible. "
                                        "'none' stops ducking; empty keeps what is set."),
                io.Float.Input("duck_amount_db", default=-12.0, min=-60.0, max=0.0, step=0.5, optional=True),
                io.Float.Input("duck_threshold_db", default=-40.0, min=-90.0, max=0.0, step=0.5, optional=True,
                               tooltip="Voice level that starts the ducking."),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, track: str, muted: str, solo: str, hidden: str, locked: str,
                duck_under: str = "", duck_amount_db: float = -12.0,
                duck_threshold_db: float = -40.0) -> io.NodeOutput:
        track_id = find_track(timeline.project, track.strip()).id
        switches = {name: None if value == "keep" else value == "on"
                    for name, value in (("muted", muted), ("solo", solo), ("hidden", hidden), ("locked", locked))}
        under = duck_under.strip()
        ducking = None
        if under and under.lower() != "none":
            voice = find_track(timeline.project, under)
            if voice.id == track_id:
                raise EditError(f"track {track_id!r} cannot duck under itself")
            ducking = Ducking(under_track_id=voice.id, amount_db=duck_amount_db, threshold_db=duck_threshold_db)
        command = UpdateTrack(track_id=track_id, ducking=ducking, clear_ducking=under.lower() == "none",
                              **switches)
        result, _ = timeline.edited(command)
        return io.NodeOutput(result)


NODES: list[type[io.ComfyNode]] = [StyleText, FreezeFrameNode, DetachAudioNode, TrackSettings]
