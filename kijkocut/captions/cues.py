"""Caption cues: the plain data both subtitle formats parse into and write from, their clock-time stamps, the
inline markup they share, and what to do with cues that overlap (a track's elements cannot)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

from kijkocut import limits
from kijkocut.errors import KijkoCutError

OverlapMode = Literal["trim", "stack"]


class CaptionFormatError(KijkoCutError):
    """A subtitle file does not parse; the message names the file and the line, and what was expected there,
    without quoting the line (the file may be anything the caller could name)."""

    def __init__(self, source: str, line: int, problem: str):
        self.source, self.line, self.problem = source, line, problem
        super().__init__(f"{source}:{line}: {problem}")


@dataclass(frozen=True)
class Cue:
    """One caption: [start, end) in exact seconds and its plain text (lines joined by '\\n'). Markup that
    covers the whole cue is kept as flags; other inline tags are stripped."""

    start: Fraction
    end: Fraction
    text: str
    identifier: str | None = None
    speaker: str | None = None
    italic: bool = False
    bold: bool = False
    settings: dict[str, str] = field(default_factory=dict, compare=False)
    line: int = field(default=0, compare=False)

    @property
    def duration(self) -> Fraction:
        return self.end - self.start


# --- text and lines -------------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Drop a byte-order mark and turn CRLF/CR line ends into LF."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def blocks(text: str) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines with the 1-based number of their first line."""
    found: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                first = number
            current.append(line.rstrip())
        elif current:
            found.append((first, current))
            current = []
    if current:
        found.append((first, current))
    return found


# --- timestamps -----------------------------------------------------------------------------------------

