"""CMX 3600 EDL -> an OTIO timeline `from_otio` understands, through OTIO's cmx_3600 adapter.

The adapter reads events onto one OTIO track per channel (V, A1, A2, and the channel name as given, like
'NONE' for A3/A4 events), keeps dissolves, speed (M2) and freeze frames. Around it, this module:
- before: notes which dissolves come from or go to black ('BL'), the EDL's fades, which the adapter cannot tell
  from a dissolve between two clips; gives a dissolve that opens a channel an empty black event before it (the
  adapter refuses a transition first on a track); and names the incoming clip's file the adapter's way when the
  EDL says '* TO CLIP:' (OTIO's own writer and KijkoCut's do);
- after: places each channel from the EDL's start (01:00:00:00 when every event is past it, as NLEs number
  record time), turns black dissolves into fades on the clip (carried to `adapt` in the clip's metadata), drops
  black events, makes 'NONE' channels with an 'AUD' note audio tracks, and drops a channel that only repeats
  the other half of its stereo pair."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kijkocut.interchange.timing import exact_rate, require_otio
from kijkocut.model import ClipElement, Project

BLACK_REELS = ("BL", "BLACK")
FADES = "kijkocut.edl"  # clip metadata: fade frames found here, applied by `adapt`
HOUR = 3600
# The adapter's channel shorthands (cmx_3600.channel_map): the OTIO tracks an event lands on.
CHANNEL_TRACKS = {
    "A": ("A1",),
    "AA": ("A1", "A2"),
    "B": ("V", "A1"),
    "A2/V": ("V", "A2"),
    "AA/V": ("V", "A1", "A2"),
}
PAIRS = (("A1", "A2"), ("A3", "A4"))
_EVENT = re.compile(
    r"^(\d+)\s+(\S+)\s+(\S+)\s+(C|D|W\d+|K\w*)\s*(\d+)?\s+"
    r"(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$"
)


@dataclass(frozen=True)
class BlackDissolve:
    """A fade: into a clip from black ('in') or out of it to black ('out'), at a record timecode."""

    tracks: tuple[str, ...]
    record: str  # record timecode where the dissolve starts
    frames: int
    direction: str  # "in" or "out"


def _tracks(channel: str) -> tuple[str, ...]:
    return CHANNEL_TRACKS.get(channel, (channel,))


def prepare(text: str) -> tuple[str, list[BlackDissolve]]:
    """The EDL as the adapter can read it, and its fades (see the module docstring)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    out: list[str] = []
    fades: list[BlackDissolve] = []
    opened: set[str] = set()
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _EVENT.match(line)
        if match is None:
            out.append(line)
            index += 1
            continue
        event = [match]
        index += 1
        if (
            index < len(lines)
            and (second := _EVENT.match(lines[index]))
            and second.group(1) == match.group(1)
        ):
            event.append(second)
            index += 1
        notes = []
        while index < len(lines) and not lines[index][0].isdigit():
            notes.append(lines[index])
            index += 1
        tracks = _tracks(event[-1].group(3))
        if len(event) == 2:
            first, last = event
            length = int(last.group(5) or 0)
            if first.group(2).upper() in BLACK_REELS:
                fades.append(BlackDissolve(tracks, last.group(8), length, "in"))
            elif last.group(2).upper() in BLACK_REELS:
                fades.append(BlackDissolve(tracks, last.group(8), length, "out"))
            if not opened.issuperset(tracks):  # the adapter needs something before a transition
                record = last.group(8)
                out.append(
                    f"000  BL       {last.group(3):<5} C        00:00:00:00 00:00:00:00 {record} {record}"
                )
            notes = _incoming_file_named(notes)
        opened.update(tracks)
        out += [m.group(0) for m in event] + notes
    return "\n".join(out) + "\n", fades


def _incoming_file_named(notes: list[str]) -> list[str]:
    # The adapter takes a dissolve's file from 'FROM CLIP/FILE', which names the outgoing side's file.
    incoming = [note for note in notes if re.match(r"^\*\s*TO (CLIP|FILE):", note)]
    if not incoming:
        return notes
    kept = [note for note in notes if not re.match(r"^\*\s*(FROM|TO) (CLIP|FILE):", note)]
    return kept + [re.sub(r"^\*\s*TO (CLIP|FILE):", r"* FROM \1:", incoming[0])]


def read_edl(text: str, *, rate: float = 24, **adapter_options: Any) -> Any:
    """An OTIO timeline from EDL text (`rate`: the frames per second the EDL counts; it does not say)."""
    otio = require_otio()
    rate = float(exact_rate(rate))  # OTIO's timecode takes 29.97 only as 30000/1001
    prepared, fades = prepare(text)
    timeline = otio.adapters.read_from_string(prepared, adapter_name="cmx_3600", rate=rate, **adapter_options)
    _normalise(otio, timeline, fades, rate)
    return timeline


