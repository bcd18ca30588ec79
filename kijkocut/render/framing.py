"""Framing checks for an export whose shape differs from the canvas: titles and overlays that the reframe
cuts, and those that sit under a platform's interface. Pure functions of the project and the output geometry,
reported in the export's warnings so that nothing vanishes without a word."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from kijkocut.model import ClipElement, Project, TextElement, TextStyle
from kijkocut.render.animate import element_at
from kijkocut.render.geometry import Box, OutputGeometry, fitted_size
from kijkocut.render.platforms import PLATFORM_NAMES, UI_MARGINS
from kijkocut.render.text import layout_text, load_font, text_motion

OVERLAY_COVER = (
    0.9  # a picture covering less of the canvas than this is an overlay (picture in picture, logo)
)
CUT_TOLERANCE = 0.01  # share of an element's area the reframe may cut before it is reported (edge pixels)
UI_TOLERANCE = 0.02  # share of an element's visible area that may reach under the platform's interface
SAMPLES = 5  # moments checked while an element is fully on screen (its keyframes too)
NAMED = 5  # elements named per problem; the rest are counted


@dataclass(frozen=True)
class Zone:
    name: str
    box: Box


def framing_warnings(
    project: Project,
    geometry: OutputGeometry,
    platform: str | None = None,
    *,
    start: Fraction | None = None,
    end: Fraction | None = None,
) -> list[str]:
    """One warning per problem, naming the titles and overlays that the reframe cuts (more than the canvas
    itself does) and those under `platform`'s interface, while they are on screen in [start, end)."""
    visible = Box(0, 0, geometry.width, geometry.height).intersect(geometry.canvas_box)
    canvas = Box(0, 0, geometry.canvas_width, geometry.canvas_height)
    zones = _ui_zones(platform, geometry.width, geometry.height)
    cut: list[tuple[str, float]] = []
    covered: dict[str, list[str]] = {zone.name: [] for zone in zones}
    for element in _framed_elements(project):
        worst_cut, under = 0.0, set()
        for box in _boxes(project, element, canvas, start, end):
            shown = geometry.box_to_output(box)
            on_canvas = box.overlap(canvas) / box.area
            worst_cut = max(worst_cut, on_canvas - shown.overlap(visible) / shown.area)
            in_view = shown.intersect(visible)
            for zone in zones:
                if in_view.area and in_view.overlap(zone.box) > UI_TOLERANCE * in_view.area:
                    under.add(zone.name)
        if worst_cut > CUT_TOLERANCE:
            cut.append((_label(project, element), worst_cut))
        for zone_name in under:
            covered[zone_name].append(_label(project, element))
    warnings = []
    if cut:
        named = [f"{label} ({share:.0%} cut)" for label, share in cut]
        warnings.append(
            f"the {geometry.width}x{geometry.height} crop cuts {_listed(named)}; use reframe "
            "fit_blur or fit_color to keep the whole picture"
        )
    for zone in zones:
        if covered[zone.name]:
            warnings.append(
                f"{_listed(covered[zone.name])} under {PLATFORM_NAMES[platform or '']}'s "
                f"{zone.name}; move them up and left of it"
            )
    return warnings


def _ui_zones(platform: str | None, width: int, height: int) -> list[Zone]:
    if platform is None:
        return []
    margins = UI_MARGINS[platform]
    bottom = Box(0, height * (1 - margins.bottom), width, height * margins.bottom)
    right = Box(width * (1 - margins.right), 0, width * margins.right, height)
    return [
        Zone(f"caption area (bottom {margins.bottom:.0%})", bottom),
        Zone(f"button column (right {margins.right:.0%})", right),
    ]


def _framed_elements(project: Project) -> Iterator[ClipElement | TextElement]:
    """Titles, and pictures smaller than the canvas: what a viewer misses when it is cut."""
    canvas = Box(0, 0, project.settings.width, project.settings.height)
    for track in project.tracks:
        if track.hidden or track.kind not in ("video", "overlay", "text"):
            continue
        for element in track.elements:
            if isinstance(element, TextElement):
                yield element
            elif isinstance(element, ClipElement) and _picture_size(project, element) is not None:
                boxes = list(_boxes(project, element, canvas, None, None))
                if boxes and max(box.overlap(canvas) for box in boxes) < OVERLAY_COVER * canvas.area:
                    yield element


