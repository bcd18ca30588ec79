"""Structured outputs of the MCP tools: compact, flat pydantic views of the engine's model and of jobs.

Times are float seconds here (models read decimals more easily than '1001/30000'); the service layer snaps
incoming times back to the project's frame grid, so a value read from a view round-trips exactly. Job states
are the job store's, the same for renders and workflow runs in every front end.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, Field

JobKind = Literal["export", "preview", "workflow"]
JobState = Literal["queued", "running", "completed", "failed", "cancelled"]  # the job store's, for every kind


def secs(value: Fraction | float | None) -> float | None:
    return None if value is None else round(float(value), 6)


class EffectView(BaseModel):
    id: str
    kind: str
    enabled: bool = True
    params: dict[str, float | bool | str] = Field(default_factory=dict)


class ElementView(BaseModel):
    id: str
    kind: Literal["clip", "text", "adjustment"]
    track_id: str
    start: float
    end: float
    name: str = ""
    media_id: str | None = Field(None, description="clips: the media shown")
    source_in: float | None = Field(None, description="clips: media time shown at `start`")
    text: str | None = Field(None, description="text elements: the text")
    fade_in: float = 0.0
    fade_out: float = 0.0
    effects: list[EffectView] = Field(
        default_factory=list, description="applied in order (ids for effect_update)"
    )
    animated: list[str] = Field(default_factory=list, description="properties with keyframes")
    blend_mode: str = "normal"
    speed: float = 1.0
    reverse: bool = False
    freeze_frame: bool = False
    audio_muted: bool = False
    gain_db: float | None = Field(None, description="clips: sound level change, when not 0")
    pan: float | None = Field(None, description="clips: -1 left .. 1 right, when not centred")
    style: dict[str, str | float | bool] = Field(
        default_factory=dict,
        description=(
            "text elements: the style fields that differ from the defaults (animation_in/out, colours, ...)"
        ),
    )


class TransitionView(BaseModel):
    id: str
    kind: str
    from_id: str
    to_id: str
    duration: float
    alignment: str
    audio: bool = True


class TrackView(BaseModel):
    id: str
    kind: str
    name: str
    muted: bool = False
    solo: bool = False
    hidden: bool = False
    locked: bool = False
    ducked_under: str | None = Field(None, description="the track whose sound ducks this one")
    ducking: dict[str, float] = Field(
        default_factory=dict,
        description=("with ducked_under: amount_db, threshold_db, attack and release (seconds)"),
    )
    elements: list[ElementView]
    transitions: list[TransitionView] = Field(default_factory=list)


class MediaView(BaseModel):
    id: str
    name: str
    path: str = Field(description="workspace-relative when inside the workspace")
    kind: Literal["video", "audio", "image"]
    duration: float | None = Field(None, description="None for still images")
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    has_audio: bool = False
    video_codec: str | None = None
    size_bytes: int = 0
    warnings: list[str] = Field(default_factory=list)


class ProjectHeader(BaseModel):
    id: str
    name: str
    revision: int
    duration: float
    width: int
    height: int
    frame_rate: float


class ProjectSummary(ProjectHeader):
    tracks: int
    elements: int
    media: int


class ProjectList(BaseModel):
    projects: list[ProjectSummary]


class ProjectView(ProjectHeader):
    can_undo: bool
    can_redo: bool
    tracks: list[TrackView] = Field(description="bottom layer first")
    media: list[MediaView]


class EditOutcome(BaseModel):
    project_id: str
    revision: int = Field(description="the project's revision after the edit")
    label: str
    changed: list[ElementView] = Field(description="elements created or changed, as they are now")
    removed: list[str] = Field(default_factory=list, description="ids of elements that no longer exist")
    not_listed: int = Field(
        0,
        description="changed or removed elements left out of both lists (a bulk edit "
        "such as a caption import lists the first 200; project_describe "
        "shows them all)",
    )
    tracks_created: list[str] = Field(default_factory=list)
    tracks_changed: list[TrackView] = Field(
        default_factory=list, description=("track tools: the tracks as they are now (without their elements)")
    )
    duration: float = Field(description="timeline duration after the edit")
    effect_id: str | None = Field(
        None,
        description="effect tools: the effect's id (for effect_update, "
        "effect_remove and 'effects.<id>.<param>' keyframes)",
    )
    transition_id: str | None = Field(None, description="transition tools: the transition's id")
    element_id: str | None = Field(
        None, description="the element the edit created (a clip, title, held frame, detached sound...)"
    )
    marker_id: str | None = Field(None, description="marker tools: the marker's id")


class EffectParamView(BaseModel):
    name: str
    type: Literal["number", "boolean", "text"]
    default: float | bool | str
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""


class EffectKindView(BaseModel):
    kind: str = Field(description="pass to effect_add")
    label: str
    params: list[EffectParamView]


class EffectCatalogue(BaseModel):
    effects: list[EffectKindView]
    blend_modes: list[str] = Field(description="values for property_set blend_mode")
    transition_kinds: list[str]
    animatable_properties: list[str] = Field(
        description="keyframes_set paths, besides 'effects.<effect id>.<numeric param>'"
    )


class ProjectDeleted(BaseModel):
    project_id: str
    deleted: bool


class SkippedFile(BaseModel):
    path: str
    reason: str


class ImportOutcome(BaseModel):
    project_id: str
    revision: int
    imported: list[MediaView]
    skipped: list[SkippedFile] = Field(default_factory=list)


class MediaList(BaseModel):
    project_id: str
    media: list[MediaView]


class FileEntry(BaseModel):
    path: str = Field(description="pass this to media_import")
    kind: Literal["folder", "video", "audio", "image", "other"]
    size_bytes: int = 0


class FileList(BaseModel):
    folder: str
    entries: list[FileEntry]
    truncated: bool = False


class ImageInfo(BaseModel):
    """Describes the image content block returned alongside."""

    width: int
    height: int
    mime_type: str
    size_bytes: int
    time: float = Field(description="timeline (frames) or media (thumbnails) time in seconds")
    path: str | None = Field(None, description="where a copy was saved, when it was saved")


class OutputFile(BaseModel):
    uri: str = Field(description="resource URI: read it with resources/read")
    path: str
    mime_type: str
    size_bytes: int


class TimelineExport(BaseModel):
    file: OutputFile
    format: str
    warning_count: int = 0
    warnings: list[str] = Field(
        default_factory=list, description="one per element and property the format could not carry"
    )


class JobView(BaseModel):
    job_id: str
    kind: JobKind
    state: JobState
    done: bool = Field(description="true once the job completed, failed or was cancelled")
    progress: float = Field(0.0, ge=0, le=1)
    message: str = ""
    project_id: str | None = None
    workflow_id: str | None = None
    outputs: list[OutputFile] = Field(default_factory=list)
    error: str | None = None
    created_at: str = Field("", description="when the job was created (ISO 8601, UTC)")


class JobList(BaseModel):
    jobs: list[JobView]


class WorkflowHit(BaseModel):
    id: str
    title: str
    summary: str = ""
    task: str = ""
    score: float | None = None


class WorkflowSearchResult(BaseModel):
    query: str
    hits: list[WorkflowHit]


class WorkflowInputView(BaseModel):
    name: str
    type: str
    required: bool
    description: str = ""
    default: str | int | float | bool | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: list[str] = Field(default_factory=list)


class WorkflowCardView(BaseModel):
    id: str
    title: str
    summary: str = ""
    task: str = ""
    inputs: list[WorkflowInputView]
    outputs: list[str] = Field(default_factory=list)
    requirements: list[str] = Field(default_factory=list, description="models and custom nodes it needs")
    uri: str


class WorkflowValidation(BaseModel):
    workflow_id: str
    ok: bool
    server: str | None = None
    problems: list[str] = Field(default_factory=list)
