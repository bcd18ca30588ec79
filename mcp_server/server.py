"""Builds the MCP server: tools, resources and prompts over the service layer (a thin facade — every tool
body is one service call plus the shape of its result).

Input schemas stay flat for clients that sanitise them (Gemini CLI drops `$ref`/`$defs` and copes badly with
`anyOf`): scalar parameters only, enums inline, optional values published as their plain type.
"""

from __future__ import annotations

import base64
import functools
import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp_types import CallToolResult, ImageContent, ResourceLink, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError, WithJsonSchema

import kijkocut
from kijkocut import limits
from kijkocut.errors import KijkoCutError
from kijkocut.json_input import nested_deeper_than, too_deep_message
from kijkocut.model import TRANSITION_KINDS, TextAnimationKind, TransitionKind
from kijkocut.project_io import project_to_json
from kijkocut.render.presets import AUDIO_ENCODERS, PRESETS, AudioCodec
from mcp_server import editing, effects, interchange, media, prompts, renders
from mcp_server.errors import ServiceError
from mcp_server.schemas import (
    EditOutcome,
    EffectCatalogue,
    FileList,
    ImageInfo,
    ImportOutcome,
    JobList,
    JobView,
    KeyframeInput,
    MediaList,
    OutputFile,
    ProjectDeleted,
    ProjectList,
    ProjectSummary,
    ProjectView,
    WorkflowCardView,
    WorkflowSearchResult,
    WorkflowValidation,
)
from mcp_server.services import Services
from mcp_server.views import project_summary, project_view
from workflows_library.errors import WorkflowLibraryError

INSTRUCTIONS = """KijkoCut edits videos on a multi-track timeline and runs ComfyUI generation workflows.
Typical flow: files_list → project_create → media_import → clip_add / text_add / transition_add →
effect_add / keyframes_set / animation_preset_apply / speed_set → frame_render to look → export_start →
job_wait until done. effect_list shows the effects with their parameters, the transition kinds and what can
be animated. Times are seconds (decimals are fine; they are snapped to the project's frames). Every edit
returns the changed elements and the new revision; project_undo reverts the last edit (one tool call is one
undo step). Long work (exports, previews, workflows) returns a job: call job_wait again while
`done` is false."""

# Clients time a call out at about 60 s; waits stay well below that and hand back the job to poll again.
MAX_WAIT_SECONDS = 45
RESOURCE_MAX_BYTES = 25 * 1024 * 1024
EXPECTED_ERRORS = (ServiceError, KijkoCutError, WorkflowLibraryError, ValidationError, ValueError, OSError)

# --- parameter types --------------------------------------------------------------------------------------

ProjectId = Annotated[str, Field(min_length=1, max_length=64, description="project id, e.g. 'prj_0123456789'")]
ElementId = Annotated[str, Field(min_length=1, max_length=64, description="element id from project_describe")]
Seconds = Annotated[float, Field(ge=0, le=86_400)]
Mode = Annotated[Literal["overwrite", "insert", "strict"],
                 Field(description="overwrite what is there, insert (push later elements right), or strict "
                                   "(fail if it would overlap)")]
# Optional values publish their plain type (no anyOf-with-null) and are simply omitted by the caller.
OptSeconds = Annotated[float | None, Field(ge=0, le=86_400), WithJsonSchema({"type": "number", "minimum": 0})]
OptNumber = Annotated[float | None, WithJsonSchema({"type": "number"})]
OptId = Annotated[str | None, Field(max_length=64), WithJsonSchema({"type": "string"})]
OptName = Annotated[str | None, Field(max_length=120), WithJsonSchema({"type": "string"})]
OptBool = Annotated[bool | None, WithJsonSchema({"type": "boolean"})]
OptIndex = Annotated[int | None, Field(ge=0, le=100), WithJsonSchema({"type": "integer", "minimum": 0})]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$", description="'#rrggbb' or '#rrggbbaa'")]
OptColour = Annotated[str | None, Field(pattern=r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$"),
                      WithJsonSchema({"type": "string", "description": "'#rrggbb' or '#rrggbbaa'"})]
TextAnimation = Annotated[TextAnimationKind, Field(description="how the title enters or leaves")]
TransitionChoice = Annotated[TransitionKind, Field(description="crossfade, dip_to_black/white, wipe_*, slide_*, push_* "
                                                         "(left/right/up/down), zoom_in/out, iris, blur_dissolve")]
TransitionId = Annotated[str, Field(min_length=1, max_length=64, description="transition id from transition_add "
                                                                             "or project_describe")]
EffectParams = Annotated[dict[str, Any], Field(description="parameter name → value, as listed by effect_list; "
                                                           "omitted parameters keep their defaults")]
KEYFRAMES_SCHEMA = {"type": "array", "minItems": 0, "items": {
    "type": "object", "required": ["time", "value"], "properties": {
        "time": {"type": "number", "minimum": 0, "description": "seconds from the element's start"},
        "value": {"type": "number"},
        "interpolation": {"type": "string", "enum": ["linear", "hold", "bezier", "ease_in", "ease_out",
                                                     "ease_in_out"], "default": "linear"},
        "bezier": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4,
                   "description": "x1, y1, x2, y2 for 'bezier' (CSS cubic-bezier)"}}}}
WaitSeconds = Annotated[float, Field(ge=0, le=MAX_WAIT_SECONDS,
                                     description=f"how long to wait for the job (max {MAX_WAIT_SECONDS} s); "
                                                 f"returns early when it finishes")]

