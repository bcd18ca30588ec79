"""Builds the MCP server: tools, resources and prompts over the service layer. The editing tools are derived
from the service layer's action declarations (`action_tools`); every other tool body is one service call
plus the shape of its result.

Input schemas stay flat for clients that sanitise them (Gemini CLI drops `$ref`/`$defs` and copes badly with
`anyOf`): optional values are published as their plain type, times as text (numbers are accepted too).
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

from kijkocut import __version__, limits
from kijkocut.errors import KijkoCutError
from kijkocut.json_input import nested_deeper_than, too_deep_message
from kijkocut.model import ProjectSettings
from kijkocut.project_io import project_to_json
from kijkocut.service.actions import run_action
from kijkocut.service.export import ExportOptions
from kijkocut.service.times import TIME_HELP, TimeArg
from kijkocut.validation_messages import describe_validation_error
from mcp_server import interchange, jobs, media, prompts, renders
from mcp_server.action_tools import PROJECT_ID, ActionTool, ProjectId, outcome_view, register_action_tools
from mcp_server.catalogue import catalogue
from mcp_server.errors import ServiceError
from mcp_server.hints import EDIT, EDIT_IDEMPOTENT, READ_ONLY, REPLACE
from mcp_server.progress import ProgressThrottle
from mcp_server.published import compact_schema, described_inputs, short_text, summary, without_properties
from mcp_server.schemas import (
    EditOutcome,
    EffectCatalogue,
    FileList,
    ImageInfo,
    ImportOutcome,
    JobList,
    JobView,
    MediaList,
    OutputFile,
    ProjectDeleted,
    ProjectList,
    ProjectSummary,
    ProjectView,
    TimelineExport,
    WorkflowCardView,
    WorkflowSearchResult,
    WorkflowValidation,
)
from mcp_server.services import ORIGIN, Services
from mcp_server.tool_params import model_parameters, tool_function
from mcp_server.views import edit_outcome, project_summary, project_view
from workflows_library.errors import WorkflowLibraryError

INSTRUCTIONS = """KijkoCut edits videos on a multi-track timeline and runs ComfyUI generation workflows.
Typical flow: files_list → project_create → media_import → clip_add / text_add / transition_add →
effect_add / keyframes_set / animation_preset_apply / speed_set → frame_render to look → export_start →
job_wait until done. effect_list shows the effects with their parameters, the transition kinds and what can
be animated. Times are seconds (2.5), timecode (00:01:02.5 or 00:01:02:15) or frames (f30); they are snapped
to the project's frames. Every edit returns the changed elements and the new revision; project_undo reverts
the last edit (one tool call is one undo step). Long work (exports, previews, workflows) returns a job: call
job_wait again while `done` is false."""

# Clients time a call out at about 60 s; waits stay well below that and hand back the job to poll again.
MAX_WAIT_SECONDS = 45
SEARCH_INDEX_WAIT = 40  # a first search waits this long for the index it builds, then asks to be called again
RESOURCE_MAX_BYTES = 25 * 1024 * 1024
EXPECTED_ERRORS = (ServiceError, KijkoCutError, WorkflowLibraryError, ValueError, OSError)

# --- parameter types --------------------------------------------------------------------------------------

ElementId = Annotated[str, Field(min_length=1, max_length=64, description="id from project_describe")]
JobId = Annotated[str, Field(min_length=1, max_length=80)]
# Optional values publish their plain type (no anyOf-with-null) and are simply omitted by the caller.
OptTime = Annotated[TimeArg | None, WithJsonSchema({"type": "string", "description": TIME_HELP})]
OptName = Annotated[str | None, Field(max_length=120), WithJsonSchema({"type": "string"})]
OptId = Annotated[str | None, Field(max_length=64), WithJsonSchema({"type": "string"})]
WORKFLOW_TOOLS = frozenset(
    {"workflow_search", "workflow_card", "workflow_validate", "workflow_run", "job_outputs_import"}
)
# Results whose nested views are spelled out in the output schema; other results publish them as objects.
FULLY_TYPED_OUTPUTS = frozenset({"project_describe"})
IMPORT = ActionTool("job_outputs_import", "import_media", "Import job outputs")
WaitSeconds = Annotated[
    float,
    Field(
        ge=0,
        le=MAX_WAIT_SECONDS,
        description=f"how long to wait for the job (max {MAX_WAIT_SECONDS} s); "
        f"returns early when it finishes",
    ),
]

F = TypeVar("F", bound=Callable[..., Any])


def check_nesting(arguments: dict[str, Any]) -> None:
    """Free-form arguments (effect params, lists) nested deeper than any property is refused before a recursive
    merge or serializer meets them."""
    for name, value in arguments.items():
        if isinstance(value, (dict, list)) and nested_deeper_than(value, limits.MAX_ARGUMENT_DEPTH):
            raise ToolError(too_deep_message(name, limits.MAX_ARGUMENT_DEPTH))


def _explained(exc: Exception) -> ToolError:
    if isinstance(exc, ValidationError):  # a parameters model refused a value: one formatter everywhere
        return ToolError(describe_validation_error(exc))
    return ToolError(str(exc))


def _as_result(value: Any) -> Any:
    """A model answer as a structured result with a short text summary (the SDK would repeat its JSON)."""
    return (
        structured(value) if isinstance(value, BaseModel) and not isinstance(value, CallToolResult) else value
    )


def tool_errors(fn: F) -> F:
    """Turn anticipated failures into tool errors the model reads (the SDK would hide them as crashes)."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            check_nesting(kwargs)
            try:
                return _as_result(await fn(*args, **kwargs))
            except EXPECTED_ERRORS as exc:
                raise _explained(exc) from exc

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_nesting(kwargs)
        try:
            return _as_result(fn(*args, **kwargs))
        except EXPECTED_ERRORS as exc:
            raise _explained(exc) from exc

    return wrapper  # type: ignore[return-value]


