"""Captions on the timeline: subtitle files become text elements on caption tracks (through edit commands, so
an import is undoable), a caption track becomes a subtitle file again, and one call restyles a whole track.

Burning captions into the picture needs nothing here: a caption track is a text track and renders with the
rest of the timeline (`kijkocut.render.export.export_project`)."""

from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import ValidationError

from kijkocut import limits
from kijkocut.captions.cues import Cue, OverlapMode, resolve_overlaps
from kijkocut.captions.srt import parse_srt, to_srt
from kijkocut.captions.vtt import parse_vtt, to_vtt
from kijkocut.edit.commands import AddElements, AddTrack, Batch, Command, SetProperties
from kijkocut.edit.editor import Editor
from kijkocut.errors import KijkoCutError
from kijkocut.model import Project, ProjectSettings, TextElement, TextStyle, new_id
from kijkocut.project_io import atomic_write_bytes
from kijkocut.timebase import to_fraction
from kijkocut.validation_messages import describe_validation_error

CaptionFormat = Literal["srt", "vtt"]
FORMATS: tuple[CaptionFormat, ...] = get_args(CaptionFormat)


def caption_style(settings: ProjectSettings) -> TextStyle:
    """The default shared caption look: bottom-centred white text on a translucent black box, wrapped to 80 %
    of the canvas width, sized for the canvas height (49 px at 1080p)."""
    size = max(12, round(settings.height * 0.045))
    return TextStyle(
        size=size,
        color="#ffffff",
        y=round(settings.height * 0.85),
        align="center",
        box_color="#000000b3",
        box_padding=max(4, round(size * 0.3)),
        box_radius=max(2, size // 8),
        max_width=max(16, round(settings.width * 0.8)),
        line_spacing=1.15,
    )


# Caption imports and restyles are batches of ordinary commands: one validation, one undo step.
CaptionEdit = Batch


# --- reading --------------------------------------------------------------------------------------------


def detect_format(text: str, name: str | None = None) -> CaptionFormat:
    suffix = Path(name).suffix.lower().lstrip(".") if name else ""
    for known in FORMATS:
        if suffix == known:
            return known
    return "vtt" if text.lstrip("\ufeff").startswith("WEBVTT") else "srt"


def _too_big(name: str, size: int) -> KijkoCutError:
    return KijkoCutError(
        f"{name}: the subtitle file is {limits.size_text(size)}; a caption file may be at most "
        f"{limits.size_text(limits.MAX_CAPTION_BYTES)}"
    )


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limits.MAX_CAPTION_BYTES:
                raise _too_big(str(path), size)
            data = handle.read(limits.MAX_CAPTION_BYTES + 1)  # a device or a growing file stops here
    except OSError as exc:
        raise KijkoCutError(f"{path}: cannot read subtitle file ({exc.strerror})") from None
    if len(data) > limits.MAX_CAPTION_BYTES:
        raise _too_big(str(path), len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # old SRT files are often Windows-1252


def read_cues(source: str | os.PathLike[str], *, fmt: CaptionFormat | None = None) -> list[Cue]:
    """Cues from a subtitle file path, or from subtitle text (anything containing a line break)."""
    if isinstance(source, os.PathLike) or ("\n" not in source and "\r" not in source):
        path = Path(source)
        text, name = _read_text(path), str(path)
    else:
        text, name = source, None
        if len(text) > limits.MAX_CAPTION_BYTES:
            raise _too_big("subtitle text", len(text))
    chosen = fmt or detect_format(text, name)
    if chosen not in FORMATS:
        raise KijkoCutError(f"unknown caption format {chosen!r} (known: {', '.join(FORMATS)})")
    parse = parse_srt if chosen == "srt" else parse_vtt
    return parse(text, source=name or f"<{chosen} text>")


# --- importing ------------------------------------------------------------------------------------------


def _shifted(cues: list[Cue], offset: Fraction) -> list[Cue]:
    """Cues moved by `offset`; what would start before 0 is cut at 0, what would end there is dropped."""
    if not offset:
        return [cue for cue in cues if cue.end > cue.start and cue.text]
    moved = []
    for cue in cues:
        start, end = max(Fraction(0), cue.start + offset), cue.end + offset
        if end > start and cue.text:
            moved.append(replace(cue, start=start, end=end))
    return moved


def caption_commands(
    settings: ProjectSettings,
    cues: list[Cue],
    *,
    track_name: str = "Captions",
    style: TextStyle | None = None,
    offset: Fraction = Fraction(0),
    overlap: OverlapMode = "trim",
    show_speakers: bool = False,
) -> list[Command]:
    """The edit commands that put `cues` on new caption tracks (pure: nothing is applied).

    Elements on a track cannot overlap, so overlapping cues are either trimmed (default: a cue ends when the
    next starts; cues starting together are merged) or, with overlap="stack", kept whole on extra caption
    tracks ("Captions 2", ...) whose text sits one two-line step higher, so stacked captions do not cover
    each other. Empty and zero-length cues are skipped."""
    style = style or caption_style(settings)
    lanes = resolve_overlaps(_shifted(cues, offset), overlap)
    commands: list[Command] = []
    step = 2 * style.size * style.line_spacing + 2 * style.box_padding
    base_y = settings.height / 2 if style.y is None else style.y
    for lane_index, lane in enumerate(lanes):
        track_id = new_id("trk")
        name = track_name if lane_index == 0 else f"{track_name} {lane_index + 1}"
        lane_style = style if lane_index == 0 else style.model_copy(update={"y": base_y - lane_index * step})
        elements = []
        for cue in lane:
            text = f"{cue.speaker}: {cue.text}" if show_speakers and cue.speaker else cue.text
            if len(text) > limits.MAX_TEXT_CHARS:  # cues starting together are merged into one caption
                raise KijkoCutError(
                    f"line {cue.line}: the captions at {float(cue.start):.3f} s hold {len(text)} "
                    f"characters together; a caption may have at most {limits.MAX_TEXT_CHARS}"
                )
            cue_style = lane_style.model_copy(
                update={
                    "italic": cue.italic or lane_style.italic,
                    "weight": "bold" if cue.bold else lane_style.weight,
                }
            )
            elements.append(
                TextElement(
                    id=new_id("el"),
                    name=cue.identifier or "",
                    start=cue.start,
                    duration=cue.duration,
                    text=text,
                    style=cue_style,
                )
            )
        commands += [
            AddTrack(kind="text", name=name, track_id=track_id),
            AddElements(track_id=track_id, elements=elements),
        ]
    return commands


def import_captions(
    editor: Editor,
    source: str | os.PathLike[str],
    *,
    fmt: CaptionFormat | None = None,
    track_name: str = "Captions",
    style: TextStyle | None = None,
    offset: Any = 0,
    overlap: OverlapMode = "trim",
    show_speakers: bool = False,
) -> list[str]:
    """Parse a subtitle file (or text) and add it as caption track(s) on top, as one undoable edit; returns
    the new element ids."""
    cues = read_cues(source, fmt=fmt)
    commands = caption_commands(
        editor.project.settings,
        cues,
        track_name=track_name,
        style=style,
        offset=to_fraction(offset),
        overlap=overlap,
        show_speakers=show_speakers,
    )
    return editor.apply(CaptionEdit(title=f"Import {len(cues)} captions", commands=commands)).element_ids


# --- restyling and exporting ----------------------------------------------------------------------------


def restyle_commands(project: Project, track_id: str, style: TextStyle | dict[str, Any]) -> list[Command]:
    """SetProperties commands giving every text element of a track the same style: a full `TextStyle`
    replaces the style, a dict (e.g. {"size": 40, "box_color": None}) changes only those fields."""
    track = project.track(track_id)
    if isinstance(style, TextStyle):
        patch = style.model_dump(mode="json")
    else:
        try:
            checked = TextStyle.model_validate({**TextStyle().model_dump(), **style})
        except ValidationError as exc:
            raise KijkoCutError(f"caption style: {describe_validation_error(exc)}") from None
        patch = checked.model_dump(mode="json", include=set(style))
    return [
        SetProperties(element_id=element.id, properties={"style": patch})
        for element in track.elements
        if isinstance(element, TextElement)
    ]


def restyle_captions(editor: Editor, track_id: str, style: TextStyle | dict[str, Any]) -> int:
    """Apply `restyle_commands` as one undoable edit; returns how many captions changed."""
    commands = restyle_commands(editor.project, track_id, style)
    if not commands:
        return 0
    return len(editor.apply(CaptionEdit(title="Restyle captions", commands=commands)).changed_element_ids)


def track_cues(project: Project, track_id: str) -> list[Cue]:
    """A track's text elements as cues (italic/bold from their styles)."""
    track = project.track(track_id)
    return [
        Cue(
            element.start,
            element.end,
            element.text,
            identifier=element.name or None,
            italic=element.style.italic,
            bold=element.style.weight == "bold",
        )
        for element in track.elements
        if isinstance(element, TextElement)
    ]


def export_captions(
    project: Project, track_id: str, path: str | os.PathLike[str], fmt: CaptionFormat | None = None
) -> Path:
    """Write a caption track as SRT or WebVTT (by `fmt` or the file extension), atomically."""
    path = Path(path)
    chosen = fmt or path.suffix.lower().lstrip(".")
    if chosen not in FORMATS:
        raise KijkoCutError(f"{path}: choose a caption format ({', '.join(FORMATS)}) or a .srt/.vtt name")
    cues = track_cues(project, track_id)
    if not cues:
        raise KijkoCutError(f"track {track_id} has no text elements to export as captions")
    text = to_srt(cues) if chosen == "srt" else to_vtt(cues)
    atomic_write_bytes(path, text.encode("utf-8"))
    return path