PRESET_HELP = (f"one of: {', '.join(sorted(PRESETS))}. tiktok/reels/shorts are 1080x1920 vertical (cropped to "
               f"fill); default keeps the canvas size")

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
EDIT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
EDIT_IDEMPOTENT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                  open_world_hint=False)
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                              open_world_hint=False)

LOCAL_JOB_PREFIXES = ("exp_", "pre_")
F = TypeVar("F", bound=Callable[..., Any])


def check_nesting(arguments: dict[str, Any]) -> None:
    """Free-form arguments (effect params, lists) nested deeper than any property is refused before a recursive
    merge or serializer meets them."""
    for name, value in arguments.items():
        if isinstance(value, (dict, list)) and nested_deeper_than(value, limits.MAX_ARGUMENT_DEPTH):
            raise ToolError(too_deep_message(name, limits.MAX_ARGUMENT_DEPTH))


def tool_errors(fn: F) -> F:
    """Turn anticipated failures into tool errors the model reads (the SDK would hide them as crashes)."""
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            check_nesting(kwargs)
            try:
                return await fn(*args, **kwargs)
            except EXPECTED_ERRORS as exc:
                raise ToolError(str(exc)) from exc
        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_nesting(kwargs)
        try:
            return fn(*args, **kwargs)
        except EXPECTED_ERRORS as exc:
            raise ToolError(str(exc)) from exc
    return wrapper  # type: ignore[return-value]


def structured(model: BaseModel, *extra: Any) -> CallToolResult:
    """A result carrying the model as structured content, its JSON as text (for clients that only read
    text), and any extra content blocks (images, resource links)."""
    text = TextContent(type="text", text=model.model_dump_json(exclude_defaults=True))
    return CallToolResult(content=[text, *extra], structured_content=model.model_dump(mode="json"))


def image_result(data: bytes, info: ImageInfo) -> CallToolResult:
    image = ImageContent(type="image", data=base64.b64encode(data).decode("ascii"), mime_type=info.mime_type)
    return structured(info, image)


def job_result(view: JobView) -> CallToolResult:
    links = [ResourceLink(type="resource_link", uri=out.uri, name=Path(out.path).name, mime_type=out.mime_type,
                          size=out.size_bytes, description=f"{view.kind} output") for out in view.outputs]
    return structured(view, *links)


