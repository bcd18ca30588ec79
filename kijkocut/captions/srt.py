"""SubRip (.srt): numbered cues, 'HH:MM:SS,mmm --> HH:MM:SS,mmm', text lines, a blank line between cues.

Parsing is lenient where players are (BOM, CRLF, missing numbers or final blank line, '.' for ',', tags) and
strict where a guess would shift captions (bad timestamps), naming the line that is wrong."""

from __future__ import annotations

from kijkocut.captions.cues import (
    Cue,
    blocks,
    check_cue,
    format_timestamp,
    normalise_text,
    split_cue_block,
    strip_markup,
    tagged_payload,
)


def parse_srt(text: str, *, source: str = "<srt>") -> list[Cue]:
    cues: list[Cue] = []
    for first, lines in blocks(normalise_text(text)):
        identifier, line_number, start, end, _, payload = split_cue_block(
            lines,
            first,
            source=source,
            require_hours=False,
            expected="a cue number and a timing line 'HH:MM:SS,mmm --> HH:MM:SS,mmm'",
        )
        markup = strip_markup("\n".join(payload), unescape=False)
        check_cue(cues, markup.text, source=source, line=line_number)
        cues.append(
            Cue(
                start,
                end,
                markup.text,
                identifier=identifier,
                speaker=markup.speaker,
                italic=markup.italic,
                bold=markup.bold,
                line=line_number,
            )
        )
    return cues


def to_srt(cues: list[Cue]) -> str:
    """SRT text, cues numbered from 1 in time order; whole-cue italic/bold written as <i>/<b>."""
    out = []
    for number, cue in enumerate(sorted(cues, key=lambda c: (c.start, c.end)), 1):
        body = tagged_payload(cue)
        out.append(
            f"{number}\n{format_timestamp(cue.start, ',')} --> {format_timestamp(cue.end, ',')}\n{body}\n"
        )
    return "\n".join(out)
