"""Caption import: a subtitle file (SRT, WebVTT) becomes caption tracks, in one undo step. The file is read
and parsed before the project is locked (a large file must not hold other clients up); the commands are
built under the lock from the project's canvas, which the caption style follows."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kijkocut.captions.cues import Cue
from kijkocut.captions.tracks import caption_commands, read_cues
from kijkocut.model import Project
from kijkocut.service.actions import ActionContext, Params, Plan, action
from kijkocut.service.errors import ServiceError
from kijkocut.service.times import TimeArg, parse_time


class ImportCaptionsParams(Params):
    path: str = Field(min_length=1, max_length=1000, description="an .srt or .vtt file")
    offset: TimeArg = Field("0", description="added to every cue (negative moves them earlier)")
    track_name: str = Field("Captions", min_length=1, max_length=120)
    overlap: Literal["trim", "stack"] = Field("trim", description="overlapping cues: trim the earlier one, or "
                                                                  "stack them on extra caption tracks")


def read_caption_file(p: ImportCaptionsParams, ctx: ActionContext) -> list[Cue]:
    cues = read_cues(ctx.path(p.path))
    if not cues:
        raise ServiceError(f"{p.path} has no captions")
    return cues


@action("import_captions", "Import captions", ImportCaptionsParams, prepare=read_caption_file,
        changes="adds caption tracks with one title per cue")
def import_captions(project: Project, p: ImportCaptionsParams, ctx: ActionContext) -> Plan:
    """Put the cues of a subtitle file on new caption tracks, styled to read on the canvas."""
    cues: list[Cue] = ctx.prepared
    offset = parse_time(p.offset, project.settings.frame_rate, what="offset")
    return Plan(caption_commands(project.settings, cues, track_name=p.track_name, offset=offset, overlap=p.overlap),
                title=f"Import {len(cues)} captions")
