"""Finishing nodes: title styling, freeze frames, detached sound and track settings (mute, solo, hide, lock,
ducking). Each is one service action on a copy of the timeline, with ids a workflow can refer to later."""

from __future__ import annotations

import json

from comfy_api.latest import io

from kijkocut.model import TextAnimationKind, TextStyle
from kijkocut.service import lookup
from kijkocut.service.errors import ServiceError

from .edit_args import target
from .editing import target_inputs
from .host import apply
from .timeline_value import TimelineValue
from .types import Timeline, category, choices, described, node_id, timeline_input

TEXT_ANIMATIONS = choices(TextAnimationKind)
SWITCH = ["keep", "on", "off"]  # a track setting left alone, switched on or switched off


class StyleText(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("StyleText"),
            display_name="Style Title",
            category=category("edit"),
            **described(
                "Bold or italic type, an outline, a drop shadow, a background box, spacing, wrapping "
                "and in/out animations for a title made with Add Text. Font, size, colour and position "
                "stay.",
                "text style",
                "outline",
                "drop shadow",
                "title animation",
                "font weight",
            ),
            inputs=[
                timeline_input(),
                io.Combo.Input(
                    "weight",
                    options=choices(TextStyle.model_fields["weight"].annotation),
                    default="bold",
                    tooltip="Thickness of the letters.",
                ),
                io.Boolean.Input("italic", default=False, tooltip="Slanted letters."),
                io.Int.Input(
                    "stroke_width", default=0, min=0, max=100, tooltip="Outline in pixels; 0 = none."
                ),
                io.String.Input("stroke_color", default="#000000", tooltip="Outline colour, '#rrggbb'."),
                io.String.Input(
                    "shadow_color",
                    default="#000000b0",
                    tooltip="Drop shadow colour (#rrggbbaa for translucent); empty = no shadow.",
                ),
                io.Float.Input(
                    "shadow_offset",
                    default=4.0,
                    min=-200.0,
                    max=200.0,
                    step=0.5,
                    tooltip="Pixels right and down.",
                ),
                io.Float.Input(
                    "shadow_blur",
                    default=4.0,
                    min=0.0,
                    max=100.0,
                    step=0.5,
                    tooltip="Softness of the shadow in pixels; 0 = a hard edge.",
                ),
                io.String.Input("box_color", default="", tooltip="Background box colour; empty = no box."),
                io.Int.Input(
                    "box_padding",
                    default=16,
                    min=0,
                    max=500,
                    tooltip="Pixels of box around the text (with a box_color).",
                ),
                io.Int.Input("box_radius", default=8, min=0, max=500, tooltip="Corner radius in pixels."),
                io.Float.Input(
                    "letter_spacing",
                    default=0.0,
                    min=-50.0,
                    max=200.0,
                    step=0.5,
                    tooltip="Extra pixels between letters; negative = tighter.",
                ),
                io.Float.Input(
                    "line_spacing",
                    default=1.2,
                    min=0.5,
                    max=5.0,
                    step=0.05,
                    tooltip="Line height as a multiple of the font size.",
                ),
                io.Int.Input(
                    "max_width",
                    default=0,
                    min=0,
                    max=16384,
                    tooltip="Wrap lines at this many canvas pixels; 0 = no wrapping.",
                ),
                io.Combo.Input(
                    "animation_in",
                    options=TEXT_ANIMATIONS,
                    default="none",
                    tooltip="How the title arrives; none = it simply appears (or fades, see Add "
                    "Text's fade_in).",
                ),
                io.Combo.Input(
                    "animation_out",
                    options=TEXT_ANIMATIONS,
                    default="none",
                    tooltip="How the title leaves; none = it simply ends.",
                ),
                io.Float.Input(
                    "animation_duration",
                    default=0.5,
                    min=0.01,
                    max=60.0,
                    step=0.01,
                    tooltip="Seconds each of the in and out animations takes.",
                ),
                io.Float.Input(
                    "opacity", default=1.0, min=0.0, max=1.0, step=0.01, tooltip="1 = solid, 0 = invisible."
                ),
                *target_inputs(),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        weight: str,
        italic: bool,
        stroke_width: int,
        stroke_color: str,
        shadow_color: str,
        shadow_offset: float,
        shadow_blur: float,
        box_color: str,
        box_padding: int,
        box_radius: int,
        letter_spacing: float,
        line_spacing: float,
        max_width: int,
        animation_in: str,
        animation_out: str,
        animation_duration: float,
        opacity: float,
        element_id: str = "last",
        track: str = "T1",
        time: float = 0.0,
    ) -> io.NodeOutput:
        element = target(timeline.project, element_id, track, time)
        kind = lookup.element(timeline.project, element).kind
        if kind != "text":
            raise ServiceError(f"{element} is a {kind} element; Style Title styles titles from Add Text")
        style = {
            # An empty colour turns the shadow or the box off.
            "weight": weight,
            "italic": italic,
            "stroke_width": stroke_width,
            "stroke_color": stroke_color.strip(),
            "shadow_color": shadow_color.strip() or None,
            "shadow_offset_x": shadow_offset,
            "shadow_offset_y": shadow_offset,
            "shadow_blur": shadow_blur,
            "box_color": box_color.strip() or None,
            "box_padding": box_padding,
            "box_radius": box_radius,
            "letter_spacing": letter_spacing,
            "line_spacing": line_spacing,
            "max_width": max_width or None,
            "animation_in": animation_in,
            "animation_out": animation_out,
            "animation_duration": animation_duration,
            "opacity": opacity,
        }
        result, _ = apply(
            timeline, "set_property", {"element_id": element, "property": "style", "value": json.dumps(style)}
        )
        return io.NodeOutput(result, element)


class FreezeFrameNode(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("FreezeFrame"),
            display_name="Freeze Frame",
            category=category("edit"),
            **described(
                "Hold the frame a clip shows at `at` for a while; the rest of the clip (and what "
                "follows on its track) moves later.",
                "hold frame",
                "still frame",
                "pause video",
                "frame hold",
            ),
            inputs=[
                timeline_input(),
                io.Float.Input(
                    "at",
                    default=1.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Timeline seconds inside the clip.",
                ),
                io.Float.Input(
                    "hold", default=2.0, min=0.01, max=3600.0, step=0.01, tooltip="Seconds to hold."
                ),
                io.String.Input(
                    "element_id",
                    default="",
                    tooltip="Empty = the clip on `track` at `at`; 'last' = the element added last.",
                ),
                io.String.Input(
                    "track",
                    default="V1",
                    optional=True,
                    tooltip="Track of the clip; used when element_id is empty.",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="frozen_id")],
        )

    @classmethod
    def execute(
        cls, timeline: TimelineValue, at: float, hold: float, element_id: str = "", track: str = "V1"
    ) -> io.NodeOutput:
        project = timeline.project
        element = target(project, element_id, track, at)
        frozen_id = lookup.unused_element_id(project, project.find_element(element)[0].id)
        result, _ = apply(
            timeline,
            "freeze_frame",
            {"element_id": element, "at": at, "duration": hold, "frozen_id": frozen_id},
        )
        return io.NodeOutput(result, frozen_id)


class DetachAudioNode(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("DetachAudio"),
            display_name="Detach Audio",
            category=category("audio"),
            **described(
                "Move a video clip's sound to its own clip on an audio track (created when missing) so "
                "it can be trimmed, faded or ducked on its own; the video clip is muted.",
                "split audio",
                "separate sound",
                "unlink audio",
                "extract audio",
            ),
            inputs=[
                timeline_input(),
                io.String.Input(
                    "audio_track",
                    default="A1",
                    tooltip="Audio track for the sound; created when missing; empty = a new one.",
                ),
                *target_inputs(),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="sound_id")],
        )

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        audio_track: str,
        element_id: str = "last",
        track: str = "V1",
        time: float = 0.0,
    ) -> io.NodeOutput:
        element = target(timeline.project, element_id, track, time)
        audio_track = audio_track.strip()  # empty: a new audio track
        sound_id = lookup.unused_element_id(timeline.project, audio_track) if audio_track else None
        result, outcome = apply(
            timeline,
            "detach_audio",
            {
                "element_id": element,
                "track_id": audio_track or None,
                "create_track": True,
                "sound_id": sound_id,
            },
        )
        return io.NodeOutput(result, outcome.created["element_id"])


