"""A plain-text summary of a timeline for the Timeline Info node: settings, tracks, elements, transitions."""

from __future__ import annotations

from fractions import Fraction

from kijkocut.model import ClipElement, Project


def _t(value: Fraction) -> str:
    return f"{float(value):.3f}s"


def describe_project(project: Project) -> str:
    s = project.settings
    lines = [
        f"{project.name}: {s.width}x{s.height} @ {float(s.frame_rate):g} fps, {s.sample_rate} Hz, "
        f"background {s.background}",
        f"duration {_t(project.duration())}, {len(project.tracks)} track(s), {len(project.media)} media",
    ]
    for track in reversed(project.tracks):  # top of the z-order first, as an editor shows it
        flags = [name for name in ("muted", "hidden", "locked") if getattr(track, name)]
        lines.append(f"track {track.id} ({track.kind}{', ' + ', '.join(flags) if flags else ''}):")
        for element in track.elements:
            if isinstance(element, ClipElement):
                media = project.media.get(element.media_id)
                what = (
                    f"{media.name or media.path if media else element.media_id} "
                    f"[{_t(element.source_in)}-{_t(element.source_out)}]"
                )
            else:
                what = repr(element.text if len(element.text) <= 40 else element.text[:37] + "...")
            lines.append(f"  {element.id}: {_t(element.start)}-{_t(element.end)} {element.kind} {what}")
        for transition in track.transitions:
            lines.append(
                f"  {transition.kind} {transition.from_id} -> {transition.to_id} "
                f"({_t(transition.duration)}, {transition.alignment})"
            )
    for marker in project.markers:
        lines.append(f"marker {_t(marker.time)} {marker.name}")
    return "\n".join(lines)
