"""Editing nodes: text, transitions, effects, and split / trim / ripple delete at a time."""

from __future__ import annotations

from comfy_api.latest import io

from kijkocut.edit.commands import AddElement, AddTransition, RippleDelete, Split, Trim
from kijkocut.errors import EditError
from kijkocut.model import TextElement, TextStyle

from .timeline_value import (
    TimelineValue,
    element_at,
    elements_at,
    find_cut,
    seconds_arg,
    track_commands,
    unused_element_id,
)
from .types import Timeline, category, display, node_id

PLACE_MODES = ["overwrite", "insert", "strict"]


def _target(timeline: TimelineValue, element_id: str, track: str, time: float) -> str:
    """An explicit element id wins; otherwise the element on `track` at `time`."""
    if element_id.strip():
        try:
            timeline.project.element(element_id.strip())
        except KeyError:
            raise EditError(f"unknown element {element_id.strip()!r}") from None
        return element_id.strip()
    return element_at(timeline.project, track.strip(), seconds_arg(time, "time")).id


class AddText(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AddText"),
            display_name=display("Add Text"),
            category=category("edit"),
            description="A title or caption on a text track (created when missing).",
            inputs=[
                Timeline.Input("timeline"),
                io.String.Input("text", multiline=True, default="Title"),
                io.String.Input("track", default="T1"),
                io.Float.Input("start", default=0.0, min=0.0, max=86400.0, step=0.01),
                io.Float.Input("duration", default=3.0, min=0.01, max=86400.0, step=0.01),
                io.Int.Input("size", default=64, min=4, max=1000, tooltip="Pixels at canvas resolution."),
                io.String.Input("color", default="#ffffff"),
                io.Float.Input("x", default=0.5, min=0.0, max=1.0, step=0.01, tooltip="Centre, fraction of width."),
                io.Float.Input("y", default=0.5, min=0.0, max=1.0, step=0.01, tooltip="Centre, fraction of height."),
                io.Combo.Input("align", options=["center", "left", "right"], default="center"),
                io.Float.Input("fade_in", default=0.0, min=0.0, max=60.0, step=0.01),
                io.Float.Input("fade_out", default=0.0, min=0.0, max=60.0, step=0.01),
                io.String.Input("font", default="", optional=True,
                                tooltip="Font file path or family name; empty = the bundled default."),
                io.Combo.Input("mode", options=PLACE_MODES, default="overwrite", optional=True),
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.String.Output(display_name="element_id")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, text: str, track: str, start: float, duration: float, size: int,
                color: str, x: float, y: float, align: str, fade_in: float, fade_out: float, font: str = "",
                mode: str = "overwrite") -> io.NodeOutput:
        if not text.strip():
            raise EditError("text is empty")
        settings = timeline.project.settings
        style = TextStyle(font=font.strip() or None, size=size, color=color, x=x * settings.width,
                          y=y * settings.height, align=align)
        element_id = unused_element_id(timeline.project, track.strip() or "T")
        element = TextElement(id=element_id, text=text, style=style, start=seconds_arg(start, "start"),
                              duration=seconds_arg(duration, "duration"), fade_in=seconds_arg(fade_in, "fade_in"),
                              fade_out=seconds_arg(fade_out, "fade_out"))
        commands = track_commands(timeline.project, track, "text")
        result, _ = timeline.edited(*commands, AddElement(track_id=track.strip(), element=element, mode=mode))
        return io.NodeOutput(result, element_id)


class AddTransitionNode(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("AddTransition"),
            display_name=display("Add Transition"),
            category=category("edit"),
            description="Blend two clips that meet at a cut: by element ids, or the cut on `track` nearest to "
                        "`cut_at` (within a frame).",
            inputs=[
                Timeline.Input("timeline"),
                io.String.Input("track", default="V1"),
                io.Float.Input("cut_at", default=0.0, min=0.0, max=86400.0, step=0.01),
                io.Combo.Input("kind", options=["crossfade"], default="crossfade"),
                io.Float.Input("duration", default=1.0, min=0.01, max=60.0, step=0.01),
                io.Combo.Input("alignment", options=["center", "end", "start"], default="center",
                               tooltip="Where the transition sits: centred on, ending at or starting at the cut."),
                io.String.Input("from_element", default="", optional=True),
                io.String.Input("to_element", default="", optional=True),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, track: str, cut_at: float, kind: str, duration: float,
                alignment: str, from_element: str = "", to_element: str = "") -> io.NodeOutput:
        if from_element.strip() and to_element.strip():
            from_id, to_id = from_element.strip(), to_element.strip()
        elif from_element.strip() or to_element.strip():
            raise EditError("give both from_element and to_element, or neither (then the cut at cut_at is used)")
        else:
            from_id, to_id = find_cut(timeline.project, track.strip(), seconds_arg(cut_at, "cut_at"))
        result, _ = timeline.edited(AddTransition(from_id=from_id, to_id=to_id, kind=kind,
                                                  duration=seconds_arg(duration, "duration"), alignment=alignment))
        return io.NodeOutput(result)


class SplitAt(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("SplitAt"),
            display_name=display("Split at Time"),
            category=category("edit"),
            description="Cut every element under the playhead in two (on one track, or on all tracks when "
                        "track is empty).",
            inputs=[
                Timeline.Input("timeline"),
                io.Float.Input("time", default=1.0, min=0.0, max=86400.0, step=0.01),
                io.String.Input("track", default="", tooltip="Empty = every track."),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, time: float, track: str) -> io.NodeOutput:
        at = seconds_arg(time, "time")
        targets = elements_at(timeline.project, at, track.strip())
        if not targets:
            where = f"track {track.strip()!r}" if track.strip() else "any track"
            raise EditError(f"nothing to split: no element on {where} spans {float(at):.3f} s")
        result, _ = timeline.edited(*[Split(element_id=e.id, at=at) for e in targets])
        return io.NodeOutput(result)


class TrimAt(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("TrimAt"),
            display_name=display("Trim"),
            category=category("edit"),
            description="Move the start or end edge of an element (the one on `track` at `time`, or by id).",
            inputs=[
                Timeline.Input("timeline"),
                io.String.Input("track", default="V1"),
                io.Float.Input("time", default=0.0, min=0.0, max=86400.0, step=0.01,
                               tooltip="Any time inside the element to trim."),
                io.Combo.Input("edge", options=["end", "start"], default="end"),
                io.Float.Input("to", default=1.0, min=0.0, max=86400.0, step=0.01,
                               tooltip="New timeline time of that edge."),
                io.String.Input("element_id", default="", optional=True),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, track: str, time: float, edge: str, to: float,
                element_id: str = "") -> io.NodeOutput:
        target = _target(timeline, element_id, track, time)
        result, _ = timeline.edited(Trim(element_id=target, edge=edge, to=seconds_arg(to, "to")))
        return io.NodeOutput(result)


class RippleDeleteAt(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("RippleDeleteAt"),
            display_name=display("Ripple Delete"),
            category=category("edit"),
            description="Remove an element and pull what follows left to close the gap.",
            inputs=[
                Timeline.Input("timeline"),
                io.String.Input("track", default="V1"),
                io.Float.Input("time", default=0.0, min=0.0, max=86400.0, step=0.01),
                io.Boolean.Input("all_tracks", default=False, tooltip="Close the gap on every track."),
                io.String.Input("element_id", default="", optional=True),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, track: str, time: float, all_tracks: bool,
                element_id: str = "") -> io.NodeOutput:
        target = _target(timeline, element_id, track, time)
        result, _ = timeline.edited(RippleDelete(element_id=target, all_tracks=all_tracks))
        return io.NodeOutput(result)


# The effect model arrives with a later engine version; the node's schema is ready for it.
PLANNED_EFFECTS = ["brightness", "contrast", "saturation", "blur", "sharpen", "grayscale", "lut"]


def engine_effects() -> list[str] | None:
    """Effect names the engine offers, or None when this engine version has no effect model."""
    try:
        from kijkocut.effects import EFFECTS  # type: ignore[import-not-found]
    except ImportError:
        return None
    return sorted(EFFECTS)


class ApplyEffect(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("ApplyEffect"),
            display_name=display("Apply Effect"),
            category=category("edit"),
            description="Apply a visual effect to an element (needs an engine version with effects).",
            inputs=[
                Timeline.Input("timeline"),
                io.String.Input("track", default="V1"),
                io.Float.Input("time", default=0.0, min=0.0, max=86400.0, step=0.01),
                io.Combo.Input("effect", options=engine_effects() or PLANNED_EFFECTS),
                io.Float.Input("amount", default=1.0, min=-10.0, max=10.0, step=0.01),
                io.String.Input("params_json", default="{}", multiline=True, optional=True),
                io.String.Input("element_id", default="", optional=True),
            ],
            outputs=[Timeline.Output(display_name="timeline")],
            is_experimental=True,
        )

    @classmethod
    def execute(cls, timeline: TimelineValue, track: str, time: float, effect: str, amount: float,
                params_json: str = "{}", element_id: str = "") -> io.NodeOutput:
        if engine_effects() is None:
            raise NotImplementedError("Apply Effect is not available in this engine version: the KijkoCut "
                                      "engine has no effect model yet (kijkocut.effects); update KijkoCut")
        raise NotImplementedError(f"effect {effect!r}: the engine's effect commands are not wired yet")


NODES: list[type[io.ComfyNode]] = [AddText, AddTransitionNode, SplitAt, TrimAt, RippleDeleteAt, ApplyEffect]
