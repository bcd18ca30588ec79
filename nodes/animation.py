"""Motion and time nodes: keyframes, animation presets (Ken Burns, pop-in, slide-in, fade) and clip speed,
each one service action on a copy of the timeline."""

from __future__ import annotations

from comfy_api.latest import io

from kijkocut.service.effects import AnimationPresetParams
from kijkocut.service.errors import ServiceError

from .edit_args import keyframes, target
from .editing import target_inputs
from .host import apply
from .timeline_value import TimelineValue
from .types import Timeline, category, choices, described, node_id, timeline_input

KEYFRAMES_EXAMPLE = '[{"time": 0, "value": 1}, {"time": 2, "value": 1.5, "interpolation": "ease_in_out"}]'
PRESETS = choices(AnimationPresetParams.model_fields["preset"].annotation)
DIRECTIONS = choices(AnimationPresetParams.model_fields["direction"].annotation)


class Keyframes(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("Keyframes"),
            display_name="Keyframes",
            category=category("animate"),
            **described(
                "Animate one property of an element (replacing its keyframes; an empty list removes "
                "the animation).",
                "keyframe animation",
                "animate property",
                "motion",
                "zoom over time",
                "volume automation",
            ),
            inputs=[
                timeline_input(),
                io.String.Input(
                    "property",
                    default="transform.scale",
                    tooltip="transform.x/y/scale/rotation/opacity, transform.crop.*, gain_db, pan "
                    "(clips); style.size/x/y/opacity/letter_spacing (text); "
                    "effects.<effect id>.<parameter> (an effect's number, e.g. from Apply "
                    "Effect's effect_id).",
                ),
                io.String.Input(
                    "keyframes_json",
                    default=KEYFRAMES_EXAMPLE,
                    multiline=True,
                    tooltip="Seconds from the element's start. Objects with time, value and "
                    "optionally interpolation (linear, hold, ease_in, ease_out, ease_in_out, "
                    'bezier with "bezier": [x1, y1, x2, y2]), or [time, value] pairs.',
                ),
                *target_inputs(),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def validate_inputs(cls, keyframes_json: str = "[]") -> bool | str:
        # The default covers a linked input, whose value is not known while ComfyUI validates.
        try:
            keyframes(keyframes_json)
        except ServiceError as exc:
            return str(exc)
        return True

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        property: str,
        keyframes_json: str,
        element_id: str = "last",
        track: str = "V1",
        time: float = 0.0,
    ) -> io.NodeOutput:
        element = target(timeline.project, element_id, track, time)
        result, _ = apply(
            timeline,
            "set_keyframes",
            {"element_id": element, "property": property.strip(), "keyframes": keyframes(keyframes_json)},
        )
        return io.NodeOutput(result, element)


class AnimationPreset(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AnimationPreset"),
            display_name="Animation Preset",
            category=category("animate"),
            **described(
                "Ready-made motion: Ken Burns (slow zoom and pan over a clip or still), pop-in, "
                "slide-in or fade in/out.",
                "ken burns",
                "zoom and pan",
                "slide in",
                "pop in",
                "fade in",
            ),
            inputs=[
                timeline_input(),
                io.Combo.Input(
                    "preset",
                    options=PRESETS,
                    default="ken_burns",
                    tooltip="The motion to apply to the element.",
                ),
                io.Combo.Input(
                    "direction",
                    options=DIRECTIONS,
                    default="left",
                    tooltip="Ken Burns pan direction, or the side slide-in enters from.",
                ),
                io.Float.Input(
                    "zoom",
                    default=1.2,
                    min=1.0,
                    max=4.0,
                    step=0.01,
                    tooltip="Ken Burns: end scale relative to the start.",
                ),
                io.Float.Input(
                    "duration",
                    default=0.5,
                    min=0.01,
                    max=60.0,
                    step=0.01,
                    tooltip="Pop-in, slide-in and fade: seconds of the movement.",
                ),
                *target_inputs(),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        preset: str,
        direction: str,
        zoom: float,
        duration: float,
        element_id: str = "last",
        track: str = "V1",
        time: float = 0.0,
    ) -> io.NodeOutput:
        element = target(timeline.project, element_id, track, time)
        result, _ = apply(
            timeline,
            "apply_animation_preset",
            {
                "element_id": element,
                "preset": preset,
                "direction": direction,
                "zoom": zoom,
                "duration": duration,
            },
        )
        return io.NodeOutput(result, element)


class SetSpeedNode(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("SetSpeed"),
            display_name="Set Speed",
            category=category("animate"),
            **described(
                "Play a clip faster, slower or backwards. It keeps its media, so it gets shorter or "
                "longer on the timeline.",
                "slow motion",
                "speed up",
                "reverse clip",
                "time stretch",
                "fast forward",
            ),
            inputs=[
                timeline_input(),
                io.Float.Input(
                    "speed",
                    default=0.5,
                    min=0.1,
                    max=10.0,
                    step=0.05,
                    tooltip="0.5 = half speed (slow motion), 2 = double.",
                ),
                io.Boolean.Input("reverse", default=False, tooltip="Play the clip backwards."),
                io.Boolean.Input(
                    "preserve_pitch",
                    default=True,
                    tooltip="Time-stretch the sound instead of changing its pitch.",
                ),
                io.Boolean.Input(
                    "ripple",
                    default=True,
                    tooltip="Move later elements on the track with the clip's new end.",
                ),
                *target_inputs(),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        speed: float,
        reverse: bool,
        preserve_pitch: bool,
        ripple: bool,
        element_id: str = "last",
        track: str = "V1",
        time: float = 0.0,
    ) -> io.NodeOutput:
        element = target(timeline.project, element_id, track, time)
        result, _ = apply(
            timeline,
            "set_speed",
            {
                "element_id": element,
                "speed": speed,
                "reverse": reverse,
                "preserve_pitch": preserve_pitch,
                "ripple": ripple,
            },
        )
        return io.NodeOutput(result, element)


NODES: list[type[io.ComfyNode]] = [Keyframes, AnimationPreset, SetSpeedNode]
