"""Caption import: a subtitle file (SRT, WebVTT) becomes caption tracks, in one undo step. The file is read
and parsed before the project is locked (a large file must not hold other clients up); the commands are
built under the lock from the project's canvas, which the caption style follows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kijkocut.captions.cues import Cue
from kijkocut.captions.tracks import caption_commands, read_cues, restyle_commands
from kijkocut.model import Project
from kijkocut.service.actions import ActionContext, Params, Plan, action
from kijkocut.service.errors import NotFoundError, ServiceError
from kijkocut.service.times import TimeArg, parse_time


class ImportCaptionsParams(Params):
    path: str = Field(min_length=1, max_length=1000, description="an .srt or .vtt file")
    offset: TimeArg = Field("0", description="added to every cue (negative moves them earlier)")
    track_name: str = Field("Captions", min_length=1, max_length=120)
    overlap: Literal["trim", "stack"] = Field(
        "trim", description="overlapping cues: trim the earlier one, or stack them on extra caption tracks"
    )
    format: Literal["srt", "vtt"] | None = Field(None, description="omit: by the file's extension or content")
    show_speakers: bool = Field(False, description="prefix WebVTT voices ('Speaker: text')")


def read_caption_file(p: ImportCaptionsParams, ctx: ActionContext) -> list[Cue]:
    cues = read_cues(ctx.path(p.path), fmt=p.format)
    if not cues:
        raise ServiceError(f"{p.path} has no captions")
    return cues


@action(
    "import_captions",
    "Import captions",
    ImportCaptionsParams,
    prepare=read_caption_file,
    changes="adds caption tracks with one title per cue",
)
def import_captions(project: Project, p: ImportCaptionsParams, ctx: ActionContext) -> Plan:
    """Put the cues of a subtitle file on new caption tracks, styled to read on the canvas."""
    cues: list[Cue] = ctx.prepared
    offset = parse_time(p.offset, project.settings.frame_rate, what="offset")
    return Plan(
        caption_commands(
            project.settings,
            cues,
            track_name=p.track_name,
            offset=offset,
            overlap=p.overlap,
            show_speakers=p.show_speakers,
        ),
        title=f"Import {len(cues)} captions",
    )


def caption_track_id(project: Project, wanted: str | None) -> str:
    """A text track by id or name; without one, the only text track."""
    texts = [t for t in project.tracks if t.kind == "text"]
    listed = ", ".join(f"{t.id} ({t.name})" for t in texts) or "none"
    if wanted:
        for track in texts:
            if wanted in (track.id, track.name):
                return track.id
        raise NotFoundError(f"no text track {wanted!r} (text tracks: {listed})")
    if len(texts) != 1:
        raise ServiceError(f"the project has {len(texts)} text tracks; name one (text tracks: {listed})")
    return texts[0].id


class RestyleCaptionsParams(Params):
    track_id: str | None = Field(
        None,
        max_length=120,
        description="a text track's id or name; omit when the project has one text track",
    )
    style: dict[str, Any] = Field(
        max_length=40,
        description='title style fields to set on every caption, e.g. {"size": 40, "box_color": "#00000099"}',
    )


@action(
    "restyle_captions",
    "Restyle captions",
    RestyleCaptionsParams,
    needs="a text track",
    changes="the style of every title on the track",
)
def restyle_captions(project: Project, p: RestyleCaptionsParams, ctx: ActionContext) -> Plan:
    """Give every caption of a text track the same style fields (the others stay as they are)."""
    return Plan(
        restyle_commands(project, caption_track_id(project, p.track_id), p.style), title="Restyle captions"
    )
