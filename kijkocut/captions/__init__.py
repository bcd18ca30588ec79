"""Captions: SRT and WebVTT parsed into plain cues, written back, and placed on (or taken from) caption tracks
of a project through edit commands."""

from kijkocut.captions.cues import CaptionFormatError, Cue, resolve_overlaps
from kijkocut.captions.srt import parse_srt, to_srt
from kijkocut.captions.tracks import (
    caption_commands,
    caption_style,
    export_captions,
    import_captions,
    read_cues,
    restyle_captions,
    restyle_commands,
    track_cues,
)
from kijkocut.captions.vtt import parse_vtt, to_vtt

__all__ = [
    "CaptionFormatError",
    "Cue",
    "caption_commands",
    "caption_style",
    "export_captions",
    "import_captions",
    "parse_srt",
    "parse_vtt",
    "read_cues",
    "resolve_overlaps",
    "restyle_captions",
    "restyle_commands",
    "to_srt",
    "to_vtt",
    "track_cues",
]