def build_server(services: Services, *, log_level: str = "WARNING", **auth: Any) -> MCPServer:
    """`auth`: `token_verifier` and `auth` (AuthSettings) for HTTP; stdio and in-process need none."""
    sessions = [0]

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[None]:
        # Entered per in-process connection and once for HTTP; the workflow runner's HTTP sessions and tasks
        # belong to this event loop, so the last one out closes them.
        sessions[0] += 1
        try:
            yield None
        finally:
            sessions[0] -= 1
            if not sessions[0] and services.workflows_started:
                await services.workflows.aclose()

    server = MCPServer("kijkocut", title="KijkoCut video editor", instructions=INSTRUCTIONS, version=kijkocut.__version__,
                       log_level=log_level, lifespan=lifespan, **auth)  # type: ignore[arg-type]
    ws, store, jobs = services.workspace, services.projects, services.jobs

    def tool(annotations: ToolAnnotations, title: str) -> Callable[[F], F]:
        def register(fn: F) -> F:
            server.add_tool(tool_errors(fn), title=title, annotations=annotations)
            return fn
        return register

    # --- projects ---------------------------------------------------------------------------------------

    @tool(EDIT, "Create project")
    def project_create(
        name: Annotated[str, Field(min_length=1, max_length=120)] = "Untitled",
        width: Annotated[int, Field(ge=16, le=8192, description="canvas width in pixels (even)")] = 1920,
        height: Annotated[int, Field(ge=16, le=8192, description="canvas height in pixels (even); "
                                                                 "1080x1920 for vertical video")] = 1080,
        frame_rate: Annotated[float, Field(gt=0, le=240, description="frames per second; 29.97 and 23.976 "
                                                                      "map to their exact NTSC rates")] = 30,
    ) -> ProjectSummary:
        """Create an empty project (a timeline with a canvas size and frame rate) and return its id."""
        return project_summary(store.create(name, width, height, str(frame_rate)))

    @tool(READ_ONLY, "List projects")
    def project_list() -> ProjectList:
        """List the projects in the workspace with their size and duration."""
        return ProjectList(projects=[project_summary(p) for p in store.list()])

    @tool(READ_ONLY, "Describe project")
    def project_describe(project_id: ProjectId) -> ProjectView:
        """Open a project: its tracks (bottom layer first) with their elements and transitions, its media
        pool, duration, revision and whether undo/redo are possible."""
        with store.read(project_id) as project:
            return project_view(project, ws)

    @tool(DESTRUCTIVE, "Delete project")
    def project_delete(project_id: ProjectId) -> ProjectDeleted:
        """Delete a project file and its folder. Media files and finished renders are kept. Cannot be undone."""
        store.delete(project_id)
        return ProjectDeleted(project_id=project_id, deleted=True)

    @tool(EDIT, "Undo")
    def project_undo(project_id: ProjectId) -> EditOutcome:
        """Undo the project's last edit; returns what changed back."""
        return editing.undo(store, project_id)

    @tool(EDIT, "Redo")
    def project_redo(project_id: ProjectId) -> EditOutcome:
        """Redo the last undone edit."""
        return editing.redo(store, project_id)

    # --- media ------------------------------------------------------------------------------------------

    @tool(READ_ONLY, "List files")
    def files_list(
        folder: Annotated[str, Field(max_length=1000, description="workspace-relative folder or an allowed "
                                                                   "absolute folder; empty = workspace root "
                                                                   "and the allowed media folders")] = "",
    ) -> FileList:
        """List sub-folders and media files (video, audio, images) in a folder the server may read."""
        return media.browse(ws, folder)

    @tool(EDIT_IDEMPOTENT, "Import media")
    def media_import(
        project_id: ProjectId,
        path: Annotated[str, Field(min_length=1, max_length=1000, description="a media file or a folder (its "
                                                                               "media files are imported)")],
    ) -> ImportOutcome:
        """Probe media files and add them to the project's media pool (not yet to the timeline; use clip_add).
        Files already in the pool are not added twice; unreadable files are listed under `skipped`."""
        return media.import_path(store, ws, project_id, path)

    @tool(READ_ONLY, "List media")
    def media_list(project_id: ProjectId) -> MediaList:
        """List the project's media pool with probe info (kind, duration, size, frame rate, audio)."""
        return media.list_media(store, ws, project_id)

    @tool(READ_ONLY, "Media thumbnail")
    def media_thumbnail(
        project_id: ProjectId,
        media_id: Annotated[str, Field(min_length=1, max_length=64)],
        time: Annotated[Seconds, Field(description="media time in seconds")] = 0.0,
        width: Annotated[int, Field(ge=32, le=640)] = 320,
    ) -> Annotated[CallToolResult, ImageInfo]:
        """A small JPEG of a video or image in the media pool at a media time."""
        return image_result(*renders.thumbnail(store, project_id, media_id, time, width))

    # --- editing ----------------------------------------------------------------------------------------

    @tool(EDIT, "Add track")
    def track_add(
        project_id: ProjectId,
        kind: Annotated[Literal["video", "overlay", "text", "audio", "adjustment"],
                        Field(description="overlay = picture-in-picture layer above video; adjustment = holds "
                                          "adjustment layers (adjustment_add) whose effects change everything "
                                          "beneath")],
        name: Annotated[str, Field(max_length=120)] = "",
    ) -> EditOutcome:
        """Add a track on top of the others. clip_add and text_add create a fitting track when none exists."""
        return editing.add_track(store, project_id, kind, name)

    @tool(EDIT, "Add clip")
    def clip_add(
        project_id: ProjectId,
        media_id: Annotated[str, Field(min_length=1, max_length=64, description="from media_import")],
        track_id: Annotated[OptId, Field(description="omit: the first video track (audio track for "
                                                     "audio files), created if needed")] = None,
        start: Annotated[OptSeconds, Field(description="timeline position; omit to append after the last "
                                                       "element of the track")] = None,
        source_in: Annotated[Seconds, Field(description="media time where the clip starts")] = 0.0,
        duration: Annotated[OptSeconds, Field(description="length; omit for the rest of the media (5 s for "
                                                          "images)")] = None,
        mode: Mode = "overwrite",
        new_track: Annotated[bool, Field(description="put the clip on a new track on top (picture-in-picture "
                                                     "overlay), created in the same undo step")] = False,
    ) -> EditOutcome:
        """Put a piece of a media file on the timeline."""
        return editing.add_clip(store, project_id, media_id, track_id=track_id, start=start, source_in=source_in,
                                duration=duration, mode=mode, new_track=new_track)

    @tool(EDIT, "Add text")
    def text_add(
        project_id: ProjectId,
        text: Annotated[str, Field(min_length=1, max_length=2000)],
        start: Seconds,
        duration: Annotated[float, Field(gt=0, le=86_400)],
        track_id: Annotated[OptId, Field(description="omit: the first text track, created if needed")] = None,
        size: Annotated[int, Field(ge=4, le=1000, description="pixels at canvas resolution")] = 96,
        color: Colour = "#ffffff",
        x: Annotated[OptNumber, Field(description="centre x in canvas pixels; omit to centre")] = None,
        y: Annotated[OptNumber, Field(description="centre y in canvas pixels; omit to centre")] = None,
        fade_in: Seconds = 0.0,
        fade_out: Seconds = 0.0,
        font: Annotated[OptName, Field(description="font file or family name; omit for the bundled font")] = None,
        align: Literal["left", "center", "right"] = "center",
        weight: Literal["normal", "bold"] = "normal",
        italic: bool = False,
        stroke_width: Annotated[int, Field(ge=0, le=100, description="outline width in pixels")] = 0,
        stroke_color: Colour = "#000000",
        shadow_color: Annotated[OptColour, Field(description="drop shadow colour; omit for none")] = None,
        box_color: Annotated[OptColour, Field(description="background box colour ('#00000099' is translucent "
                                                          "black); omit for none")] = None,
        max_width: Annotated[int | None, Field(ge=16, le=8192), WithJsonSchema({"type": "integer", "minimum": 16}),
                             Field(description="wrap lines to this width in canvas pixels")] = None,
        animation_in: TextAnimation = "none",
        animation_out: TextAnimation = "none",
        animation_duration: Annotated[float, Field(gt=0, le=60, description="seconds of each animation")] = 0.5,
    ) -> EditOutcome:
        """Add a title or caption over the video, optionally styled (outline, shadow, background box, wrapping)
        and animated in/out (fade, typewriter, slide_*). property_set changes any style field later
        (style.letter_spacing, style.line_spacing, style.shadow_offset_x, style.box_padding, ...)."""
        return editing.add_text(store, project_id, text, start=start, duration=duration, track_id=track_id,
                                fade_in=fade_in, fade_out=fade_out, size=size, color=color, x=x, y=y, font=font,
                                align=align, weight=weight, italic=italic, stroke_width=stroke_width,
                                stroke_color=stroke_color, shadow_color=shadow_color, box_color=box_color,
                                max_width=max_width, animation_in=animation_in, animation_out=animation_out,
                                animation_duration=animation_duration)

    @tool(EDIT, "Add adjustment layer")
    def adjustment_add(
        project_id: ProjectId,
        start: Seconds,
        duration: Annotated[float, Field(gt=0, le=86_400)],
        track_id: Annotated[OptId, Field(description="omit: the first adjustment track, created on top if "
                                                     "needed")] = None,
    ) -> EditOutcome:
        """Add an adjustment layer: an empty element whose effects (effect_add) apply to every track beneath
        it while it lasts, e.g. one colour grade over several clips."""
        return editing.add_adjustment(store, project_id, start=start, duration=duration, track_id=track_id)

    @tool(EDIT_IDEMPOTENT, "Move element")
    def element_move(
        project_id: ProjectId, element_id: ElementId,
        start: Annotated[Seconds, Field(description="new timeline start")],
        track_id: Annotated[OptId, Field(description="destination track; omit to stay on the same one")] = None,
        mode: Mode = "overwrite",
    ) -> EditOutcome:
        """Move an element to a new start time, optionally onto another track."""
        return editing.move(store, project_id, element_id, start, track_id=track_id, mode=mode)

    @tool(EDIT_IDEMPOTENT, "Trim element")
    def element_trim(
        project_id: ProjectId, element_id: ElementId,
        edge: Annotated[Literal["start", "end"], Field(description="which edge to move")],
        to: Annotated[Seconds, Field(description="new timeline time of that edge")],
    ) -> EditOutcome:
        """Trim (or extend) an element's start or end edge; the other edge stays where it is."""
        return editing.trim(store, project_id, element_id, edge, to)

    @tool(EDIT, "Split element")
    def element_split(
        project_id: ProjectId, element_id: ElementId,
        at: Annotated[Seconds, Field(description="timeline time strictly inside the element")],
    ) -> EditOutcome:
        """Cut an element in two at a timeline time; returns both pieces."""
        return editing.split(store, project_id, element_id, at)

    @tool(ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                          open_world_hint=False), "Delete element")
    def element_delete(
        project_id: ProjectId, element_id: ElementId,
        ripple: Annotated[bool, Field(description="close the gap by pulling later elements left")] = True,
        all_tracks: Annotated[bool, Field(description="with ripple: shift the other tracks too")] = False,
    ) -> EditOutcome:
        """Remove an element from the timeline (ripple delete by default). project_undo brings it back."""
        return editing.delete(store, project_id, element_id, ripple=ripple, all_tracks=all_tracks)

    @tool(EDIT, "Add transition")
    def transition_add(
        project_id: ProjectId,
        from_element_id: ElementId,
        to_element_id: Annotated[str, Field(min_length=1, max_length=64, description="the element that starts "
                                                                                     "where the first ends")],
        kind: TransitionChoice = "crossfade",
        duration: Annotated[float, Field(gt=0, le=60)] = 1.0,
        alignment: Annotated[Literal["center", "start", "end"],
                             Field(description="centred on the cut, starting at it, or ending at it")] = "center",
        audio: Annotated[bool, Field(description="crossfade the sound too (false: hard audio cut)")] = True,
    ) -> EditOutcome:
        """Blend two clips that meet at a cut on the same track (crossfade, wipe, slide, push, zoom, iris...).
        The clips need unused media beyond the cut (handles); if the error says there is not enough, trim the
        clips or shorten the transition. Replaces a transition already at that cut."""
        return editing.add_transition(store, project_id, from_element_id, to_element_id, kind=kind,
                                      duration=duration, alignment=alignment, audio=audio)

    @tool(EDIT_IDEMPOTENT, "Change transition")
    def transition_update(
        project_id: ProjectId, transition_id: TransitionId,
        kind: Annotated[TransitionKind | None, WithJsonSchema({"type": "string", "enum": list(TRANSITION_KINDS)}),
                        Field(description="new kind; omit to keep")] = None,
        duration: Annotated[float | None, Field(gt=0, le=60), WithJsonSchema({"type": "number"}),
                            Field(description="seconds; omit to keep")] = None,
        alignment: Annotated[Literal["center", "start", "end"] | None,
                             WithJsonSchema({"type": "string", "enum": ["center", "start", "end"]})] = None,
        audio: Annotated[OptBool, Field(description="crossfade the sound too; omit to keep")] = None,
    ) -> EditOutcome:
        """Change a transition's kind, duration, alignment or audio crossfade."""
        return editing.update_transition(store, project_id, transition_id, kind=kind, duration=duration,
                                         alignment=alignment, audio=audio)

    @tool(EDIT_IDEMPOTENT, "Set property")
    def property_set(
        project_id: ProjectId, element_id: ElementId,
        property: Annotated[str, Field(min_length=1, max_length=100, description=(
            "dotted field name: any element: fade_in, fade_out, name, blend_mode (normal|add|multiply|screen|"
            "overlay|darken|lighten|difference); clips: transform.x, transform.y, transform.scale, "
            "transform.rotation, transform.opacity, transform.fit (contain|cover|stretch|none), transform.crop.left "
            "(and top/right/bottom, fractions), gain_db, pan (-1..1), audio_muted, frame_sampling (nearest|blend); "
            "text: text, style.<field> (size, color, x, y, align, font, weight, italic, stroke_width, stroke_color, "
            "shadow_color, shadow_offset_x, shadow_offset_y, shadow_blur, box_color, box_padding, box_radius, "
            "line_spacing, letter_spacing, max_width, animation_in, animation_out, animation_duration)"))],
        value: Annotated[str, Field(max_length=2000, description="JSON value ('0.5', 'true', '\"cover\"', 'null'); "
                                                                 "plain text is taken as a string")],
    ) -> EditOutcome:
        """Change one property of an element."""
        return editing.set_property(store, project_id, element_id, property, value)

    @tool(READ_ONLY, "List effects")
    def effect_list() -> EffectCatalogue:
        """The effect catalogue (every effect with its parameters, defaults and ranges), the blend modes, the
        transition kinds and the animatable properties."""
        return effects.catalogue()

    @tool(EDIT, "Add effect")
    def effect_add(
        project_id: ProjectId, element_id: ElementId,
        kind: Annotated[str, Field(min_length=1, max_length=40, description="effect kind from effect_list, e.g. "
                                                                            "'gaussian_blur', 'invert', 'sepia'")],
        params: EffectParams = {},  # noqa: B006  (never mutated; an empty object means all defaults)
        index: Annotated[OptIndex, Field(description="position in the element's effect stack; omit to add on "
                                                     "top (applied last)")] = None,
    ) -> EditOutcome:
        """Add an effect to a clip, text or adjustment element; returns its effect_id. Effects on an element
        of an adjustment track apply to everything beneath it."""
        return effects.add_effect(store, project_id, element_id, kind, params, index=index)

    @tool(EDIT_IDEMPOTENT, "Change effect")
    def effect_update(
        project_id: ProjectId, element_id: ElementId,
        effect_id: Annotated[str, Field(min_length=1, max_length=64, description="from effect_add or the "
                                                                                 "element's effects")],
        params: EffectParams = {},  # noqa: B006
        enabled: Annotated[OptBool, Field(description="switch the effect off or on; omit to keep")] = None,
        index: Annotated[OptIndex, Field(description="move to this position in the stack")] = None,
    ) -> EditOutcome:
        """Change an effect's parameters, switch it off or on, or reorder it."""
        return effects.update_effect(store, project_id, element_id, effect_id, params, enabled=enabled, index=index)

    @tool(ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                          open_world_hint=False), "Remove effect")
    def effect_remove(
        project_id: ProjectId, element_id: ElementId,
        effect_id: Annotated[str, Field(min_length=1, max_length=64)],
    ) -> EditOutcome:
        """Remove an effect (and its keyframes) from an element. project_undo brings it back."""
        return effects.remove_effect(store, project_id, element_id, effect_id)

    @tool(EDIT_IDEMPOTENT, "Set keyframes")
    def keyframes_set(
        project_id: ProjectId, element_id: ElementId,
        property: Annotated[str, Field(min_length=1, max_length=120, description=(
            "what to animate: transform.x/y/scale/rotation/opacity, transform.crop.*, gain_db, pan (clips); "
            "style.size/x/y/opacity/letter_spacing (text); effects.<effect id>.<numeric param>"))],
        keyframes: Annotated[list[KeyframeInput], WithJsonSchema(KEYFRAMES_SCHEMA),
                             Field(max_length=500, description="times from the element's start; an empty list "
                                                               "removes the animation")],
    ) -> EditOutcome:
        """Animate one property of an element with keyframes (replacing any it had). Values between keyframes
        follow each keyframe's interpolation."""
        return effects.set_keyframes(store, project_id, element_id, property, keyframes)

    @tool(EDIT_IDEMPOTENT, "Apply animation preset")
    def animation_preset_apply(
        project_id: ProjectId, element_id: ElementId,
        preset: Annotated[Literal["ken_burns", "pop_in", "slide_in", "fade"],
                          Field(description="ken_burns: slow zoom and pan over a clip or still; pop_in: scale up "
                                            "with overshoot; slide_in: enter from a side; fade: opacity in (and "
                                            "out)")],
        direction: Annotated[Literal["left", "right", "up", "down"],
                             Field(description="ken_burns pan / slide_in entry side")] = "left",
        zoom: Annotated[float, Field(ge=1, le=4, description="ken_burns: end scale relative to the start")] = 1.2,
        duration: Annotated[OptSeconds, Field(description="pop_in/slide_in/fade: seconds (omit for 0.5)")] = None,
    ) -> EditOutcome:
        """Add ready-made keyframes to a clip or title (replaces keyframes of the properties it animates)."""
        return effects.apply_preset(store, project_id, element_id, preset, direction=direction, zoom=zoom,
                                    duration=duration)

    @tool(EDIT_IDEMPOTENT, "Set speed")
    def speed_set(
        project_id: ProjectId, element_id: ElementId,
        speed: Annotated[float, Field(ge=0.1, le=10, description="0.5 = half speed (slow motion), 2 = double")],
        reverse: Annotated[OptBool, Field(description="play backwards; omit to keep")] = None,
        preserve_pitch: Annotated[OptBool, Field(description="keep the voice pitch at other speeds; omit to "
                                                             "keep")] = None,
        ripple: Annotated[bool, Field(description="move later elements on the track with the new end")] = True,
    ) -> EditOutcome:
        """Change a clip's playback speed (and direction). It keeps the same media, so the clip gets longer or
        shorter on the timeline."""
        return editing.set_speed(store, project_id, element_id, speed, reverse=reverse,
                                 preserve_pitch=preserve_pitch, ripple=ripple)

    @tool(EDIT, "Freeze frame")
    def freeze_frame(
        project_id: ProjectId, element_id: ElementId,
        at: Annotated[Seconds, Field(description="timeline time inside the clip")],
        duration: Annotated[float, Field(gt=0, le=3600, description="seconds to hold the frame")] = 2.0,
    ) -> EditOutcome:
        """Hold the frame shown at a time for a while, inserted there (the rest of the clip moves later)."""
        return editing.freeze_frame(store, project_id, element_id, at, duration)

    @tool(EDIT, "Detach audio")
    def audio_detach(
        project_id: ProjectId, element_id: ElementId,
        track_id: Annotated[OptId, Field(description="audio track to receive the sound; omit for a new one")] = None,
    ) -> EditOutcome:
        """Move a video clip's sound to its own clip on an audio track (the video clip is muted), to edit the
        sound separately."""
        return editing.detach_audio(store, project_id, element_id, track_id)

    @tool(EDIT_IDEMPOTENT, "Change track")
    def track_update(
        project_id: ProjectId,
        track_id: Annotated[str, Field(min_length=1, max_length=64, description="track id from project_describe")],
        name: OptName = None,
        muted: OptBool = None,
        solo: Annotated[OptBool, Field(description="hear only solo tracks")] = None,
        hidden: Annotated[OptBool, Field(description="leave the track out of the picture")] = None,
        locked: Annotated[OptBool, Field(description="refuse edits on the track")] = None,
        ducking_under_track_id: Annotated[OptId, Field(description="lower this track (music) while that track "
                                                                   "(voice) is audible")] = None,
        ducking_amount_db: Annotated[float, Field(ge=-60, le=0, description="how far to lower it")] = -12.0,
        ducking_off: Annotated[bool, Field(description="stop ducking this track")] = False,
    ) -> EditOutcome:
        """Mute, solo, hide, lock or rename a track, or make it duck under a voice track. Omitted values stay."""
        return editing.update_track(store, project_id, track_id, name=name, muted=muted, solo=solo, hidden=hidden,
                                    locked=locked, ducking_under=ducking_under_track_id,
                                    ducking_amount_db=ducking_amount_db, clear_ducking=ducking_off)

    # --- captions and timeline interchange ----------------------------------------------------------------

    @tool(EDIT, "Import captions")
    def captions_import(
        project_id: ProjectId,
        path: Annotated[str, Field(min_length=1, max_length=1000, description="an .srt or .vtt file "
                                                                               "(workspace-relative or allowed)")],
        offset: Annotated[float, Field(ge=-86_400, le=86_400, description="seconds added to every cue")] = 0.0,
        track_name: Annotated[str, Field(min_length=1, max_length=120)] = "Captions",
        overlap: Annotated[Literal["trim", "stack"], Field(description="overlapping cues: trim (one line at a "
                                                                       "time) or stack (extra caption tracks)")]
        = "trim",
    ) -> EditOutcome:
        """Put a subtitle file on the timeline as a caption track (styled text on a box near the bottom; one
        undo step). Restyle the captions with property_set on style fields."""
        return interchange.import_captions(store, ws, project_id, path, offset=offset, track_name=track_name,
                                           overlap=overlap)

    @tool(ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                          open_world_hint=False), "Export captions")
    def captions_export(
        project_id: ProjectId,
        track_id: Annotated[str, Field(min_length=1, max_length=64, description="a text (caption) track")],
        format: Annotated[Literal["srt", "vtt"], Field(description="SubRip or WebVTT")] = "srt",
        file_name: Annotated[OptName, Field(description="file name in renders/<project>/; omit for the project "
                                                        "name; an existing file is replaced")] = None,
    ) -> OutputFile:
        """Write a text track's captions as an SRT or WebVTT file (for upload next to the video)."""
        return interchange.export_caption_track(store, ws, project_id, track_id, format, file_name)

    @tool(ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                          open_world_hint=False), "Export timeline (OTIO)")
    def otio_export(
        project_id: ProjectId,
        format: Annotated[Literal["otio", "xml", "edl"], Field(description="otio (OpenTimelineIO); xml (Final "
                                                                           "Cut XML) and edl need their OTIO "
                                                                           "adapters installed")] = "otio",
        file_name: Annotated[OptName, Field(description="file name in renders/<project>/; omit for the project "
                                                        "name; an existing file is replaced")] = None,
    ) -> OutputFile:
        """Write the timeline for another editor (DaVinci Resolve, Premiere, Final Cut, ...) via
        OpenTimelineIO. Effects, keyframes and titles survive only a round trip back into KijkoCut."""
        return interchange.export_timeline(store, ws, project_id, format, file_name)

    @tool(EDIT, "Import timeline (OTIO)")
    def otio_import(
        path: Annotated[str, Field(min_length=1, max_length=1000, description="an .otio (or .xml/.edl with "
                                                                               "adapters) file")],
        missing_media: Annotated[Literal["error", "offline"],
                                 Field(description="media files that are not found: fail, or keep them as "
                                                   "offline clips")] = "error",
    ) -> ProjectSummary:
        """Create a new project from a timeline file exported by another editor (or by otio_export)."""
        return interchange.import_timeline(store, ws, path, missing_media=missing_media)

    # --- preview and export -----------------------------------------------------------------------------

    @tool(READ_ONLY, "Render frame")
    def frame_render(
        project_id: ProjectId,
        time: Annotated[Seconds, Field(description="timeline time")],
        width: Annotated[int, Field(ge=32, le=960)] = 480,
    ) -> Annotated[CallToolResult, ImageInfo]:
        """Render the timeline at one time as a small JPEG, to check a composition."""
        return image_result(*renders.frame(store, project_id, time, width))

    async def wait_for(job_id: str, seconds: float, ctx: Context) -> JobView:
        """Poll a job until it finishes or the bounded wait ends, sending progress notifications."""
        deadline = anyio.current_time() + seconds
        last: tuple[float, str] | None = None
        while True:
            view = await anyio.to_thread.run_sync(job_view, job_id)
            if (view.progress, view.message) != last:
                last = (view.progress, view.message)
                await ctx.report_progress(view.progress, 1.0, view.message or view.state)
            if view.done or anyio.current_time() >= deadline:
                return view
            await anyio.sleep(min(0.25, max(0.0, deadline - anyio.current_time())))

    @tool(EDIT_IDEMPOTENT, "Render preview")
    async def preview_render(
        project_id: ProjectId, ctx: Context,
        start: Annotated[OptSeconds, Field(description="range start; omit for 0")] = None,
        end: Annotated[OptSeconds, Field(description="range end; omit for the end of the timeline")] = None,
        width: Annotated[int, Field(ge=64, le=854)] = renders.PREVIEW_WIDTH,
        wait_seconds: WaitSeconds = 30,
    ) -> Annotated[CallToolResult, JobView]:
        """Render a low-resolution MP4 preview of a range (at most 2 minutes) into the workspace. Waits up to
        wait_seconds; the result links the file, or is a job to pass to job_wait if it is not done yet."""
        job = await anyio.to_thread.run_sync(
            lambda: renders.start_preview(store, ws, jobs, project_id, start, end, width))
        return job_result(await wait_for(job.id, wait_seconds, ctx))

    @tool(ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                          open_world_hint=False), "Start export")
    async def export_start(
        project_id: ProjectId, ctx: Context,
        preset: Annotated[str, Field(min_length=1, max_length=40, description=PRESET_HELP)] = "default",
        container: Annotated[Literal["mp4", "mov", "mkv", "webm", "gif"] | None,
                             WithJsonSchema({"type": "string", "enum": ["mp4", "mov", "mkv", "webm", "gif"]}),
                             Field(description="file format; omit for the preset's")] = None,
        start: Annotated[OptSeconds, Field(description="range start; omit for 0")] = None,
        end: Annotated[OptSeconds, Field(description="range end; omit for the end of the timeline")] = None,
        file_name: Annotated[OptName, Field(description="output file name in renders/<project>/; omit for "
                                                        "<project>_<preset>; an existing file is replaced")] = None,
        wait_seconds: Annotated[float, Field(ge=0, le=MAX_WAIT_SECONDS, description="optionally wait for the "
                                             "export, with progress notifications")] = 0,
        loudness_lufs: Annotated[float | None, Field(ge=-70, le=-1), WithJsonSchema({"type": "number"}),
                                 Field(description="normalise the mix to this loudness: -14 for web/social, "
                                                   "-23 broadcast; omit to keep the mix as it is")] = None,
        limiter_ceiling_db: Annotated[float | None, Field(ge=-20, le=0), WithJsonSchema({"type": "number"}),
                                      Field(description="true-peak limiter ceiling in dBTP; omit for the "
                                                        "default (-1)")] = None,
        audio_codec: Annotated[AudioCodec | None, WithJsonSchema({"type": "string", "enum": list(AUDIO_ENCODERS)}),
                               Field(description="audio codec; flac (mkv, mp4) and pcm (mov, mkv) are lossless; "
                                                 "omit for the preset's")] = None,
    ) -> Annotated[CallToolResult, JobView]:
        """Start exporting the timeline to a video file. Returns a job at once (or after wait_seconds); follow
        it with job_wait. The finished job links the file as a resource and its message gives the measured
        loudness and true peak."""
        audio = {name: value for name, value in (("loudness_lufs", loudness_lufs),
                                                 ("limiter_ceiling_db", limiter_ceiling_db),
                                                 ("audio_codec", audio_codec)) if value is not None}
        job = await anyio.to_thread.run_sync(lambda: renders.start_export(
            store, ws, jobs, project_id, preset, container=container, start=start, end=end, file_name=file_name,
            **audio))
        return job_result(await wait_for(job.id, wait_seconds, ctx) if wait_seconds else job.view())

    # --- jobs (renders here, workflow runs on ComfyUI) --------------------------------------------------

    def job_view(job_id: str) -> JobView:
        if jobs.owns(job_id):
            return jobs.get(job_id).view()
        if job_id.startswith(LOCAL_JOB_PREFIXES):
            return jobs.get(job_id).view()  # raises the clear unknown-job error
        return services.workflows.job_status(job_id)

    @tool(READ_ONLY, "Job status")
    def job_status(job_id: Annotated[str, Field(min_length=1, max_length=80)]) -> Annotated[CallToolResult, JobView]:
        """State, progress and outputs of an export, preview or workflow job."""
        return job_result(job_view(job_id))

    @tool(READ_ONLY, "Wait for job")
    async def job_wait(
        job_id: Annotated[str, Field(min_length=1, max_length=80)], ctx: Context,
        timeout_seconds: WaitSeconds = 30,
    ) -> Annotated[CallToolResult, JobView]:
        """Wait for a job with progress notifications. Returns when it finishes or after timeout_seconds
        (check `done`; call again to keep waiting)."""
        if not (jobs.owns(job_id) or job_id.startswith(LOCAL_JOB_PREFIXES)):
            await services.workflows.runner()  # a job from an earlier session resumes once the runner runs
        return job_result(await wait_for(job_id, timeout_seconds, ctx))

    @tool(ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                          open_world_hint=True), "Cancel job")
    async def job_cancel(job_id: Annotated[str, Field(min_length=1, max_length=80)]) -> Annotated[CallToolResult,
                                                                                                   JobView]:
        """Cancel a queued or running job (on ComfyUI too); a cancelled export leaves no partial file."""
        if jobs.owns(job_id) or job_id.startswith(LOCAL_JOB_PREFIXES):
            return job_result(jobs.cancel(job_id).view())
        return job_result(await services.workflows.cancel(job_id))

    @tool(READ_ONLY, "List jobs")
    def job_list() -> JobList:
        """Export and preview jobs of this session, oldest first, and known workflow jobs."""
        views = [job.view() for job in jobs.list()]
        views += services.workflows.list_jobs()
        return JobList(jobs=views)

    # --- workflows --------------------------------------------------------------------------------------

    @tool(READ_ONLY, "Search workflows")
    def workflow_search(
        query: Annotated[str, Field(min_length=1, max_length=500, description="what you want to make, e.g. "
                                                                               "'animate a photo'")],
        limit: Annotated[int, Field(ge=1, le=20)] = 5,
    ) -> WorkflowSearchResult:
        """Find generation workflows (text-to-video, image-to-video, upscaling, music...) by meaning."""
        return services.workflows.search(query, limit)

    @tool(READ_ONLY, "Workflow card")
    def workflow_card(workflow_id: Annotated[str, Field(min_length=1, max_length=80)]) -> WorkflowCardView:
        """A workflow's card: what it does, its typed inputs (with ranges and defaults) and what it needs."""
        return services.workflows.card(workflow_id)

    @tool(ToolAnnotations(read_only_hint=True, open_world_hint=True), "Validate workflow")
    async def workflow_validate(
        workflow_id: Annotated[str, Field(min_length=1, max_length=80)],
        inputs: Annotated[dict[str, Any], Field(description="input name → value, as in the card")] = {},  # noqa: B006
    ) -> WorkflowValidation:
        """Check inputs against the card and the workflow against the configured ComfyUI server (nodes and
        models present) without running it."""
        return await services.workflows.validate(workflow_id, inputs)

    @tool(ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                          open_world_hint=True), "Run workflow")
    async def workflow_run(
        workflow_id: Annotated[str, Field(min_length=1, max_length=80)],
        inputs: Annotated[dict[str, Any], Field(description="input name → value, as in the card")] = {},  # noqa: B006
    ) -> Annotated[CallToolResult, JobView]:
        """Queue a workflow on a configured ComfyUI server that has its nodes and models; returns a job handle
        at once (follow it with job_wait, then job_outputs_import to put the results in a project)."""
        return job_result(await services.workflows.run(workflow_id, inputs))

    @tool(EDIT, "Import job outputs")  # reads files the runner already downloaded: no network
    def job_outputs_import(
        project_id: ProjectId,
        job_id: Annotated[str, Field(min_length=1, max_length=80)],
        add_to_timeline: Annotated[bool, Field(description="also append the outputs as clips")] = True,
        track_id: Annotated[OptId, Field(description="track for the clips; omit for the first video "
                                                     "track")] = None,
    ) -> ImportOutcome:
        """Import a finished workflow job's video, image and audio outputs into a project's media pool, and
        optionally append them to the timeline."""
        return services.workflows.import_outputs(store, project_id, job_id, add_to_timeline, track_id)

    # --- resources --------------------------------------------------------------------------------------

    @server.resource("project://{project_id}", name="project", mime_type="application/json",
                     description="A project's full JSON (timeline, media pool, history)")
    def project_resource(project_id: str) -> str:
        try:
            with store.read(project_id) as project:
                return project_to_json(project)
        except ServiceError as exc:
            raise ResourceNotFoundError(str(exc)) from None

    @server.resource("workflow://{workflow_id}", name="workflow card", mime_type="application/json",
                     description="A workflow card: purpose, typed inputs, requirements")
    def workflow_resource(workflow_id: str) -> str:
        try:
            return services.workflows.card(workflow_id).model_dump_json(indent=2)
        except (ServiceError, KeyError, ValueError) as exc:
            raise ResourceNotFoundError(str(exc)) from None

    @server.resource("workspace://{+path}", name="workspace file",
                     description="A file the server wrote: renders/, previews/, jobs/ (workflow outputs)")
    def workspace_resource(path: str) -> bytes:
        if path.split("/", 1)[0] not in ("renders", "previews", "jobs"):
            raise ResourceNotFoundError(f"{path}: only renders, previews and job outputs are served")
        try:
            real = ws.resolve(path, writable=True)
        except ServiceError as exc:
            raise ResourceNotFoundError(str(exc)) from None
        size = real.stat().st_size
        if size > RESOURCE_MAX_BYTES:
            raise ResourceError(f"{path} is {size / 1e6:.0f} MB, too large to send; it is at {real}")
        return real.read_bytes()

    prompts.register(server)
    return server