def tool_groups(tool_name: str) -> set[str]:
    """The configuration's tool groups a tool belongs to: the jobs tools serve both renders and workflows."""
    if tool_name.startswith("production_"):
        return {"productions"}
    if tool_name in WORKFLOW_TOOLS:
        return {"workflows"}
    return {"editing", "workflows"} if tool_name.startswith("job_") else {"editing"}


def foreign_ids(tool_name: str) -> set[str]:
    """The fields of an edit's answer that `tool_name` never fills: effect, transition and marker tools name
    their own object, every other edit the element it created; only track tools answer with tracks."""
    own = {"effect_id": "effect_", "transition_id": "transition_", "marker_id": "marker_"}
    mine = {field for field, prefix in own.items() if tool_name.startswith(prefix)}
    foreign = set(own) - mine if not mine else {"element_id", *own} - mine
    return foreign if tool_name.startswith("track_") else foreign | {"tracks_changed"}


def publish_compactly(server: MCPServer, name: str) -> None:
    """The registered tool's schemas as `published` shapes them (the SDK offers no hook, so the tool's
    metadata is set after registration; its output model still checks every result)."""
    registered = server._tool_manager.get_tool(name)
    assert registered is not None
    registered.parameters = described_inputs(compact_schema(registered.parameters, output=False))
    metadata = registered.fn_metadata
    if metadata.output_schema is not None:
        published = compact_schema(metadata.output_schema, output=True, nested=name in FULLY_TYPED_OUTPUTS)
        if metadata.output_model is EditOutcome:
            published = without_properties(published, foreign_ids(name))
        metadata.output_schema = published
        registered.__dict__.pop("output_schema", None)  # a cached_property read before this


def structured(model: BaseModel, *extra: Any) -> CallToolResult:
    """A result carrying the model as structured content, a one-line summary as text (the structured content
    is not repeated), and any extra content blocks (images, resource links)."""
    text = TextContent(type="text", text=summary(model))
    return CallToolResult(
        content=[text, *extra], structured_content=model.model_dump(mode="json", exclude_none=True)
    )


def image_result(data: bytes, info: ImageInfo) -> CallToolResult:
    image = ImageContent(type="image", data=base64.b64encode(data).decode("ascii"), mime_type=info.mime_type)
    return structured(info, image)


def job_result(view: JobView) -> CallToolResult:
    links = [
        ResourceLink(
            type="resource_link",
            uri=out.uri,
            name=Path(out.path).name,
            mime_type=out.mime_type,
            size=out.size_bytes,
            description=f"{view.kind} output",
        )
        for out in view.outputs
    ]
    return structured(view, *links)


