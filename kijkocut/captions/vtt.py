"""WebVTT (.vtt): a 'WEBVTT' header, then cues ('[id]', '[HH:]MM:SS.mmm --> ... [settings]', text) and NOTE,
STYLE and REGION blocks, which are skipped. Cue settings (line:, align:...) are kept on the cue as data."""

from __future__ import annotations

import re

from kijkocut.captions.cues import (
    CaptionFormatError,
    Cue,
    blocks,
    check_cue,
    format_timestamp,
    normalise_text,
    split_cue_block,
    strip_markup,
    tagged_payload,
)

_SKIPPED_BLOCK = re.compile(r"^(NOTE|STYLE|REGION)(\s|$)")


def parse_vtt(text: str, *, source: str = "<vtt>") -> list[Cue]:
    found = blocks(normalise_text(text))
    if not found or not re.match(r"^WEBVTT(\s|$)", found[0][1][0]) or found[0][0] != 1:
        raise CaptionFormatError(source, found[0][0] if found else 1, "a WebVTT file starts with 'WEBVTT'")
    cues: list[Cue] = []
    for first, lines in found[1:]:  # the first block is the header
        if _SKIPPED_BLOCK.match(lines[0]):
            continue
        identifier, line_number, start, end, settings_text, body = split_cue_block(
            lines,
            first,
            source=source,
            require_hours=False,
            expected="a cue timing line '[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm'",
        )
        settings = dict(item.split(":", 1) for item in settings_text.split() if ":" in item)
        # A line containing '-->' cannot be cue text; it ends the payload.
        payload = []
        for line in body:
            if "-->" in line:
                break
            payload.append(line)
        markup = strip_markup("\n".join(payload), unescape=True)
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
                settings=settings,
                line=line_number,
            )
        )
    return cues


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "--&gt;")


def to_vtt(cues: list[Cue]) -> str:
    """WebVTT text in time order; identifiers, cue settings, speakers (<v>) and whole-cue <i>/<b> kept."""
    out = ["WEBVTT\n"]
    for cue in sorted(cues, key=lambda c: (c.start, c.end)):
        body = tagged_payload(cue, _escape)
        if cue.speaker:
            body = f"<v {_escape(cue.speaker)}>{body}"
        settings = "".join(f" {key}:{value}" for key, value in cue.settings.items())
        identifier = f"{cue.identifier}\n" if cue.identifier and "-->" not in cue.identifier else ""
        out.append(
            f"{identifier}{format_timestamp(cue.start, '.')} --> {format_timestamp(cue.end, '.')}"
            f"{settings}\n{body}\n"
        )
    return "\n".join(out)
