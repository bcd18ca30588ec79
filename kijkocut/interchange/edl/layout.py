"""Which of a project's tracks go into a CMX 3600 EDL, on which channels.

An EDL holds one picture channel and four audio channels (A1-A4). It carries the first video track (as
editors export one EDL per video track, the first by default); the sound of that track's clips goes on A1/A2
with the picture ('AA/V' events), and audio tracks take the next free stereo pair: A1/A2 ('AA') when the picture
is silent, A3/A4 ('NONE' with an 'AUD 3 4' note) after it. What does not fit is named by `edl.losses`."""

from __future__ import annotations

from dataclasses import dataclass

from kijkocut.interchange.linked_sound import sounds
from kijkocut.model import Project, Track

PICTURE_KINDS = ("video", "overlay", "text", "adjustment")
PAIRS = ("A1/A2", "A3/A4")


@dataclass(frozen=True)
class EdlLayout:
    picture: Track | None  # the video track the EDL holds
    picture_sound: bool  # whether its clips' sound is on A1/A2
    audio: tuple[tuple[Track, str], ...]  # audio tracks and their stereo pair (one of PAIRS)
    pictures_left_out: tuple[Track, ...]  # other picture tracks with elements
    audio_left_out: tuple[Track, ...]  # audio tracks beyond four channels, or muted


def edl_layout(project: Project) -> EdlLayout:
    pictures = [t for t in project.tracks if t.kind in PICTURE_KINDS]
    picture = next((t for t in pictures if t.kind == "video" and not t.hidden), None)
    picture_sound = (
        picture is not None
        and not picture.muted
        and any(sounds(element, project) for element in picture.elements)
    )
    free = list(PAIRS[1:] if picture_sound else PAIRS)
    audio, audio_left_out = [], []
    for track in project.tracks:
        if track.kind != "audio" or not track.elements:
            continue
        if free and not track.muted:
            audio.append((track, free.pop(0)))
        else:
            audio_left_out.append(track)
    left_out = tuple(t for t in pictures if t is not picture and t.elements)
    return EdlLayout(picture, picture_sound, tuple(audio), left_out, tuple(audio_left_out))
