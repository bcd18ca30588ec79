"""A clip's picture and sound, joined again after import.

Other editors (and FCP XML, EDL, OTIO files from them) keep a clip's sound apart from its picture: a clip on a
video track is silent, and its sound is a clip of the same media, at the same time and with the same in point,
on an audio track. KijkoCut plays a picture clip's sound itself. So, for elements that came from a foreign
file: an audio clip matching a picture clip (and fading like it) becomes that clip's sound (its level, pan and
their animation move over); a picture clip without one is muted. A picture transition between two joined clips
crossfades their sound only where the audio tracks had a transition there too."""

from __future__ import annotations

import logging
from collections.abc import Set

from kijkocut.model import ClipElement, Element, Project, Track

log = logging.getLogger(__name__)
SOUND_FROM = ("video", "overlay")  # picture tracks whose clips sound (as in kijkocut.render.audio_mix)
AUDIO_KEYFRAMES = ("gain_db", "pan")


def sounds(element: Element, project: Project) -> bool:
    """Whether the element is heard (as kijkocut.render.audio_mix decides)."""
    if not isinstance(element, ClipElement) or element.audio_muted or element.freeze_frame:
        return False
    media = project.media.get(element.media_id)
    return media is not None and media.info.audio is not None


def _key(element: ClipElement) -> tuple:
    return (
        element.media_id,
        element.start,
        element.duration,
        element.source_in,
        element.speed,
        element.reverse,
        element.freeze_frame,
    )


def _pairs(project: Project, foreign: Set[str]) -> dict[str, str]:
    """Audio element id -> the picture element id whose sound it is."""
    pictures: dict[tuple, list[ClipElement]] = {}
    for track in project.tracks:
        if track.kind in SOUND_FROM:
            for element in track.elements:
                if isinstance(element, ClipElement) and element.id in foreign:
                    pictures.setdefault(_key(element), []).append(element)
    pairs, claimed = {}, set()
    for track in project.tracks:
        if track.kind != "audio":
            continue
        for element in track.elements:
            if not isinstance(element, ClipElement) or element.id not in foreign:
                continue
            for picture in pictures.get(_key(element), []):
                if picture.id not in claimed and (picture.fade_in, picture.fade_out) == (
                    element.fade_in,
                    element.fade_out,
                ):
                    pairs[element.id] = picture.id
                    claimed.add(picture.id)
                    break
    return pairs


def link_sound(project: Project, foreign: Set[str]) -> Project:
    """The project with foreign picture clips carrying their own sound (see the module docstring)."""
    if not foreign:
        return project
    pairs = _pairs(project, foreign)
    result = project.model_copy(deep=True)
    sound_of = {picture: audio for audio, picture in pairs.items()}
    audio_elements = {
        e.id: e for t in result.tracks if t.kind == "audio" for e in t.elements if isinstance(e, ClipElement)
    }
    audio_tracks = {e.id: t for t in result.tracks if t.kind == "audio" for e in t.elements}
    for track in result.tracks:
        if track.kind not in SOUND_FROM:
            continue
        for element in track.elements:
            if not isinstance(element, ClipElement) or element.id not in foreign:
                continue
            audio = audio_elements.get(sound_of.get(element.id, ""))
            if audio is None:
                media = result.media.get(element.media_id)
                if media is not None and media.info.audio is not None:
                    element.audio_muted = True
                continue
            element.audio_muted = audio.audio_muted
            element.gain_db, element.pan = audio.gain_db, audio.pan
            for path in AUDIO_KEYFRAMES:
                element.keyframes.pop(path, None)
                if path in audio.keyframes:
                    element.keyframes[path] = audio.keyframes[path]
            if audio_tracks[audio.id].muted:
                track.muted = True
    crossfaded = _sound_crossfades(result, pairs)
    for track in result.tracks:
        if track.kind in SOUND_FROM:
            for transition in track.transitions:
                if transition.from_id in sound_of or transition.to_id in sound_of:
                    transition.audio = (transition.from_id, transition.to_id) in crossfaded
        elif track.kind == "audio":
            _drop_joined(track, pairs)
    emptied = {t.id for t in project.tracks if t.kind == "audio" and t.elements}
    result.tracks = [t for t in result.tracks if t.elements or t.id not in emptied]
    return result


def _sound_crossfades(project: Project, pairs: dict[str, str]) -> set[tuple[str, str]]:
    """(from, to) picture element ids whose sound the audio tracks crossfade."""
    found = set()
    for track in project.tracks:
        if track.kind != "audio":
            continue
        for transition in track.transitions:
            if transition.from_id in pairs and transition.to_id in pairs:
                found.add((pairs[transition.from_id], pairs[transition.to_id]))
    return found


def _drop_joined(track: Track, pairs: dict[str, str]) -> None:
    for transition in track.transitions:
        if (transition.from_id in pairs) != (transition.to_id in pairs):
            log.warning(
                "track %s: an audio transition between a clip's own sound and another clip has no "
                "KijkoCut equivalent; dropped",
                track.name,
            )
    track.elements = [e for e in track.elements if e.id not in pairs]
    track.transitions = [t for t in track.transitions if t.from_id not in pairs and t.to_id not in pairs]