def _first_record(track: Any) -> Any:
    source = track.source_range
    return -source.start_time if source is not None and source.start_time.value < 0 else None


def _normalise(otio: Any, timeline: Any, fades: list[BlackDissolve], rate: float) -> None:
    tracks = list(timeline.tracks)
    firsts = [_first_record(track) for track in tracks]
    known = [first for first in firsts if first is not None]
    hour = otio.opentime.RationalTime(HOUR * rate, rate)
    origin = hour if known and all(first >= hour for first in known) else otio.opentime.RationalTime(0, rate)
    for track, first in zip(tracks, firsts):
        track.source_range = None
        if first is not None and first > origin:
            track.insert(0, otio.schema.Gap(source_range=otio.opentime.TimeRange(duration=first - origin)))
        records = {(fade.record, fade.direction): fade.frames for fade in fades if track.name in fade.tracks}
        _fades(otio, track, records, origin, rate)
        if track.name == "NONE" and _audio_note(track):
            track.name, track.kind = "A3", otio.schema.TrackKind.Audio
    by_name = {track.name: track for track in timeline.tracks}
    for left, right in PAIRS:
        if left in by_name and right in by_name and _same_events(by_name[left], by_name[right]):
            timeline.tracks.remove(by_name[right])


def _fades(otio: Any, track: Any, records: Mapping[tuple[str, str], int], origin: Any, rate: float) -> None:
    items = list(track)
    keep: list[Any] = []
    position = origin
    index = 0
    while index < len(items):
        item = items[index]
        following = items[index + 1] if index + 1 < len(items) else None
        if isinstance(item, otio.schema.Transition) and following is not None:
            timecode = otio.opentime.to_timecode(position, rate, drop_frame=False)
            if _black(otio, following) and keep and isinstance(keep[-1], otio.schema.Clip):
                before = keep[-1]  # fades out to black: the clip plays on under the dissolve
                frames = following.duration().value
                before.source_range = before.source_range.duration_extended_by(following.duration())
                _note(before, "fade_out", frames)
                position += following.duration()
                index += 2
                continue
            if (timecode, "in") in records and isinstance(following, otio.schema.Clip):
                _note(following, "fade_in", records[(timecode, "in")])
                index += 1
                continue
        if _black(otio, item):
            if item.duration().value:
                keep.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(duration=item.duration())))
                position += item.duration()
            index += 1
            continue
        if not isinstance(item, otio.schema.Transition):
            position += item.duration()
        keep.append(item)
        index += 1
    del track[:]
    track.extend(keep)


def _black(otio: Any, item: Any) -> bool:
    reference = getattr(item, "media_reference", None)
    return isinstance(reference, otio.schema.GeneratorReference) and reference.generator_kind == "black"


def _note(clip: Any, name: str, frames: float) -> None:
    clip.metadata[FADES] = {**dict(clip.metadata.get(FADES, {})), name: int(round(frames))}


def _audio_note(track: Any) -> bool:
    for item in track:
        comments = item.metadata.get("cmx_3600", {}).get("comments", []) if hasattr(item, "metadata") else []
        if any(str(comment).upper().startswith("AUD") for comment in comments):
            return True
    return False


def _same_events(left: Any, right: Any) -> bool:
    def shape(track: Any) -> list[tuple]:
        return [
            (
                type(item).__name__,
                str(getattr(item, "source_range", None)),
                getattr(getattr(item, "media_reference", None), "target_url", None),
            )
            for item in track
        ]

    return shape(left) == shape(right)


def adapt(project: Project, sources: Mapping[str, Any], timeline: Any) -> Project:
    """The imported project with the EDL's fades on the clips they belong to, and speeds to a thousandth (an
    M2 line gives frames per second, a rounded decimal)."""
    result = project.model_copy(deep=True)
    for track in result.tracks:
        for element in track.elements:
            if isinstance(element, ClipElement) and element.speed != 1:
                element.speed = round(element.speed, 3)
            item = sources.get(element.id)
            found = dict(item.metadata.get(FADES, {})) if item is not None else {}
            if not found:
                continue
            rate = _rate(item, result.settings.frame_rate)
            element.fade_in = Fraction(found.get("fade_in", 0)) / rate
            element.fade_out = Fraction(found.get("fade_out", 0)) / rate
    return result


def _rate(item: Any, fallback: Fraction) -> Fraction:
    source = getattr(item, "source_range", None)
    return exact_rate(source.duration.rate) if source is not None else fallback