_STAMP = re.compile(r"^(?:(\d{1,9}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


def parse_timestamp(stamp: str, *, require_hours: bool) -> Fraction:
    """'HH:MM:SS,mmm' or 'HH:MM:SS.mmm' (also 'MM:SS.mmm' unless hours are required) to exact seconds."""
    match = _STAMP.match(stamp.strip())
    if not match or (require_hours and match.group(1) is None):
        form = "HH:MM:SS,mmm" if require_hours else "[HH:]MM:SS.mmm"
        raise ValueError(f"bad timestamp: expected {form}")  # the text itself is never quoted back
    hours, minutes, secs, millis = match.groups()
    if int(minutes) > 59 or int(secs) > 59:
        raise ValueError("bad timestamp: minutes and seconds run from 00 to 59")
    fraction = Fraction(int(millis), 10 ** len(millis)) if millis else Fraction(0)
    seconds = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + fraction
    if seconds > limits.MAX_SECONDS:
        raise ValueError("bad timestamp: past 24:00:00, the longest a timeline may be")
    return seconds


def format_timestamp(t: Fraction, separator: str) -> str:
    """Exact seconds to 'HH:MM:SS<sep>mmm', rounded to the nearest millisecond."""
    millis = round(max(Fraction(0), t) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def parse_timing(line: str, *, require_hours: bool) -> tuple[Fraction, Fraction, str]:
    """'start --> end [settings]' to (start, end, settings text). Raises ValueError with the reason."""
    left, arrow, right = line.partition("-->")
    if not arrow:
        raise ValueError("expected a timing line 'start --> end'")
    right_parts = right.split(None, 1)
    if not right_parts:
        raise ValueError("the timing line has no end time")
    start = parse_timestamp(left, require_hours=require_hours)
    end = parse_timestamp(right_parts[0], require_hours=require_hours)
    if end < start:
        raise ValueError(f"the cue ends ({right_parts[0]}) before it starts ({left.strip()})")
    return start, end, right_parts[1] if len(right_parts) > 1 else ""


def split_cue_block(
    lines: list[str], first: int, *, source: str, require_hours: bool, expected: str
) -> tuple[str | None, int, Fraction, Fraction, str, list[str]]:
    """A cue block's optional identifier, timing line number, times, settings text and payload lines."""
    if "-->" in lines[0]:
        identifier, timing_at = None, 0
    elif len(lines) > 1 and "-->" in lines[1]:
        identifier, timing_at = lines[0].strip(), 1
    else:
        raise CaptionFormatError(source, first, f"expected {expected}")
    line_number = first + timing_at
    try:
        start, end, settings = parse_timing(lines[timing_at], require_hours=require_hours)
    except ValueError as exc:
        raise CaptionFormatError(source, line_number, str(exc)) from None
    return identifier, line_number, start, end, settings, lines[timing_at + 1 :]


def check_cue(cues: list[Cue], text: str, *, source: str, line: int) -> None:
    """Bounds on one import: the number of cues so far and this cue's text (see `limits`)."""
    if len(cues) >= limits.MAX_CAPTION_CUES:
        raise CaptionFormatError(
            source,
            line,
            f"more than {limits.MAX_CAPTION_CUES} cues; a caption file may "
            f"have at most {limits.MAX_CAPTION_CUES} (split it)",
        )
    if len(text) > limits.MAX_TEXT_CHARS:
        raise CaptionFormatError(
            source,
            line,
            f"the cue has {len(text)} characters of text; a caption may have at most {limits.MAX_TEXT_CHARS}",
        )


# --- inline markup --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}|[^<{]+|[<{]")
_VOICE = re.compile(r"^<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>$")


@dataclass(frozen=True)
class Markup:
    text: str
    speaker: str | None
    italic: bool
    bold: bool


def strip_markup(raw: str, *, unescape: bool) -> Markup:
    """Plain text of a cue payload: <i>, <b>, <u>, <c.class>, <lang>, <font>, <ruby>, timestamp tags and ASS
    overrides like {\\an8} are removed, <rt> annotations dropped; <v Speaker> becomes the speaker. Italic/bold
    are reported only when they cover every visible character."""
    depth = {"i": 0, "b": 0, "rt": 0}
    pieces: list[str] = []
    styled: list[tuple[bool, bool]] = []
    speaker = None
    for token in _TOKEN.findall(raw):
        if token.startswith("{\\"):
            continue
        if token.startswith("<") and token.endswith(">") and len(token) > 1:
            name = re.split(r"[\s.>]", token[1:].lstrip("/"), maxsplit=1)[0].lower()
            voice = _VOICE.match(token)
            if voice and speaker is None and voice.group(1):
                speaker = voice.group(1).strip()
            if name in depth:
                depth[name] = max(0, depth[name] + (-1 if token.startswith("</") else 1))
            continue
        if depth["rt"]:
            continue
        piece = html.unescape(token) if unescape else token
        pieces.append(piece)
        if piece.strip():
            styled.append((depth["i"] > 0, depth["b"] > 0))
    lines = [" ".join(line.split()) for line in "".join(pieces).replace("\u00a0", " ").split("\n")]
    text = "\n".join(line for line in lines if line)
    return Markup(
        text, speaker, bool(styled) and all(i for i, _ in styled), bool(styled) and all(b for _, b in styled)
    )


def tagged_payload(cue: Cue, escape=lambda line: line) -> str:
    """A cue's text for writing: blank lines dropped (they would end the cue), whole-cue <i>/<b> restored."""
    body = "\n".join(escape(line) for line in cue.text.split("\n") if line.strip())
    if cue.bold:
        body = f"<b>{body}</b>"
    if cue.italic:
        body = f"<i>{body}</i>"
    return body


# --- overlaps -------------------------------------------------------------------------------------------


def resolve_overlaps(cues: list[Cue], mode: OverlapMode = "trim") -> list[list[Cue]]:
    """Cues in time order, arranged so that no two in one lane overlap.

    "trim" gives one lane: cues starting together are merged (texts joined by a line break), and a cue still
    showing when the next one starts ends there. "stack" keeps every cue whole and puts each on the first
    lane where it fits, opening lanes as needed (the importer makes each lane a caption track)."""
    ordered = sorted((c for c in cues if c.end > c.start), key=lambda c: (c.start, c.end))
    if mode == "stack":
        lanes: list[list[Cue]] = []
        for cue in ordered:
            lane = next((lane for lane in lanes if lane[-1].end <= cue.start), None)
            if lane is None:
                lanes.append([cue])
            else:
                lane.append(cue)
        return lanes
    merged: list[Cue] = []
    for cue in ordered:
        if merged and merged[-1].start == cue.start:
            previous = merged[-1]
            merged[-1] = replace(
                previous,
                end=max(previous.end, cue.end),
                text=f"{previous.text}\n{cue.text}",
                italic=previous.italic and cue.italic,
                bold=previous.bold and cue.bold,
            )
        else:
            merged.append(cue)
    trimmed = [
        cue if cue.end <= after.start else replace(cue, end=after.start)
        for cue, after in zip(merged, merged[1:])
    ]
    return [trimmed + merged[-1:]] if merged else []
