"""Project -> CMX 3600 EDL text (one video track and up to four audio channels; see `layout`).

Written here rather than by OTIO's cmx_3600 adapter, which takes one track and no audio channels. The events
follow the conventions that adapter (and Avid) read: record times from 01:00:00:00, non-drop-frame timecode,
'* FROM CLIP NAME:' / '* FROM CLIP:' notes naming the clip and its file ('TO' for the incoming side of a
dissolve), 'M2' lines for speed, '* * FREEZE FRAME' for held frames. A dissolve starts at the edit: a KijkoCut
transition centred on (or ending at) its cut is written with the cut moved to where it starts, the incoming clip
reading its media from earlier, which shows the same frames. Fades are dissolves from and to black ('BL')."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from kijkocut.errors import KijkoCutError
from kijkocut.interchange.edl.layout import EdlLayout, edl_layout
from kijkocut.interchange.linked_sound import sounds
from kijkocut.model import ClipElement, Project, Track, Transition
from kijkocut.project_io import resolve_media_path

BLACK = "BL"
HOUR_FRAMES_AT = 3600  # record times start at 01:00:00:00: seconds -> frames at the nominal rate


@dataclass(frozen=True)
class Line:
    reel: str
    transition: str  # "C", or "D 015" for a 15-frame dissolve
    source_in: int
    source_out: int
    record_in: int
    record_out: int


@dataclass
class Event:
    channel: str
    lines: list[Line]
    notes: list[str] = field(default_factory=list)

    @property
    def record_in(self) -> int:
        return self.lines[-1].record_in


def nominal_rate(rate: Fraction) -> int:
    """Timecode counts whole frames per second: 30 for 30000/1001 (non-drop-frame)."""
    if rate.denominator == 1:
        return rate.numerator
    if rate.denominator == 1001 and rate.numerator % 1000 == 0:
        return rate.numerator // 1000
    raise KijkoCutError(
        f"an EDL counts frames in timecode: {float(rate):.3f} fps has no timecode rate "
        "(use a whole or NTSC frame rate such as 25 or 30000/1001)"
    )


def timecode(frames: int, fps: int) -> str:
    seconds, frame = divmod(frames, fps)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours:02d}:{minute:02d}:{second:02d}:{frame:02d}"


def reel_name(name: str) -> str:
    """Eight letters and digits from the file name, as EDL reels are (the full name goes in a note)."""
    return (re.sub(r"[^A-Za-z0-9]+", "", Path(name).stem)[:8] or "AX").upper()


def write_edl(project: Project, *, project_dir: str | os.PathLike[str] | None = None) -> str:
    writer = _Writer(project, project_dir)
    return writer.text(edl_layout(project))


class _Writer:
    def __init__(self, project: Project, project_dir: str | os.PathLike[str] | None):
        self.project = project
        self.project_dir = project_dir
        self.rate = project.settings.frame_rate
        self.fps = nominal_rate(self.rate)
        self.origin = HOUR_FRAMES_AT * self.fps

    def text(self, layout: EdlLayout) -> str:
        events: list[Event] = []
        if layout.picture is not None:
            events += self._track(layout.picture, "AA/V" if layout.picture_sound else None, "V")
        for track, pair in layout.audio:
            events += self._track(track, "AA" if pair == "A1/A2" else "NONE", None)
        events.sort(key=lambda event: event.record_in)
        lines = [f"TITLE: {self.project.name}", "FCM: NON-DROP FRAME", ""]
        for number, event in enumerate(events, start=1):
            for line in event.lines:
                lines.append(self._line(number, event.channel, line))
            lines += event.notes
            lines.append("")
        return "\n".join(lines)

    def _line(self, number: int, channel: str, line: Line) -> str:
        times = " ".join(
            timecode(frame, self.fps)
            for frame in (
                line.source_in,
                line.source_out,
                self.origin + line.record_in,
                self.origin + line.record_out,
            )
        )
        return f"{number:03d}  {line.reel:<8} {channel:<5} {line.transition:<8} {times}"

    def _frames(self, t: Fraction) -> int:
        return round(t * self.rate)

    def _reel(self, element: ClipElement) -> str:
        return reel_name(
            self.project.media[element.media_id].name or self.project.media[element.media_id].path
        )

    def _name(self, element: ClipElement) -> str:
        return element.name or self.project.media[element.media_id].name

    def _path(self, element: ClipElement) -> str:
        path = self.project.media[element.media_id].path
        return str(resolve_media_path(path, self.project_dir)) if self.project_dir is not None else path

    def _source(self, element: ClipElement, record: int) -> int:
        """The source frame an element shows at a timeline frame (its media before and after it too)."""
        if element.freeze_frame:
            return self._frames(element.source_in)
        offset = Fraction(record) / self.rate - element.start
        return self._frames(element.source_in + offset * Fraction(element.speed).limit_denominator(10**6))

    def _track(self, track: Track, sound_channel: str | None, silent_channel: str | None) -> list[Event]:
        clips = [e for e in track.elements if isinstance(e, ClipElement)]
        ids = {e.id for e in clips}
        into = {t.to_id: t for t in track.transitions if t.from_id in ids and t.to_id in ids}
        out_of = {t.from_id: t for t in track.transitions if t.from_id in ids and t.to_id in ids}
        by_id = {e.id: e for e in clips}
        events = []
        for element in clips:
            channel = sound_channel if sound_channel and sounds(element, self.project) else silent_channel
            if channel is None:  # a silent clip on an audio track
                continue
            events += self._element(element, channel, into.get(element.id), out_of.get(element.id), by_id)
        return events

    def _element(
        self,
        element: ClipElement,
        channel: str,
        incoming: Transition | None,
        outgoing: Transition | None,
        by_id: dict[str, ClipElement],
    ) -> list[Event]:
        start, end = self._frames(element.start), self._frames(element.end)
        fade_out = self._frames(element.fade_out) if outgoing is None else 0
        record_in = self._frames(incoming.span(element.start)[0]) if incoming else start
        record_out = self._frames(outgoing.span(element.end)[0]) if outgoing else end - fade_out
        reel, name, path = self._reel(element), self._name(element), self._path(element)
        body = Line(
            reel,
            "C",
            self._source(element, record_in),
            self._source(element, record_out),
            record_in,
            record_out,
        )
        notes = self._timing_notes(element, reel, body)
        if element.freeze_frame:
            body = Line(reel, "C", body.source_in, body.source_in + 1, record_in, record_out)
        fade_in = self._frames(element.fade_in) if incoming is None else 0
        if incoming is not None:
            before = by_id[incoming.from_id]
            edge = self._source(before, record_in)
            lines = [
                Line(self._reel(before), "C", edge, edge, record_in, record_in),
                _dissolve(body, self._frames(incoming.duration)),
            ]
            notes += [
                f"* FROM CLIP NAME:  {self._name(before)}",
                f"* FROM CLIP: {self._path(before)}",
                f"* TO CLIP NAME:  {name}",
                f"* TO CLIP: {path}",
            ]
        elif fade_in:
            lines = [Line(BLACK, "C", 0, 0, record_in, record_in), _dissolve(body, fade_in)]
            notes += [f"* TO CLIP NAME:  {name}", f"* TO CLIP: {path}"]
        else:
            lines = [body]
            notes += [f"* FROM CLIP NAME:  {name}", f"* FROM CLIP: {path}"]
        if channel == "NONE":
            notes.insert(0, "AUD  3    4")
        events = [Event(channel, lines, notes)]
        if fade_out:
            edge = self._source(element, record_out)
            tail = [f"* FROM CLIP NAME:  {name}", f"* FROM CLIP: {path}"]
            events.append(
                Event(
                    channel,
                    [
                        Line(reel, "C", edge, edge, record_out, record_out),
                        Line(BLACK, f"D    {fade_out:03d}", 0, fade_out, record_out, end),
                    ],
                    (["AUD  3    4"] if channel == "NONE" else []) + tail,
                )
            )
        return events

    def _timing_notes(self, element: ClipElement, reel: str, body: Line) -> list[str]:
        if element.freeze_frame:
            return [f"M2   {reel}\t\t000.0\t\t\t{timecode(body.source_in, self.fps)}", "* * FREEZE FRAME"]
        if element.speed != 1:
            fps = element.speed * float(self.rate)  # one decimal as Avid writes it, more when it needs them
            shown = f"{fps:05.1f}" if round(fps, 1) == fps else f"{fps:.3f}"
            return [f"M2   {reel}\t\t{shown}\t\t\t{timecode(body.source_in, self.fps)}"]
        return []


def _dissolve(line: Line, frames: int) -> Line:
    return Line(
        line.reel, f"D    {frames:03d}", line.source_in, line.source_out, line.record_in, line.record_out
    )
