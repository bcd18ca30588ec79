"""Animation presets: ready-made keyframes (Ken Burns, pop-in, slide-in, fade) for an element."""

from __future__ import annotations

from fractions import Fraction

from kijkocut.animation import Keyframe
from kijkocut.errors import EditError
from kijkocut.model import ClipElement, Project, TextElement


def _keys(*points: tuple[Fraction, float], interpolation: str = "ease_in_out") -> list[Keyframe]:
    return [Keyframe(time=t, value=v, interpolation=interpolation) for t, v in points]


def animation_keyframes(
    project: Project,
    element,
    preset: str,
    *,
    direction: str = "left",
    zoom: float = 1.2,
    duration: Fraction | None = None,
) -> dict[str, list[Keyframe]]:
    width, height = project.settings.width, project.settings.height
    length = element.duration
    span = min(duration if duration is not None else Fraction(1, 2), length)
    if isinstance(element, TextElement):
        x_path, y_path, scale_path, opacity_path = "style.x", "style.y", "style.size", "style.opacity"
        cx = element.style.x if element.style.x is not None else width / 2
        cy = element.style.y if element.style.y is not None else height / 2
        base_scale = float(element.style.size)
    elif isinstance(element, ClipElement):
        x_path, y_path, scale_path, opacity_path = (
            "transform.x",
            "transform.y",
            "transform.scale",
            "transform.opacity",
        )
        cx = element.transform.x if element.transform.x is not None else width / 2
        cy = element.transform.y if element.transform.y is not None else height / 2
        base_scale = element.transform.scale
    else:
        raise EditError(f"{element.id}: animation presets apply to clips and text")

    if preset == "ken_burns":
        if not isinstance(element, ClipElement):
            raise EditError("Ken Burns pans and zooms a picture: use it on a clip or still")
        # A pan needs slack at every moment, the first one included: start already zoomed to the middle of the
        # way (1 + zoom) / 2, end `zoom` times larger, and pan by the slack of the start scale. The offset then
        # never exceeds the slack of the scale at that moment, so a canvas-filling picture covers the frame.
        # (90% of it: a picture edge exactly on the frame edge leaves a resampled row half covered).
        start_scale = (1 + zoom) / 2
        slack_x, slack_y = 0.9 * (start_scale - 1) * width / 2, 0.9 * (start_scale - 1) * height / 2
        dx, dy = {"left": (slack_x, 0), "right": (-slack_x, 0), "up": (0, slack_y), "down": (0, -slack_y)}[
            direction
        ]
        keys = {
            scale_path: _keys(
                (Fraction(0), base_scale * start_scale), (length, base_scale * start_scale * zoom)
            )
        }
        if dx:
            keys[x_path] = _keys((Fraction(0), cx + dx), (length, cx - dx))
        if dy:
            keys[y_path] = _keys((Fraction(0), cy + dy), (length, cy - dy))
        return keys
    if preset == "pop_in":
        small = max(0.01, base_scale * 0.01) if scale_path == "transform.scale" else 4.0
        return {
            scale_path: [
                Keyframe(time=0, value=small, interpolation="ease_out"),
                Keyframe(time=span * Fraction(7, 10), value=base_scale * 1.1, interpolation="ease_in_out"),
                Keyframe(time=span, value=base_scale),
            ]
        }
    if preset == "slide_in":
        if direction in ("left", "right"):  # from just off the canvas on that side
            off_x = -width / 2 if direction == "left" else width * 1.5
            return {x_path: _keys((Fraction(0), off_x), (span, cx), interpolation="ease_out")}
        off_y = height * 1.5 if direction == "up" else -height / 2
        return {y_path: _keys((Fraction(0), off_y), (span, cy), interpolation="ease_out")}
    if preset == "fade":
        points = [(Fraction(0), 0.0), (span, 1.0)]
        if length > 2 * span:
            points += [(length - span, 1.0), (length, 0.0)]
        return {opacity_path: _keys(*points, interpolation="linear")}
    raise EditError(f"unknown animation preset {preset!r}")
