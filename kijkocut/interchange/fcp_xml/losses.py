"""What FCP 7 XML (as KijkoCut writes it) cannot carry: one warning per element and property, per transition,
track and marker. Everything not named here is written (see `write`) and read back (see `read`)."""

from __future__ import annotations

from kijkocut.interchange.fcp_xml.filters import TRANSITIONS
from kijkocut.interchange.losses import (
    DEFAULT_MARKER_COLOUR,
    changed_properties,
    element_subject,
    frame_timing,
    kept,
    marker_subject,
    track_label,
    transition_subject,
)
from kijkocut.interchange.report import InterchangeWarning
from kijkocut.model import ClipElement, Element, Project, TextElement, Track

FORMAT = "FCP XML"
CLIP_KEEPS = frozenset(
    {
        "name",
        "source_in",
        "fade_in",
        "fade_out",
        "transform.x",
        "transform.y",
        "transform.scale",
        "transform.rotation",
        "transform.opacity",
        "transform.fit",
        "transform.crop.",
        "gain_db",
        "pan",
        "audio_muted",
        "blend_mode",
        "frame_sampling",
        "speed",
        "reverse",
        "preserve_pitch",
        "keyframes.transform.",
        "keyframes.gain_db",
        "keyframes.pan",
    }
)
TEXT_KEEPS = frozenset({"name", "fade_in", "fade_out"})
UNHEARD_OR_UNSEEN = {"audio": ("transform.", "keyframes.transform.", "blend_mode", "frame_sampling")}
WHY = {"freeze_frame": "FCP 7 XML has no held frame on a clip; the clip plays instead"}


def losses(project: Project) -> list[InterchangeWarning]:
    warnings = []
    if project.settings.background.lower() not in ("#000000", "#000000ff"):
        warnings.append(
            InterchangeWarning(
                format=FORMAT,
                subject="project",
                property="settings.background",
                message="an FCP sequence has no background colour; it shows black",
            )
        )
    for track in project.tracks:
        warnings += _track(track)
        for element in track.elements:
            warnings += _element(element, track)
        for transition in track.transitions:
            subject = transition_subject(transition, track)
            if track.kind == "adjustment":
                continue
            if transition.kind not in TRANSITIONS:
                warnings.append(
                    InterchangeWarning(
                        format=FORMAT,
                        subject=subject,
                        element_id=transition.id,
                        property="kind",
                        message=f"written as a Cross Dissolve (FCP XML carries {', '.join(TRANSITIONS)} here)",
                    )
                )
            if transition.holds:
                warnings.append(
                    InterchangeWarning(
                        format=FORMAT,
                        subject=subject,
                        element_id=transition.id,
                        property="handles",
                        message="FCP transitions use the media past the cut; held edge frames are not written",
                    )
                )
    for marker in project.markers:
        if marker.color.lower() != DEFAULT_MARKER_COLOUR:
            warnings.append(
                InterchangeWarning(
                    format=FORMAT,
                    subject=marker_subject(marker),
                    element_id=marker.id,
                    property="color",
                    message="FCP 7 markers have no colour",
                )
            )
    warnings += frame_timing(FORMAT, project, [t for t in project.tracks if t.kind != "adjustment"])
    return warnings


def _track(track: Track) -> list[InterchangeWarning]:
    found = []
    subject = f"track {track_label(track)}"
    if track.solo:
        found.append(
            InterchangeWarning(
                format=FORMAT,
                subject=subject,
                element_id=track.id,
                property="solo",
                message="FCP XML has no solo; the track plays with the others",
            )
        )
    if track.ducking is not None:
        found.append(
            InterchangeWarning(
                format=FORMAT,
                subject=subject,
                element_id=track.id,
                property="ducking",
                message="automatic ducking is not written; the track plays at its level",
            )
        )
    return found


def _element(element: Element, track: Track) -> list[InterchangeWarning]:
    subject = element_subject(element, track)

    def warning(path: str, message: str) -> InterchangeWarning:
        return InterchangeWarning(
            format=FORMAT, subject=subject, element_id=element.id, property=path, message=message
        )

    if element.kind == "adjustment":
        return [warning("kind", "FCP 7 XML has no adjustment layers; left out with its effects")]
    keeps = CLIP_KEEPS if isinstance(element, ClipElement) else TEXT_KEEPS
    ignored = UNHEARD_OR_UNSEEN.get(track.kind, ())
    found, style = [], []
    for path in changed_properties(element):
        if kept(path, keeps) or kept(path, ignored):
            continue
        if path == "effects":
            found += [
                warning("effects", f"{effect.kind} is not written (no FCP 7 filter for it here)")
                for effect in element.effects
            ]
        elif isinstance(element, TextElement) and path.removeprefix("keyframes.").startswith("style."):
            style.append(
                path.removeprefix("keyframes.").removeprefix("style.")
                + (" animation" if path.startswith("keyframes.") else "")
            )
        elif path.startswith("keyframes."):
            animated = path.removeprefix("keyframes.")
            found.append(warning(path, f"the animation of {animated} is not written; it keeps its set value"))
        elif path == "transform.fit":
            continue
        else:
            found.append(warning(path, WHY.get(path, "not written to FCP XML")))
    if isinstance(element, ClipElement) and element.transform.fit == "stretch":
        found.append(warning("transform.fit", "FCP scales uniformly: stretched to the canvas width only"))
    if style:
        found.append(warning("style", f"FCP 7 text keeps the words only: {', '.join(style)} not written"))
    return found
