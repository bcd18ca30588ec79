"""What a CMX 3600 EDL (as KijkoCut writes it) cannot carry: one warning per element and property, per
transition, track and marker. An EDL keeps cuts, source ranges, clip names and files, speed, freeze frames,
dissolves, fades (as dissolves from and to black) and which clips sound; see `layout` for the tracks."""

from __future__ import annotations

from kijkocut.interchange.edl.layout import edl_layout
from kijkocut.interchange.linked_sound import sounds
from kijkocut.interchange.losses import (
    changed_properties,
    element_subject,
    frame_timing,
    kept,
    marker_subject,
    track_label,
    transition_subject,
)
from kijkocut.interchange.report import InterchangeWarning
from kijkocut.model import ClipElement, Element, Project, Track

FORMAT = "EDL"
KEEPS = frozenset(
    {
        "name",
        "source_in",
        "speed",
        "freeze_frame",
        "audio_muted",
        "fade_in",
        "fade_out",
        "preserve_pitch",
        "frame_sampling",
    }
)  # the last two are playback choices of the importer
UNSEEN = ("transform.", "blend_mode")  # audio tracks do not draw


def losses(project: Project) -> list[InterchangeWarning]:
    layout = edl_layout(project)
    warnings = [
        InterchangeWarning(
            format=FORMAT,
            subject="project",
            property="settings",
            message=f"an EDL stores no frame rate or canvas size: import it with --rate "
            f"{project.settings.frame_rate} (the canvas is taken from the first clip)",
        )
    ]
    for track in layout.pictures_left_out:
        warnings.append(_track_left_out(track, "an EDL holds one video track (the first); left out"))
    for track in layout.audio_left_out:
        reason = "muted" if track.muted else "an EDL has four audio channels (two stereo pairs)"
        warnings.append(_track_left_out(track, f"{reason}; left out"))
    exported = ([layout.picture] if layout.picture is not None else []) + [track for track, _ in layout.audio]
    black = project.settings.background.lower() in ("#000000", "#000000ff")
    for track in exported:
        warnings += _track(track)
        into = {t.to_id for t in track.transitions}
        out_of = {t.from_id for t in track.transitions}
        for element in track.elements:
            warnings += _element(element, track, into, out_of, black)
        for transition in track.transitions:
            warnings += _transition(project, track, transition)
    warnings += [
        InterchangeWarning(
            format=FORMAT,
            subject=marker_subject(marker),
            element_id=marker.id,
            property="marker",
            message="EDL markers are not written",
        )
        for marker in project.markers
    ]
    return warnings + frame_timing(FORMAT, project, exported)


def _track_left_out(track: Track, message: str) -> InterchangeWarning:
    count = len(track.elements)
    return InterchangeWarning(
        format=FORMAT,
        subject=f"track {track_label(track)} ({count} elements)",
        element_id=track.id,
        property="track",
        message=message,
    )


def _track(track: Track) -> list[InterchangeWarning]:
    found = []
    for name, on in (("solo", track.solo), ("ducking", track.ducking is not None), ("locked", track.locked)):
        if on:
            found.append(
                InterchangeWarning(
                    format=FORMAT,
                    subject=f"track {track_label(track)}",
                    element_id=track.id,
                    property=name,
                    message="not written to an EDL",
                )
            )
    return found


def _element(
    element: Element, track: Track, into: set[str], out_of: set[str], black: bool
) -> list[InterchangeWarning]:
    subject = element_subject(element, track)

    def warning(path: str, message: str) -> InterchangeWarning:
        return InterchangeWarning(
            format=FORMAT, subject=subject, element_id=element.id, property=path, message=message
        )

    if not isinstance(element, ClipElement):
        return [warning("kind", f"an EDL holds clips of media files; this {element.kind} is left out")]
    found = []
    for path in changed_properties(element):
        if kept(path, UNSEEN) and track.kind == "audio":
            continue
        if path == "effects":
            found += [warning("effects", f"{effect.kind} is not written") for effect in element.effects]
        elif path == "reverse":
            found.append(warning(path, "written playing forwards (EDL speed here runs forwards only)"))
        elif path in ("fade_in", "fade_out"):
            edge = into if path == "fade_in" else out_of
            if element.id in edge:
                found.append(warning(path, "the clip dissolves there already; the fade is not written"))
            elif not black and track.kind != "audio":
                found.append(warning(path, "written as a fade through black, not the background colour"))
        elif not kept(path, KEEPS):
            found.append(warning(path, "not written to an EDL"))
    return found


def _transition(project: Project, track: Track, transition) -> list[InterchangeWarning]:
    subject = transition_subject(transition, track)
    found = []

    def warning(path: str, message: str) -> None:
        found.append(
            InterchangeWarning(
                format=FORMAT, subject=subject, element_id=transition.id, property=path, message=message
            )
        )

    if transition.kind != "crossfade":
        warning("kind", "written as a dissolve")
    if transition.holds:
        warning("handles", "an EDL dissolve uses the media past the cut; held edge frames are not written")
    by_id = {e.id: e for e in track.elements}
    heard = any(sounds(by_id[i], project) for i in (transition.from_id, transition.to_id) if i in by_id)
    if not transition.audio and heard and track.kind != "audio":
        warning("audio", "an EDL dissolve crossfades the sound with the picture")
    return found