def _boxes(
    project: Project,
    element: ClipElement | TextElement,
    canvas: Box,
    start: Fraction | None,
    end: Fraction | None,
) -> Iterator[Box]:
    """The element's box on the canvas at each moment checked inside [start, end)."""
    for t in _moments(
        element, element.start if start is None else start, element.end if end is None else end
    ):
        box = (
            _text_box(element, t, canvas)
            if isinstance(element, TextElement)
            else _clip_box(project, element, t)
        )
        if box is not None and box.area > 0:
            yield box


def _moments(element: ClipElement | TextElement, start: Fraction, end: Fraction) -> list[Fraction]:
    """Times in [start, end) while the element is fully in: past its fade and in-animation, before its fade
    and out-animation; its keyframes in that window too. None at all when it is not on screen then."""
    shown_from, shown_to = max(start, element.start), min(end, element.end)
    if shown_to <= shown_from:
        return []
    lead, tail = element.fade_in, element.fade_out
    if isinstance(element, TextElement):
        style = element.style
        lead = max(lead, style.animation_duration if style.animation_in != "none" else Fraction(0))
        tail = max(tail, style.animation_duration if style.animation_out != "none" else Fraction(0))
    first = max(shown_from, element.start + lead)
    last = min(shown_to, element.end - tail) - Fraction(1, 1000)
    if last <= first:
        return [(shown_from + shown_to) / 2]
    moments = {first + (last - first) * Fraction(i, SAMPLES - 1) for i in range(SAMPLES)}
    moments |= {
        element.start + key.time
        for keys in element.keyframes.values()
        for key in keys
        if first <= element.start + key.time <= last
    }
    return sorted(moments)


def _text_box(element: TextElement, t: Fraction, canvas: Box) -> Box | None:
    """The title's block (its lines, stroke and background box; not the soft shadow) on the canvas."""
    element = element_at(element, t)
    style = element.style
    half_width, half_height = _half_block(element.text, style.model_dump_json())
    motion = text_motion(element, t, int(canvas.height))
    centre_x = (canvas.width / 2 if style.x is None else style.x) + motion.dx
    centre_y = (canvas.height / 2 if style.y is None else style.y) + motion.dy
    return Box(centre_x - half_width, centre_y - half_height, 2 * half_width, 2 * half_height)


@lru_cache(maxsize=1024)
def _half_block(text: str, style_json: str) -> tuple[float, float]:
    style = TextStyle.model_validate_json(style_json)
    font = load_font(style.font, style.size, style.weight == "bold", style.italic)
    layout = layout_text(text, font, style, 1.0)
    edge = style.stroke_width + (style.box_padding if style.box_color else 0)
    return layout.width / 2 + edge, layout.height / 2 + edge


def _picture_size(project: Project, element: ClipElement) -> tuple[int, int] | None:
    media = project.media.get(element.media_id)
    if media is None or media.info.kind == "audio" or media.info.video is None:
        return None
    return media.info.video.display_width, media.info.video.display_height


def _clip_box(project: Project, element: ClipElement, t: Fraction) -> Box | None:
    size = _picture_size(project, element)
    if size is None:
        return None
    transform = element_at(element, t).transform
    crop = transform.crop
    shown_w, shown_h = size[0] * (1 - crop.left - crop.right), size[1] * (1 - crop.top - crop.bottom)
    width, height = fitted_size(
        transform.fit, shown_w, shown_h, project.settings.width, project.settings.height
    )
    width, height = width * transform.scale, height * transform.scale
    turn = math.radians(transform.rotation)
    width, height = (
        abs(width * math.cos(turn)) + abs(height * math.sin(turn)),
        abs(width * math.sin(turn)) + abs(height * math.cos(turn)),
    )
    cx = project.settings.width / 2 if transform.x is None else transform.x
    cy = project.settings.height / 2 if transform.y is None else transform.y
    return Box(cx - width / 2, cy - height / 2, width, height)


def _label(project: Project, element: ClipElement | TextElement) -> str:
    """How a person recognises the element: its name, the title's words or the file, and its id."""
    if isinstance(element, TextElement):
        words = element.name or " ".join(element.text.split())
        return f"title {_quoted(words)} ({element.id})"
    media = project.media.get(element.media_id)
    name = element.name or (media.name if media and media.name else element.media_id)
    return f"overlay {_quoted(name)} ({element.id})"


def _quoted(text: str, limit: int = 40) -> str:
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def _listed(labels: list[str]) -> str:
    shown = ", ".join(labels[:NAMED])
    return shown if len(labels) <= NAMED else f"{shown} and {len(labels) - NAMED} more"
