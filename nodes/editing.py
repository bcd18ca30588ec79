"""Editing nodes: text, transitions, effects, and split / trim / ripple delete at a time. Each applies one
service action to a copy of the timeline: one undo step, times on the project's frame grid."""

from __future__ import annotations

from comfy_api.latest import io

from kijkocut.effects.catalog import EFFECTS
from kijkocut.model import TRANSITION_KINDS, Alignment, TextStyle, new_id
from kijkocut.service import lookup
from kijkocut.service.editing import PlaceMode, TrimParams
from kijkocut.service.errors import ServiceError
from kijkocut.service.times import parse_time

from .edit_args import TARGET_HELP, effect_help, params_object, target
from .host import apply
from .timeline_value import TimelineValue
from .types import Timeline, category, choices, described, node_id, timeline_input

PLACE_MODES = choices(PlaceMode)


def target_inputs() -> list[io.Input]:
    """The element a node edits: 'last' by default, an id, or (element_id empty) the one on track at time."""
    return [
        io.String.Input("element_id", default="last", tooltip=TARGET_HELP),
        io.String.Input("track", default="V1", optional=True, tooltip="Used when element_id is empty."),
        io.Float.Input(
            "time",
            default=0.0,
            min=0.0,
            max=86400.0,
            step=0.01,
            optional=True,
            tooltip="Timeline seconds inside the element; used when element_id is empty.",
        ),
    ]