class KijkoCutServer(MCPServer):
    """The SDK's server, with its own check of a call's arguments (types, ranges) reported like every other
    refused value: the parameter and what it accepts, in one line, no pydantic text."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(f"{name}: {describe_validation_error(exc.__cause__)}") from exc.__cause__
            prefix = f"Error executing tool {name}: "  # the SDK's words before a tool's own message
            if str(exc).startswith(prefix):
                raise ToolError(f"{name}: {str(exc)[len(prefix) :]}") from exc.__cause__
            raise


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

    server = KijkoCutServer(
        "kijkocut",
        title="KijkoCut video editor",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level=log_level,
        lifespan=lifespan,
        **auth,
    )  # type: ignore[arg-type]
    ws, store = services.workspace, services.projects

    def add(fn: Callable[..., Any], title: str, annotations: ToolAnnotations) -> None:
        if not tool_groups(fn.__name__) & set(services.config.tool_groups):
            return
        # `title` is not published: the name says it, and every byte of tools/list goes out with each request.
        server.add_tool(tool_errors(fn), annotations=annotations, description=short_text(fn.__doc__ or ""))
        publish_compactly(server, fn.__name__)

    def tool(annotations: ToolAnnotations, title: str) -> Callable[[F], F]:
        def register(fn: F) -> F:
            add(fn, title, annotations)
            return fn

        return register

    # --- projects ---------------------------------------------------------------------------------------

    @tool(EDIT, "Create project")
    def project_create(
        name: Annotated[str, Field(min_length=1, max_length=120)] = "Untitled",
        width: Annotated[int, Field(ge=16, le=8192, description="canvas width in pixels (even)")] = 1920,
        height: Annotated[
            int,
            Field(ge=16, le=8192, description="canvas height in pixels (even); 1080x1920 for vertical video"),
        ] = 1080,
        frame_rate: Annotated[
            float,
            Field(
                gt=0, le=240, description="frames per second; 29.97 and 23.976 map to their exact NTSC rates"
            ),
        ] = 30,
    ) -> ProjectSummary:
        """Create an empty project (a timeline with a canvas size and frame rate) and return its id."""
        try:
            settings = ProjectSettings(width=width, height=height, frame_rate=str(frame_rate))
        except ValidationError as exc:
            raise ServiceError(f"invalid project settings: {describe_validation_error(exc)}") from None
        return project_summary(store.create(name, settings, origin=ORIGIN))

    @tool(READ_ONLY, "List projects")
    def project_list() -> ProjectList:
        """List the projects with their size and duration."""
        return ProjectList(projects=[project_summary(p) for p in store.list()])

    @tool(READ_ONLY, "Describe project")
    def project_describe(project_id: ProjectId) -> ProjectView:
        """Open a project: its tracks (bottom layer first) with their elements and transitions, its media
        pool, duration, revision and whether undo/redo are possible."""
        with store.locked(project_id):  # never a view of a half-applied edit
            return project_view(store.get(project_id), ws)

    @tool(REPLACE, "Delete project")
    def project_delete(project_id: ProjectId) -> ProjectDeleted:
        """Delete a project file and its folder. Media files and finished renders are kept. Cannot be undone."""
        store.delete(project_id, origin=ORIGIN)
        return ProjectDeleted(project_id=project_id, deleted=True)

    @tool(EDIT, "Undo")
    def project_undo(project_id: ProjectId) -> EditOutcome:
        """Undo the project's last edit; returns what changed back."""
        return edit_outcome(store.undo(project_id, origin=ORIGIN), store.get(project_id))

    @tool(EDIT, "Redo")
    def project_redo(project_id: ProjectId) -> EditOutcome:
        """Redo the last undone edit."""
        return edit_outcome(store.redo(project_id, origin=ORIGIN), store.get(project_id))

    # --- media ------------------------------------------------------------------------------------------

    @tool(READ_ONLY, "List files")
    def files_list(
        folder: Annotated[
            str,
            Field(
                max_length=1000,
                description="workspace-relative folder or an allowed "
                "absolute folder; empty = workspace root "
                "and the allowed media folders",
            ),
        ] = "",
    ) -> FileList:
        """List sub-folders and media files (video, audio, images) in a folder the server may read."""
        return media.browse(ws, folder)

    @tool(READ_ONLY, "List media")
    def media_list(project_id: ProjectId) -> MediaList:
        """List the project's media pool with probe info (kind, duration, size, frame rate, audio)."""
        return media.list_media(store, ws, project_id)

    @tool(READ_ONLY, "Media thumbnail")
    def media_thumbnail(
        project_id: ProjectId,
        media_id: Annotated[str, Field(min_length=1, max_length=64)],
        time: Annotated[TimeArg, Field(description="media time")] = "0",
        width: Annotated[int, Field(ge=32, le=640)] = 320,
    ) -> Annotated[CallToolResult, ImageInfo]:
        """A small JPEG of a video or image in the media pool at a media time."""
        return image_result(*renders.thumbnail(services, project_id, media_id, time, width))

    # --- editing: one tool per service action -------------------------------------------------------------

    register_action_tools(services, add)

    @tool(READ_ONLY, "List effects")
    def effect_list() -> EffectCatalogue:
        """The effect catalogue (every effect with its parameters, defaults and ranges), the blend modes, the
        transition kinds and the animatable properties."""
        return catalogue()

    # --- captions and timeline interchange ----------------------------------------------------------------

    @tool(REPLACE, "Export captions")
    def captions_export(
        project_id: ProjectId,
        track_id: Annotated[str, Field(min_length=1, max_length=64, description="a text (caption) track")],
        format: Annotated[Literal["srt", "vtt"], Field(description="SubRip or WebVTT")] = "srt",
        file_name: Annotated[
            OptName,
            Field(
                description="file name in renders/<project>/; omit for the project "
                "name; an existing file is replaced"
            ),
        ] = None,
    ) -> OutputFile:
        """Write a text track's captions as an SRT or WebVTT file (for upload next to the video)."""
        return interchange.export_caption_track(services, project_id, track_id, format, file_name)

    @tool(REPLACE, "Export timeline (OTIO)")
    def otio_export(
        project_id: ProjectId,
        format: Annotated[
            Literal["otio", "xml", "edl"],
            Field(
                description="otio (OpenTimelineIO); xml (Final "
                "Cut XML) and edl need their OTIO "
                "adapters installed"
            ),
        ] = "otio",
        file_name: Annotated[
            OptName,
            Field(
                description="file name in renders/<project>/; omit for the project "
                "name; an existing file is replaced"
            ),
        ] = None,
    ) -> TimelineExport:
        """Write the timeline for another editor (DaVinci Resolve, Premiere, Final Cut, ...). .otio keeps
        everything; FCP XML and EDL keep what they can express and warn, per element and property, about the
        rest (effects, titles, ...)."""
        return interchange.export_timeline(services, project_id, format, file_name)

    @tool(EDIT, "Import timeline (OTIO)")
    def otio_import(
        path: Annotated[
            str,
            Field(min_length=1, max_length=1000, description="an .otio (or .xml/.edl with adapters) file"),
        ],
        missing_media: Annotated[
            Literal["error", "offline"],
            Field(description="media files that are not found: fail, or keep them as offline clips"),
        ] = "error",
        rate: Annotated[OptName, Field(description="an EDL's frame rate, e.g. 25 (default 24)")] = None,
    ) -> ProjectSummary:
        """Create a new project from a timeline file exported by another editor (or by otio_export)."""
        return interchange.import_timeline(services, path, missing_media=missing_media, rate=rate)

    # --- preview and export -----------------------------------------------------------------------------

    @tool(READ_ONLY, "Render frame")
    def frame_render(
        project_id: ProjectId,
        time: Annotated[TimeArg, Field(description="timeline time")],
        width: Annotated[int, Field(ge=32, le=960)] = 480,
    ) -> Annotated[CallToolResult, ImageInfo]:
        """Render the timeline at one time as a small JPEG, to check a composition."""
        return image_result(*renders.frame(services, project_id, time, width))

    async def wait_for(job_id: str, seconds: float, ctx: Context) -> JobView:
        """Poll a job until it finishes or the bounded wait ends, sending progress notifications."""
        deadline = anyio.current_time() + seconds
        throttle = ProgressThrottle()
        while True:
            view = await anyio.to_thread.run_sync(jobs.job_view, services, job_id)
            if throttle.should_send(view.progress, view.message, final=view.done):
                await ctx.report_progress(view.progress, 1.0, view.message or view.state)
            if view.done or anyio.current_time() >= deadline:
                return view
            await anyio.sleep(min(0.25, max(0.0, deadline - anyio.current_time())))

    @tool(EDIT_IDEMPOTENT, "Render preview")
    async def preview_render(
        project_id: ProjectId,
        ctx: Context,
        start: Annotated[OptTime, Field(description="range start; omit for 0")] = None,
        end: Annotated[OptTime, Field(description="range end; omit for the end of the timeline")] = None,
        width: Annotated[int, Field(ge=64, le=854)] = renders.PREVIEW_WIDTH,
        wait_seconds: WaitSeconds = 30,
    ) -> Annotated[CallToolResult, JobView]:
        """Render a small MP4 preview of a range (at most 2 minutes). Waits up to wait_seconds; the result
        links the file, or is a job for job_wait."""
        job = await anyio.to_thread.run_sync(
            lambda: renders.start_preview(services, project_id, start, end, width)
        )
        return job_result(await wait_for(job.id, wait_seconds, ctx))

    async def export_start(
        project_id: str, ctx: Context, file_name: str | None = None, wait_seconds: float = 0, **options: Any
    ) -> CallToolResult:
        parsed = ExportOptions.model_validate(options)
        job = await anyio.to_thread.run_sync(
            lambda: renders.start_export(services, project_id, parsed, file_name)
        )
        view = await wait_for(job.id, wait_seconds, ctx) if wait_seconds else jobs.render_view(job, ws)
        return job_result(view)

    add(
        tool_function(
            "export_start",
            (
                "Export the timeline to a video file (a preset, and settings over it). Returns a job; follow it with "
                "job_wait. The finished job links the file; its message gives loudness and true peak."
            ),
            [
                PROJECT_ID,
                inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context),
                inspect.Parameter(
                    "file_name",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=None,
                    annotation=Annotated[
                        OptName,
                        Field(
                            description="output file name in renders/<project>/; omit for <project>_<preset>; "
                            "an existing file is replaced"
                        ),
                    ],
                ),
                inspect.Parameter(
                    "wait_seconds",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=0,
                    annotation=Annotated[
                        float, Field(ge=0, le=MAX_WAIT_SECONDS, description="seconds to wait, with progress")
                    ],
                ),
                *model_parameters(ExportOptions),
            ],
            Annotated[CallToolResult, JobView],
            export_start,
        ),
        "Start export",
        REPLACE,
    )

    # --- jobs (renders here, workflow runs on ComfyUI) --------------------------------------------------

    @tool(READ_ONLY, "Job status")
    def job_status(job_id: JobId) -> Annotated[CallToolResult, JobView]:
        """State, progress and outputs of an export, preview or workflow job."""
        return job_result(jobs.job_view(services, job_id))

    @tool(READ_ONLY, "Wait for job")
    async def job_wait(
        job_id: JobId,
        ctx: Context,
        timeout_seconds: WaitSeconds = 30,
    ) -> Annotated[CallToolResult, JobView]:
        """Wait for a job with progress notifications. Returns when it finishes or after timeout_seconds
        (check `done`; call again to keep waiting)."""
        if not await anyio.to_thread.run_sync(jobs.is_render, services, job_id):
            await services.workflows.runner()  # a job from an earlier session resumes once the runner runs
        return job_result(await wait_for(job_id, timeout_seconds, ctx))

    @tool(
        ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
        ),
        "Cancel job",
    )
    async def job_cancel(job_id: JobId) -> Annotated[CallToolResult, JobView]:
        """Cancel a queued or running job (on ComfyUI too); a cancelled export leaves no partial file."""
        if await anyio.to_thread.run_sync(jobs.is_render, services, job_id):
            return job_result(
                jobs.render_view(await anyio.to_thread.run_sync(services.renders.cancel, job_id), ws)
            )
        return job_result(await services.workflows.cancel(job_id))

    @tool(READ_ONLY, "List jobs")
    def job_list() -> JobList:
        """Export, preview and workflow jobs (also other programs' on the same job store), oldest first."""
        return JobList(jobs=jobs.job_list(services))

    # --- workflows --------------------------------------------------------------------------------------

    @tool(READ_ONLY, "Search workflows")
    async def workflow_search(
        query: Annotated[
            str,
            Field(min_length=1, max_length=500, description="what you want to make, e.g. 'animate a photo'"),
        ],
        ctx: Context,
        limit: Annotated[int, Field(ge=1, le=20, description="how many")] = 5,
    ) -> WorkflowSearchResult:
        """Find generation workflows (text-to-video, image-to-video, upscaling, music...) by meaning."""
        # The index is built on first use (not at start: it peaks at 1.5 GB); progress while it builds.
        workflows = await anyio.to_thread.run_sync(lambda: services.workflows)
        ready = workflows.warm_up()
        throttle, started = ProgressThrottle(), anyio.current_time()
        while not ready.done() and anyio.current_time() - started < SEARCH_INDEX_WAIT:
            waited = round(anyio.current_time() - started)
            if throttle.should_send(waited, "building the workflow search index (first use)"):
                await ctx.report_progress(waited, None, "building the workflow search index (first use)")
            await anyio.sleep(0.25)
        if not ready.done():
            raise ServiceError(
                "the workflow search index is still being built (first use); call workflow_search "
                "again in a minute"
            )
        return await anyio.to_thread.run_sync(workflows.search, query, limit)

    @tool(READ_ONLY, "Workflow card")
    def workflow_card(workflow_id: Annotated[str, Field(min_length=1, max_length=80)]) -> WorkflowCardView:
        """A workflow's card: what it does, its typed inputs (with ranges and defaults) and what it needs."""
        return services.workflows.card(workflow_id)

    @tool(ToolAnnotations(read_only_hint=True, open_world_hint=True), "Validate workflow")
    async def workflow_validate(
        workflow_id: Annotated[str, Field(min_length=1, max_length=80)],
        inputs: Annotated[dict[str, Any], Field(description="input name → value, as in the card")] = {},  # noqa: B006
    ) -> WorkflowValidation:
        """Check inputs against the card, and the server's nodes and models, without running it."""
        return await services.workflows.validate(workflow_id, inputs)

    @tool(
        ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True
        ),
        "Run workflow",
    )
    async def workflow_run(
        workflow_id: Annotated[str, Field(min_length=1, max_length=80)],
        inputs: Annotated[dict[str, Any], Field(description="input name → value, as in the card")] = {},  # noqa: B006
    ) -> Annotated[CallToolResult, JobView]:
        """Queue a workflow on a ComfyUI server that has its nodes and models; returns a job (job_wait, then
        job_outputs_import puts the results in a project)."""
        return job_result(await services.workflows.run(workflow_id, inputs))

    @tool(EDIT, "Import job outputs")  # reads files the runner already downloaded: no network
    def job_outputs_import(
        project_id: ProjectId,
        job_id: JobId,
        add_to_timeline: Annotated[bool, Field(description="also append the outputs as clips")] = True,
        track_id: Annotated[
            OptId, Field(description="track for the clips; omit for the first video track")
        ] = None,
    ) -> ImportOutcome:
        """Import a finished workflow job's video, image and audio outputs into a project's media pool, and
        optionally append them to the timeline (one undo step)."""
        params = {
            "paths": services.workflows.output_files(job_id),
            "add_to_timeline": add_to_timeline,
            "track_id": track_id,
        }
        outcome = run_action(
            store, project_id, "import_media", params, ctx=services.action_context(project_id), origin=ORIGIN
        )
        return outcome_view(IMPORT, outcome, params, ws)  # type: ignore[return-value]

    # --- resources --------------------------------------------------------------------------------------

    @server.resource(
        "project://{project_id}",
        name="project",
        mime_type="application/json",
        description="A project's full JSON (timeline, media pool, history)",
    )
    def project_resource(project_id: str) -> str:
        try:
            with store.locked(project_id):
                return project_to_json(store.get(project_id))
        except ServiceError as exc:
            raise ResourceNotFoundError(str(exc)) from None

    @server.resource(
        "workflow://{workflow_id}",
        name="workflow card",
        mime_type="application/json",
        description="A workflow card: purpose, typed inputs, requirements",
    )
    def workflow_resource(workflow_id: str) -> str:
        try:
            return services.workflows.card(workflow_id).model_dump_json(indent=2)
        except (ServiceError, KeyError, ValueError) as exc:
            raise ResourceNotFoundError(str(exc)) from None

    @server.resource(
        "workspace://{+path}",
        name="workspace file",
        description="A file the server wrote: renders/, previews/, jobs/ (workflow outputs)",
    )
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

    if "productions" in services.config.tool_groups:  # opt-in: loads the agents (LangGraph) only then
        from mcp_server import productions

        productions.register(productions.ProductionHost(services.config.data_dir), add, server)

    prompts.register(server)
    return server