class TrackSettings(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("TrackSettings"),
            display_name="Track Settings",
            category=category("audio"),
            **described(
                "Mute, solo, hide or lock a track, and make music duck under a voice track. 'keep' "
                "leaves a setting as it is.",
                "mute track",
                "solo track",
                "ducking",
                "lower music",
                "lock track",
                "hide track",
            ),
            inputs=[
                timeline_input(),
                io.String.Input(
                    "track", default="A1", tooltip="The track to change, by id (e.g. V1, A1, T1)."
                ),
                io.Combo.Input("muted", options=SWITCH, default="keep", tooltip="Silence the track."),
                io.Combo.Input(
                    "solo",
                    options=SWITCH,
                    default="keep",
                    tooltip="When any track is solo, only solo tracks are heard.",
                ),
                io.Combo.Input(
                    "hidden", options=SWITCH, default="keep", tooltip="Leave it out of the picture."
                ),
                io.Combo.Input("locked", options=SWITCH, default="keep", tooltip="Refuse edits on it."),
                io.String.Input(
                    "duck_under",
                    default="",
                    optional=True,
                    tooltip="A voice track id: lower this track while that one is audible. "
                    "'none' stops ducking; empty keeps what is set.",
                ),
                io.Float.Input(
                    "duck_amount_db",
                    default=-12.0,
                    min=-60.0,
                    max=0.0,
                    step=0.5,
                    optional=True,
                    tooltip="How much quieter this track gets under the voice, in dB.",
                ),
                io.Float.Input(
                    "duck_threshold_db",
                    default=-40.0,
                    min=-90.0,
                    max=0.0,
                    step=0.5,
                    optional=True,
                    tooltip="Voice level that starts the ducking.",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        track: str,
        muted: str,
        solo: str,
        hidden: str,
        locked: str,
        duck_under: str = "",
        duck_amount_db: float = -12.0,
        duck_threshold_db: float = -40.0,
    ) -> io.NodeOutput:
        track_id = lookup.find_track(timeline.project, track.strip()).id
        changes: dict = {
            name: value == "on"
            for name, value in (("muted", muted), ("solo", solo), ("hidden", hidden), ("locked", locked))
            if value != "keep"
        }
        under = duck_under.strip()
        if under.lower() == "none":
            changes["ducking_off"] = True
        elif under:
            changes.update(
                ducking_under_track_id=under,
                ducking_amount_db=duck_amount_db,
                ducking_threshold_db=duck_threshold_db,
            )
        if not changes:  # every setting kept: nothing to do, no undo step
            return io.NodeOutput(timeline)
        result, _ = apply(timeline, "update_track", {"track_id": track_id, **changes})
        return io.NodeOutput(result)


NODES: list[type[io.ComfyNode]] = [StyleText, FreezeFrameNode, DetachAudioNode, TrackSettings]