class AddText(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AddText"),
            display_name="Add Text",
            category=category("edit"),
            **described(
                "A title or caption on a text track (created when missing). Style Title adds an "
                "outline, a box or an animation.",
                "title",
                "caption",
                "subtitle",
                "text overlay",
                "lower third",
            ),
            inputs=[
                timeline_input(),
                io.String.Input(
                    "text",
                    multiline=True,
                    default="Title",
                    tooltip="The words to show; new lines start new lines.",
                ),
                io.String.Input("track", default="T1", tooltip="Text track id; created when missing."),
                io.Float.Input(
                    "start",
                    default=0.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Timeline seconds where the text appears.",
                ),
                io.Float.Input(
                    "duration",
                    default=3.0,
                    min=0.01,
                    max=86400.0,
                    step=0.01,
                    tooltip="Seconds the text stays on screen.",
                ),
                io.Int.Input("size", default=64, min=4, max=1000, tooltip="Pixels at canvas resolution."),
                io.String.Input("color", default="#ffffff", tooltip="Text colour, '#rrggbb' (or #rrggbbaa)."),
                io.Float.Input(
                    "x", default=0.5, min=0.0, max=1.0, step=0.01, tooltip="Centre, fraction of width."
                ),
                io.Float.Input(
                    "y", default=0.5, min=0.0, max=1.0, step=0.01, tooltip="Centre, fraction of height."
                ),
                io.Combo.Input(
                    "align",
                    options=choices(TextStyle.model_fields["align"].annotation),
                    default="center",
                    tooltip="How lines of several lines line up.",
                ),
                io.Float.Input(
                    "fade_in",
                    default=0.0,
                    min=0.0,
                    max=60.0,
                    step=0.01,
                    tooltip="Seconds of fade from transparent; 0 = appears at once.",
                ),
                io.Float.Input(
                    "fade_out",
                    default=0.0,
                    min=0.0,
                    max=60.0,
                    step=0.01,
                    tooltip="Seconds of fade to transparent at the end; 0 = disappears at once.",
                ),
                io.String.Input(
                    "font",
                    default="",
                    optional=True,
                    tooltip="Font file path or family name; empty = the bundled default.",
                ),
                io.Combo.Input(
                    "mode",
                    options=PLACE_MODES,
                    default="overwrite",
                    optional=True,
                    tooltip="overwrite what is there, insert (push later elements right) or strict "
                    "(refuse when something is there).",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        text: str,
        track: str,
        start: float,
        duration: float,
        size: int,
        color: str,
        x: float,
        y: float,
        align: str,
        fade_in: float,
        fade_out: float,
        font: str = "",
        mode: str = "overwrite",
    ) -> io.NodeOutput:
        if not text.strip():
            raise ServiceError("text is empty")
        settings = timeline.project.settings
        track_id = track.strip() or None
        result, outcome = apply(
            timeline,
            "add_text",
            {
                "text": text,
                "track_id": track_id,
                "create_track": True,
                "start": start,
                "duration": duration,
                "element_id": lookup.unused_element_id(timeline.project, track_id or "T"),
                "fade_in": fade_in,
                "fade_out": fade_out,
                "mode": mode,
                "font": font.strip() or None,
                "size": size,
                "color": color,
                "x": x * settings.width,
                "y": y * settings.height,
                "align": align,
            },
        )
        return io.NodeOutput(result, outcome.created["element_id"])


class AddTransitionNode(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AddTransition"),
            display_name="Add Transition",
            category=category("edit"),
            **described(
                "Blend two clips that meet at a cut: by element ids, or the cut on `track` nearest to "
                "`cut_at` (within a frame).",
                "crossfade",
                "dissolve",
                "wipe",
                "fade between clips",
                "transition effect",
            ),
            inputs=[
                timeline_input(),
                io.String.Input("track", default="V1", tooltip="The track whose cut gets the transition."),
                io.Float.Input(
                    "cut_at",
                    default=0.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Timeline seconds of the cut (where one clip ends and the next starts).",
                ),
                io.Combo.Input(
                    "kind",
                    options=list(TRANSITION_KINDS),
                    default="crossfade",
                    tooltip="How the pictures blend: crossfade, dip to black, wipes, pushes, iris...",
                ),
                io.Float.Input(
                    "duration",
                    default=1.0,
                    min=0.01,
                    max=60.0,
                    step=0.01,
                    tooltip="Seconds. Media beyond the cut is used; where it runs short, the clips overlap (the timeline gets shorter).",
                ),
                io.Combo.Input(
                    "alignment",
                    options=choices(Alignment),
                    default="center",
                    tooltip="Where the transition sits: centred on, ending at or starting at the cut.",
                ),
                io.String.Input(
                    "from_element",
                    default="",
                    optional=True,
                    tooltip="Id of the outgoing clip; empty = found from track and cut_at.",
                ),
                io.String.Input(
                    "to_element",
                    default="",
                    optional=True,
                    tooltip="Id of the incoming clip; empty = found from track and cut_at.",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        track: str,
        cut_at: float,
        kind: str,
        duration: float,
        alignment: str,
        from_element: str = "",
        to_element: str = "",
    ) -> io.NodeOutput:
        project = timeline.project
        if from_element.strip() and to_element.strip():
            from_id, to_id = from_element.strip(), to_element.strip()
        elif from_element.strip() or to_element.strip():
            raise ServiceError(
                "give both from_element and to_element, or neither (then the cut at cut_at is used)"
            )
        else:
            at = parse_time(cut_at, project.settings.frame_rate, what="cut_at")
            from_id, to_id = lookup.find_cut(project, track.strip(), at)
        result, _ = apply(
            timeline,
            "add_transition",
            {
                "from_element_id": from_id,
                "to_element_id": to_id,
                "kind": kind,
                "duration": duration,
                "alignment": alignment,
            },
        )
        return io.NodeOutput(result)


class SplitAt(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("SplitAt"),
            display_name="Split at Time",
            category=category("edit"),
            **described(
                "Cut every element under the playhead in two (on one track, or on all tracks when "
                "track is empty).",
                "cut clip",
                "razor",
                "blade",
                "split clip",
            ),
            inputs=[
                timeline_input(),
                io.Float.Input(
                    "time",
                    default=1.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Timeline seconds of the cut.",
                ),
                io.String.Input("track", default="", tooltip="Empty = every track."),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, time: float, track: str) -> io.NodeOutput:
        result, _ = apply(timeline, "split_at", {"at": time, "track_id": track.strip() or None})
        return io.NodeOutput(result)


class TrimAt(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("TrimAt"),
            display_name="Trim",
            category=category("edit"),
            **described(
                "Move the start or end edge of an element (the one on `track` at `time`, or by id).",
                "trim clip",
                "shorten clip",
                "cut end",
                "change in point",
            ),
            inputs=[
                timeline_input(),
                io.String.Input(
                    "track", default="V1", tooltip="Track of the element; used when element_id is empty."
                ),
                io.Float.Input(
                    "time",
                    default=0.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Any time inside the element to trim.",
                ),
                io.Combo.Input(
                    "edge",
                    options=choices(TrimParams.model_fields["edge"].annotation),
                    default="end",
                    tooltip="Which edge moves: the element's start or its end.",
                ),
                io.Float.Input(
                    "to",
                    default=1.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="New timeline time of that edge.",
                ),
                io.String.Input(
                    "element_id",
                    default="",
                    optional=True,
                    tooltip="The element to trim; empty = the one on `track` at `time`.",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(
        cls, timeline: TimelineValue, track: str, time: float, edge: str, to: float, element_id: str = ""
    ) -> io.NodeOutput:
        element = target(timeline.project, element_id, track, time)
        result, _ = apply(timeline, "trim_element", {"element_id": element, "edge": edge, "to": to})
        return io.NodeOutput(result)


class RippleDeleteAt(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("RippleDeleteAt"),
            display_name="Ripple Delete",
            category=category("edit"),
            **described(
                "Remove an element and pull what follows left to close the gap.",
                "delete clip",
                "remove clip",
                "close gap",
                "ripple edit",
            ),
            inputs=[
                timeline_input(),
                io.String.Input(
                    "track", default="V1", tooltip="Track of the element; used when element_id is empty."
                ),
                io.Float.Input(
                    "time",
                    default=0.0,
                    min=0.0,
                    max=86400.0,
                    step=0.01,
                    tooltip="Any timeline second inside the element to delete.",
                ),
                io.Boolean.Input("all_tracks", default=False, tooltip="Close the gap on every track."),
                io.String.Input(
                    "element_id",
                    default="",
                    optional=True,
                    tooltip="The element to delete; empty = the one on `track` at `time`.",
                ),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(
        cls, timeline: TimelineValue, track: str, time: float, all_tracks: bool, element_id: str = ""
    ) -> io.NodeOutput:
        element = target(timeline.project, element_id, track, time)
        result, _ = apply(
            timeline, "delete_element", {"element_id": element, "ripple": True, "all_tracks": all_tracks}
        )
        return io.NodeOutput(result)


class ApplyEffect(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("ApplyEffect"),
            display_name="Apply Effect",
            category=category("edit"),
            **described(
                "Add an effect (colour, blur, key, LUT...) on top of an element's effect stack. On an "
                "adjustment layer it changes everything beneath.",
                "filter",
                "color grade",
                "blur",
                "chroma key",
                "LUT",
                "video effect",
            ),
            inputs=[
                timeline_input(),
                io.Combo.Input(
                    "effect",
                    options=list(EFFECTS),
                    default="brightness",
                    tooltip="The effect; its parameters are listed under params_json.",
                ),
                io.String.Input(
                    "params_json",
                    default="{}",
                    multiline=True,
                    tooltip="Parameters as a JSON object; omitted ones keep their defaults.\n"
                    + effect_help(),
                ),
                *target_inputs(),
            ],
            outputs=[
                Timeline.Output(display_name="timeline"),
                io.String.Output(display_name="element_id"),
                io.String.Output(display_name="effect_id"),
            ],
        )

    @classmethod
    def validate_inputs(cls, params_json: str = "{}") -> bool | str:
        # The default covers a linked input, whose value is not known while ComfyUI validates.
        try:
            params_object(params_json)
        except ServiceError as exc:
            return str(exc)
        return True

    @classmethod
    def execute(
        cls,
        timeline: TimelineValue,
        effect: str,
        params_json: str,
        element_id: str = "last",
        track: str = "V1",
        time: float = 0.0,
    ) -> io.NodeOutput:
        element = target(timeline.project, element_id, track, time)
        # Ids derive from the element and stack size, so the same graph gives the same project.
        stack = timeline.project.element(element).effects
        effect_id = f"{element}_fx{len(stack) + 1}"
        if any(e.id == effect_id for e in stack):
            effect_id = new_id("fx")
        # A LUT named relative to ComfyUI's input folder is stored as its confined real path.
        result, _ = apply(
            timeline,
            "add_effect",
            {
                "element_id": element,
                "kind": effect,
                "effect_id": effect_id,
                "params": params_object(params_json),
            },
        )
        return io.NodeOutput(result, element, effect_id)


NODES: list[type[io.ComfyNode]] = [AddText, AddTransitionNode, SplitAt, TrimAt, RippleDeleteAt, ApplyEffect]
