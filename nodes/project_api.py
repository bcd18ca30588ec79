"""The HTTP command API the timeline panel talks to, under /kijkocut/api/: projects, the project view, actions
(or raw command JSON) applied against a base revision, undo/redo, the change feed since a revision, media import
from ComfyUI's input and output folders, frame previews, and export jobs with progress and cancellation. A
thin adapter over `kijkocut.service`: every request becomes a service call, every service error a 4xx with the
service's message. No ComfyUI import here (`api_host.comfyui_project_api` wires it in), so it runs in tests
on a plain aiohttp server."""

from __future__ import annotations

import asyncio
import io as bytes_io
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, Generic, TypeVar

from aiohttp import WSMsgType, web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kijkocut.errors import KijkoCutError, PathNotAllowedError
from kijkocut.model import Project, ProjectSettings
from kijkocut.paths import PathPolicy, ProjectPath, confine_project_path
from kijkocut.project_io import project_to_dict
from kijkocut.service.actions import MAX_ACTIONS_PER_EDIT, ActionContext, all_actions, run_action, run_actions
from kijkocut.service.commands import run_commands
from kijkocut.service.errors import ConflictError, NotFoundError, ServiceError
from kijkocut.service.export import CONTAINERS, ExportOptions, container_for_suffix, export_settings
from kijkocut.service.jobs import Progress, RenderJob, RenderQueue
from kijkocut.service.preview import ProxyCache, wants_proxy
from kijkocut.service.store import ProjectStore
from kijkocut.service.summary import project_summary
from kijkocut.validation_messages import describe_validation_error

API = "/kijkocut/api"
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_PREVIEW_WIDTH = 1920
MAX_WAVEFORM_BUCKETS = 20_000
MAX_THUMBNAIL_WIDTH = 480
FRAME_CACHE_SIZE = 256  # encoded preview frames (~30 KB each at 640x360): a scrub back is served at once
MAX_AUDIO_SECONDS = 30  # one request of the playback mix
AUDIO_CACHE_SIZE = (
    24  # mixed pieces (~1 MB per 5 s of 48 kHz stereo): playing a range again is served at once
)
ORIGIN = "http"

log = logging.getLogger("kijkocut.api")

# (folder type, file name) -> confined real path; raises ServiceError (or a KijkoCutError) when refused.
PathResolver = Callable[[str, str], Path]
# (project, time, width, project folder) -> RGB array of that frame.
FrameRenderer = Callable[[Project, Fraction, int, Path], Any]
# folder type -> that folder (ComfyUI's folder_paths.get_directory_by_type), for the media bin.
FolderLookup = Callable[[str], "str | None"]


class BadRequest(ServiceError):
    pass


class PathForbidden(ServiceError):
    status = 403


class FileExists(ServiceError):
    status = 409


class ProxyPending(ServiceError):
    status = 503


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(
        min_length=1,
        max_length=255,
        description=(
            "the file to write inside ComfyUI's output folder, e.g. kijkocut/cut.mp4; its suffix picks the "
            "container when the options name none"
        ),
    )
    options: ExportOptions = Field(default_factory=ExportOptions)
    overwrite: bool = False
    base_revision: int | None = Field(None, description="refuse when the project moved past this revision")


def folder_resolver(folder_for: Callable[[str], str | None]) -> PathResolver:
    """Names inside ComfyUI's input, output or temp folder (`folder_for` is folder_paths.get_directory_by_type),
    confined like every other file the pack opens."""
    from .paths import FOLDER_TYPES, PathRefused, confine

    def resolve(folder_type: str, name: str) -> Path:
        if folder_type not in FOLDER_TYPES:
            raise BadRequest(f"folder must be one of {', '.join(FOLDER_TYPES)}")
        base = folder_for(folder_type)
        if not base:
            raise BadRequest(f"the {folder_type} folder is not available")
        try:
            if Path(name).is_absolute():  # a file the service found in a folder it confined before
                name = str(Path(name).relative_to(Path(base).resolve()))
            path = confine(base, name)  # a file or a subfolder (imports and relinks search folders)
        except (PathRefused, ValueError) as exc:
            raise PathForbidden(
                str(exc) if isinstance(exc, PathRefused) else f"{name!r} is outside the {folder_type} folder"
            ) from None
        if not path.exists():
            raise NotFoundError(f"no file or folder {name!r} in the {folder_type} folder")
        return path

    return resolve


def refusal(exc: BaseException) -> tuple[int, str] | None:
    """The status and message a request refused by the service or the engine gets; None for anything else."""
    if isinstance(exc, ServiceError):
        return exc.status, str(exc)
    if isinstance(exc, PathNotAllowedError):  # a file outside the folders this server may open
        return 403, str(exc)
    if isinstance(
        exc, KijkoCutError
    ):  # the engine refused the edit (overlap, locked track...): nothing changed
        return 422, str(exc)
    if isinstance(exc, ValidationError):
        return 400, describe_validation_error(exc)
    return None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


K = TypeVar("K")


class Recent(Generic[K]):
    """The last `size` bodies made, by key: a revision's frames and mixes never go stale, so the oldest used is
    the one to drop."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._bodies: OrderedDict[K, bytes] = OrderedDict()

    def get(self, key: K) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key: K, body: bytes) -> bytes:
        self._bodies[key] = body
        while len(self._bodies) > self.size:
            self._bodies.popitem(last=False)
        return body

    def __len__(self) -> int:
        return len(self._bodies)


def change_view(
    outcome_result, project: Project, created: dict[str, Any] | list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """An edit's answer: what changed (applied by the panel to the project it shows) and the history's state."""
    return {
        "project_id": project.id,
        "revision": project.revision,
        "label": outcome_result.label,
        "changes": [c.model_dump(mode="json") for c in outcome_result.changes],
        "created": created or {},
        "can_undo": bool(project.history.done),
        "can_redo": bool(project.history.undone),
    }


def committed(view: dict[str, Any], started: float) -> web.Response:
    """An edit's answer, with the server's share of its latency (Server-Timing, shown in the browser's network
    panel and read by the panel benchmark)."""
    response = web.json_response(view)
    response.headers["Server-Timing"] = f"commit;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


class ProjectApi:
    """`path_policy`: the folders a project on this server may name (raw commands are checked against it and
    exports open nothing else); without it raw commands may bring in no path and there are no exports.
    `jobs` and `output_dir`: where exports are queued and written."""

    def __init__(
        self,
        store: ProjectStore,
        resolve: PathResolver,
        render_frame: FrameRenderer | None = None,
        *,
        path_policy: PathPolicy | None = None,
        jobs: RenderQueue | None = None,
        output_dir: str | Path | None = None,
        folders: FolderLookup | None = None,
        proxies: ProxyCache | None = None,
    ):
        self.store, self.resolve, self.render_frame = store, resolve, render_frame
        self.path_policy, self.jobs, self.folders, self.proxies = path_policy, jobs, folders, proxies
        self.output_dir = Path(output_dir) if output_dir is not None else None
        # (project, revision, frame time, width) -> JPEG; a revision is immutable, so entries never go stale.
        self._frames: Recent[tuple[str, int, Fraction, int]] = Recent(FRAME_CACHE_SIZE)
        # (project, revision, start, seconds) -> WAV of the mix, for the same reason.
        self._audio: Recent[tuple[str, int, Fraction, Fraction]] = Recent(AUDIO_CACHE_SIZE)

    # --- plumbing ---------------------------------------------------------------------------------------------

    async def _guarded(
        self, request: web.Request, work: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            return await work(request)
        except (KijkoCutError, ValidationError) as exc:
            status, message = refusal(exc) or (500, "")
            return _error(status, message)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise BadRequest(f"the request body is larger than {MAX_BODY_BYTES // 1024 // 1024} MiB")
        raw = await request.content.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            raise BadRequest(f"the request body is larger than {MAX_BODY_BYTES // 1024 // 1024} MiB")
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            raise BadRequest("the request body must be a JSON object") from None
        if not isinstance(body, dict):
            raise BadRequest("the request body must be a JSON object")
        return body

    @staticmethod
    def _revision(body: dict[str, Any]) -> int | None:
        value = body.get("base_revision")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequest("base_revision must be a whole number (the revision the edit was made on)")
        return value

    def _ctx(self, project_id: str, folder_type: str) -> ActionContext:
        return ActionContext(
            resolve_path=lambda name: self.resolve(folder_type, name),
            project_dir=self.store.directory(project_id),
            policy=self.path_policy,
        )

    def _route(self, handler: Callable[..., Awaitable[web.StreamResponse]]):
        async def route(request: web.Request) -> web.StreamResponse:
            return await self._guarded(request, handler)

        return route

    # --- projects ---------------------------------------------------------------------------------------------

    async def list_projects(self, request: web.Request) -> web.Response:
        projects = await asyncio.to_thread(self.store.list)
        return web.json_response({"projects": [project_summary(p) for p in projects]})

    async def create_project(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        settings = ProjectSettings.model_validate(
            {k: body[k] for k in ("width", "height", "frame_rate") if k in body}
        )
        name = str(body.get("name") or "Untitled")[:120]
        project = await asyncio.to_thread(self.store.create, name, settings, origin=ORIGIN)
        return web.json_response(project_summary(project), status=201)

    async def get_project(self, request: web.Request) -> web.Response:
        project = await asyncio.to_thread(self.store.snapshot, request.match_info["project_id"])
        view = project_to_dict(project)
        view.pop("history")
        view["can_undo"], view["can_redo"] = bool(project.history.done), bool(project.history.undone)
        return web.json_response(view)

    async def update_project(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise BadRequest("give the project's new name")
        started = time.perf_counter()
        result = await asyncio.to_thread(
            self.store.rename,
            request.match_info["project_id"],
            name.strip()[:120],
            base_revision=self._revision(body),
            origin=ORIGIN,
        )
        return committed(change_view(result, self.store.get(request.match_info["project_id"])), started)

    async def duplicate_project(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        copy = await asyncio.to_thread(
            self.store.duplicate, request.match_info["project_id"], body.get("name"), origin=ORIGIN
        )
        return web.json_response(project_summary(copy), status=201)

    async def delete_project(self, request: web.Request) -> web.Response:
        await asyncio.to_thread(self.store.delete, request.match_info["project_id"], origin=ORIGIN)
        return web.json_response({"deleted": request.match_info["project_id"]})

    # --- edits ------------------------------------------------------------------------------------------------

    async def list_actions(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "actions": [
                    {
                        "name": a.name,
                        "label": a.label,
                        "description": a.description,
                        "needs": a.needs,
                        "changes": a.changes,
                        "params": a.params.model_json_schema(),
                    }
                    for a in all_actions().values()
                ]
            }
        )

    async def apply_action(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        body = await self._body(request)
        answer = await self._action(request.match_info["project_id"], request.match_info["action"], body)
        return committed(answer, started)

    async def _action(self, project_id: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
        params = body.get("params", {})
        if not isinstance(params, dict):
            raise BadRequest("params must be a JSON object")
        folder_type = str(body.get("folder", "input"))
        outcome = await asyncio.to_thread(
            run_action,
            self.store,
            project_id,
            name,
            params,
            ctx=self._ctx(project_id, folder_type),
            base_revision=self._revision(body),
            origin=ORIGIN,
        )
        return change_view(outcome.result, outcome.project, outcome.created)

    async def apply_actions(self, request: web.Request) -> web.Response:
        """Several actions as ONE undo step (a gesture over a selection): {"actions": [{"name", "params"}],
        "base_revision"}; each planned against the project as the previous ones left it, all or nothing. The
        answer is an edit's answer whose `created` lists each action's ids in order."""
        started = time.perf_counter()
        body = await self._body(request)
        return committed(await self._actions(request.match_info["project_id"], body), started)

    async def _actions(self, project_id: str, body: dict[str, Any]) -> dict[str, Any]:
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            raise BadRequest('actions must be a list of {"name": ..., "params": {...}} objects')
        if len(actions) > MAX_ACTIONS_PER_EDIT:
            raise BadRequest(
                f"at most {MAX_ACTIONS_PER_EDIT} actions make one edit; {len(actions)} were given"
            )
        requests = []
        for index, wanted in enumerate(actions):
            name = wanted.get("name") if isinstance(wanted, dict) else None
            params = wanted.get("params", {}) if isinstance(wanted, dict) else None
            if not isinstance(name, str) or not isinstance(params, dict) or set(wanted) - {"name", "params"}:
                raise BadRequest(
                    f'actions[{index}] must be {{"name": "<action>", "params": {{...}}}} and nothing else'
                )
            requests.append((name, params))
        title = body.get("title")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise BadRequest("title must be a non-empty string (the history's label for the edit)")
        folder_type = str(body.get("folder", "input"))
        outcome = await asyncio.to_thread(
            run_actions,
            self.store,
            project_id,
            requests,
            ctx=self._ctx(project_id, folder_type),
            base_revision=self._revision(body),
            origin=ORIGIN,
            title=title.strip() if title else None,
        )
        return change_view(outcome.result, outcome.project, outcome.created)

    async def apply_commands(self, request: web.Request) -> web.Response:
        """Raw engine command JSON ({"op": ...}), for scripts; one undo step. A file path the commands would
        bring into the project must lie in the server's folders (403 otherwise, and nothing is saved)."""
        body = await self._body(request)
        project_id = request.match_info["project_id"]
        title = body.get("title") if isinstance(body.get("title"), str) else None
        started = time.perf_counter()
        result = await asyncio.to_thread(
            run_commands,
            self.store,
            project_id,
            body.get("commands"),
            check_path=self._path_check(project_id),
            title=title,
            base_revision=self._revision(body),
            origin=ORIGIN,
        )
        return committed(change_view(result, self.store.get(project_id)), started)

    def _path_check(self, project_id: str) -> Callable[[ProjectPath], None]:
        base = self.store.directory(project_id)  # what a relative path in the project is taken from

        def check(path: ProjectPath) -> None:
            if self.path_policy is None:
                raise PathForbidden(
                    f"{path.where}: this server takes no file paths in commands; import "
                    "media with the import_media action"
                )
            try:
                confine_project_path(self.path_policy, path, base)
            except PathNotAllowedError as exc:
                raise PathForbidden(str(exc)) from None

        return check

    async def undo(self, request: web.Request) -> web.Response:
        return await self._history_route(request, "undo")

    async def redo(self, request: web.Request) -> web.Response:
        return await self._history_route(request, "redo")

    async def _history_route(self, request: web.Request, kind: str) -> web.Response:
        started = time.perf_counter()
        body = await self._body(request)
        return committed(await self._history(request.match_info["project_id"], kind, body), started)

    async def _history(self, project_id: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        step = self.store.undo if kind == "undo" else self.store.redo
        result = await asyncio.to_thread(step, project_id, base_revision=self._revision(body), origin=ORIGIN)
        return change_view(result, self.store.get(project_id))

    # --- the edit channel -------------------------------------------------------------------------------------

    async def edit_channel(self, request: web.Request) -> web.StreamResponse:
        """The panel's edits over one WebSocket (GET /kijkocut/api/edits), answered on it: a message
        {"id", "op": "action" | "actions" | "undo" | "redo", "project_id", "name" (an action's), "body" (what the
        HTTP route takes)} gets {"id", "status", "answer"}, the route's answer or {"error"} with its status. The
        same work and rules as the routes, one message at a time per socket; what it saves is an HTTP request
        per edit (in Chromium here a POST round trip took 5.6 ms, a WebSocket message 0.7 ms)."""
        socket = web.WebSocketResponse(max_msg_size=MAX_BODY_BYTES, heartbeat=30)
        await socket.prepare(request)
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                await socket.send_str(json.dumps(await self._channel_answer(message.data)))
        return socket

    async def _channel_answer(self, text: str) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            message = json.loads(text)
        except (ValueError, RecursionError):
            message = None
        ident = message.get("id") if isinstance(message, dict) else None
        try:
            if not isinstance(message, dict):
                raise BadRequest("each message must be a JSON object")
            op, project_id, body = message.get("op"), message.get("project_id"), message.get("body", {})
            if not isinstance(project_id, str) or not isinstance(body, dict):
                raise BadRequest("a message names its project_id and carries its body as a JSON object")
            if op == "action":
                name = message.get("name")
                if not isinstance(name, str):
                    raise BadRequest("an action message names its action")
                answer = await self._action(project_id, name, body)
            elif op == "actions":
                answer = await self._actions(project_id, body)
            elif op in ("undo", "redo"):
                answer = await self._history(project_id, op, body)
            else:
                raise BadRequest("op must be action, actions, undo or redo")
        except Exception as exc:  # noqa: BLE001 - what the routes answer for it, else the socket's end
            refused = refusal(exc)
            if refused is None:
                raise
            return {"id": ident, "status": refused[0], "answer": {"error": refused[1]}}
        return {
            "id": ident,
            "status": 200,
            "answer": answer,
            "server_ms": (time.perf_counter() - started) * 1000,
        }

    async def changes(self, request: web.Request) -> web.Response:
        project_id = request.match_info["project_id"]
        try:
            since = int(request.rel_url.query.get("since", "0"))
        except ValueError:
            raise BadRequest("since must be a revision number") from None
        current = (await asyncio.to_thread(self.store.get, project_id)).revision
        events = self.store.feed.since(project_id, since)
        return web.json_response(
            {
                "project_id": project_id,
                "revision": current,
                "reload": events is None or (current > since and not events),
                "events": [e.model_dump(mode="json") for e in events or []],
            }
        )

    # --- media and pictures -------------------------------------------------------------------------------------

    async def frame(self, request: web.Request) -> web.StreamResponse:
        if self.render_frame is None:
            raise ServiceError("frame previews are not available here")
        project_id = request.match_info["project_id"]
        query = request.rel_url.query
        try:
            seconds, width = Fraction(query.get("t", "0")), int(query.get("width", "640"))
        except (ValueError, ZeroDivisionError):
            raise BadRequest("t must be seconds and width a whole number of pixels") from None
        if not 16 <= width <= MAX_PREVIEW_WIDTH:
            raise BadRequest(f"width must be between 16 and {MAX_PREVIEW_WIDTH}")
        project = await asyncio.to_thread(self.store.snapshot, project_id)
        if not 0 <= seconds < max(project.duration(), Fraction(1, 1000)):
            raise BadRequest(
                f"t {float(seconds):.3f} s is outside the timeline (0 to {float(project.duration()):.3f} s)"
            )
        key = (project_id, project.revision, seconds, width)
        body = self._frames.get(key)
        if body is None:
            shown = project
            if self.proxies is not None:  # low-res short-GOP copies once ready: seeks decode a few frames
                self.proxies.request(project, self.store.directory(project_id))
                shown = self.proxies.proxied(project)
            rgb = await asyncio.to_thread(
                self.render_frame, shown, seconds, width, self.store.directory(project_id)
            )
            body = self._frames.put(key, await asyncio.to_thread(_jpeg, rgb))
        return web.Response(
            body=body,
            content_type="image/jpeg",
            headers={"X-Kijkocut-Revision": str(project.revision), "Cache-Control": "no-store"},
        )

    async def audio(self, request: web.Request) -> web.Response:
        """The project's mixed sound for [start, start + seconds) as 16-bit WAV at the project's sample rate
        (?start=, ?seconds= up to MAX_AUDIO_SECONDS; cut at the project's end): the panel plays it while the
        preview plays. The engine mixes it (gain, pan, fades, ducking, mute/solo) from files confined to the
        server's folders; pieces are cached per revision."""
        from kijkocut.paths import confined_project
        from kijkocut.render.audio_mix import render_audio

        if self.path_policy is None:
            raise PathForbidden("this server opens no media files")
        project_id = request.match_info["project_id"]
        query = request.rel_url.query
        try:
            start, seconds = Fraction(query.get("start", "0")), Fraction(query.get("seconds", "5"))
        except (ValueError, ZeroDivisionError):
            raise BadRequest("start and seconds must be numbers of seconds") from None
        if not 0 < seconds <= MAX_AUDIO_SECONDS:
            raise BadRequest(f"seconds must be above 0 and at most {MAX_AUDIO_SECONDS}")
        project = await asyncio.to_thread(self.store.snapshot, project_id)
        duration = project.duration()
        if not 0 <= start < duration:
            raise BadRequest(
                f"start {float(start):.3f} s is outside the timeline (0 to {float(duration):.3f} s)"
            )
        end = min(start + seconds, duration)
        key = (project_id, project.revision, start, end - start)
        body = self._audio.get(key)
        if body is None:
            project_dir = self.store.directory(project_id)
            confined = confined_project(project, self.path_policy, project_dir)
            samples = await asyncio.to_thread(
                render_audio, confined, start=start, end=end, project_dir=project_dir
            )
            body = self._audio.put(key, await asyncio.to_thread(_wav, samples, project.settings.sample_rate))
        return web.Response(
            body=body,
            content_type="audio/wav",
            headers={"X-Kijkocut-Revision": str(project.revision), "Cache-Control": "no-store"},
        )

    async def _media_file(self, project_id: str, media_id: str):
        """A media of the project and its file, confined to the server's folders."""
        from kijkocut.paths import confined_project

        if self.path_policy is None:
            raise PathForbidden("this server opens no media files")
        project = await asyncio.to_thread(self.store.snapshot, project_id)
        if media_id not in project.media:
            raise NotFoundError(f"no media {media_id!r} in project {project_id}")
        only = project.model_copy(update={"media": {media_id: project.media[media_id]}, "tracks": []})
        ref = confined_project(only, self.path_policy, self.store.directory(project_id)).media[media_id]
        return ref, ref.path

    async def waveform(self, request: web.Request) -> web.Response:
        """Peaks of a media's sound for the clips drawn on the timeline: ?buckets=N (min, max) pairs spanning
        the whole file. Only files inside the server's folders are opened."""
        from kijkocut.media.waveform import waveform_peaks

        project_id, media_id = request.match_info["project_id"], request.match_info["media_id"]
        try:
            buckets = int(request.rel_url.query.get("buckets", "1000"))
        except ValueError:
            raise BadRequest("buckets must be a whole number") from None
        if not 1 <= buckets <= MAX_WAVEFORM_BUCKETS:
            raise BadRequest(f"buckets must be between 1 and {MAX_WAVEFORM_BUCKETS}")
        _, path = await self._media_file(project_id, media_id)
        peaks = await asyncio.to_thread(waveform_peaks, path, buckets)
        return web.json_response(
            {"media_id": media_id, "buckets": buckets, "peaks": [[lo, hi] for lo, hi in peaks]}
        )

    async def media_thumbnail(self, request: web.Request) -> web.Response:
        """A small picture of a media at ?t=seconds (media time), ?width=px: the clips' filmstrips. Served
        from the media's preview proxy when it is ready (a seek there decodes a few small frames)."""
        from kijkocut.media.thumbnail import media_thumbnail

        project_id, media_id = request.match_info["project_id"], request.match_info["media_id"]
        try:
            seconds, width = (
                Fraction(request.rel_url.query.get("t", "0")),
                int(request.rel_url.query.get("width", "96")),
            )
        except (ValueError, ZeroDivisionError):
            raise BadRequest("t must be seconds and width a whole number of pixels") from None
        if not 8 <= width <= MAX_THUMBNAIL_WIDTH or seconds < 0:
            raise BadRequest(f"width must be between 8 and {MAX_THUMBNAIL_WIDTH}, t at least 0")
        ref, path = await self._media_file(project_id, media_id)
        if ref.info.video is None:
            raise BadRequest(f"media {media_id} has no picture (sound only)")
        proxy = self.proxies.ready(ref) if self.proxies is not None else None
        if self.proxies is not None and proxy is None and wants_proxy(ref, self.proxies.height):
            # Seeking in the original's long GOPs would cost the scrub preview its CPU: ask again later.
            raise ProxyPending(f"media {media_id}: its preview proxy is being made; ask again shortly")
        # The original's info either way: a proxy keeps the coded orientation and aspect the info describes.
        source, info = (proxy or path), ref.info
        if ref.info.duration is not None:
            seconds = min(seconds, max(Fraction(0), ref.info.duration - Fraction(1, 100)))
        rgb = await asyncio.to_thread(media_thumbnail, source, seconds, width, info=info)
        return web.Response(
            body=await asyncio.to_thread(_jpeg, rgb),
            content_type="image/jpeg",
            headers={"Cache-Control": "private, max-age=3600"},
        )

    async def proxy_status(self, request: web.Request) -> web.Response:
        """Each media's preview proxy: ready, pending, failed, or original (none wanted or proxies off)."""
        project = await asyncio.to_thread(self.store.snapshot, request.match_info["project_id"])
        if self.proxies is None:
            return web.json_response({"proxies": {media_id: "original" for media_id in project.media}})
        return web.json_response({"proxies": self.proxies.status(project)})

    async def media(self, request: web.Request) -> web.Response:
        """The media bin: media files in ComfyUI's input or output folder (?folder=input|output)."""
        from .media_bin import list_media
        from .paths import FOLDER_TYPES, media_extensions

        folder_type = request.rel_url.query.get("folder", "input")
        if folder_type not in FOLDER_TYPES:
            raise BadRequest(f"folder must be one of {', '.join(FOLDER_TYPES)}")
        base = self.folders(folder_type) if self.folders else None
        if not base:
            raise NotFoundError(f"the {folder_type} folder is not available here")
        listing = await asyncio.to_thread(list_media, base, media_extensions())
        return web.json_response({"folder": folder_type, **listing})

    # --- exports and jobs --------------------------------------------------------------------------------

    def _queue(self) -> RenderQueue:
        if self.jobs is None:
            raise ServiceError("exports are not available on this server")
        return self.jobs

    async def start_export(self, request: web.Request) -> web.Response:
        """Queue an export of the project as it is now; answers at once with the job (202)."""
        queue = self._queue()
        if self.output_dir is None or self.path_policy is None:
            raise ServiceError("exports are not available on this server")
        project_id = request.match_info["project_id"]
        wanted = ExportRequest.model_validate(await self._body(request))
        project = await asyncio.to_thread(self.store.snapshot, project_id)
        if wanted.base_revision is not None and wanted.base_revision != project.revision:
            raise ConflictError(project_id, wanted.base_revision, project.revision)
        settings = export_settings(project, _container_from_name(wanted.options, wanted.filename))
        path = _output_file(self.output_dir, wanted.filename, settings.container, wanted.overwrite)
        work = _export_work(project, path, settings, self.store.directory(project_id), self.path_policy)
        job = await asyncio.to_thread(
            queue.submit, RenderJob(purpose="export", project_id=project_id, output=str(path)), work
        )
        return web.json_response(job.model_dump(mode="json"), status=202)

    async def list_jobs(self, request: web.Request) -> web.Response:
        jobs = await asyncio.to_thread(self._queue().list)
        return web.json_response({"jobs": [job.model_dump(mode="json") for job in jobs]})

    async def get_job(self, request: web.Request) -> web.Response:
        job = await asyncio.to_thread(self._queue().get, request.match_info["job_id"])
        return web.json_response(job.model_dump(mode="json"))

    async def cancel_job(self, request: web.Request) -> web.Response:
        job = await asyncio.to_thread(self._queue().cancel, request.match_info["job_id"])
        return web.json_response(job.model_dump(mode="json"))

    def table(self) -> web.RouteTableDef:
        routes = web.RouteTableDef()
        project = f"{API}/projects/{{project_id}}"
        for method, path, handler in (
            ("GET", f"{API}/projects", self.list_projects),
            ("POST", f"{API}/projects", self.create_project),
            ("GET", f"{API}/actions", self.list_actions),
            ("GET", project, self.get_project),
            ("PATCH", project, self.update_project),
            ("DELETE", project, self.delete_project),
            ("POST", f"{project}/duplicate", self.duplicate_project),
            ("POST", f"{project}/actions", self.apply_actions),
            ("POST", f"{project}/actions/{{action}}", self.apply_action),
            ("POST", f"{project}/commands", self.apply_commands),
            ("POST", f"{project}/undo", self.undo),
            ("POST", f"{project}/redo", self.redo),
            ("GET", f"{API}/edits", self.edit_channel),
            ("GET", f"{project}/changes", self.changes),
            ("GET", f"{project}/frame", self.frame),
            ("GET", f"{project}/audio", self.audio),
            ("GET", f"{API}/media", self.media),
            ("GET", f"{project}/proxies", self.proxy_status),
            ("GET", f"{project}/media/{{media_id}}/waveform", self.waveform),
            ("GET", f"{project}/media/{{media_id}}/thumbnail", self.media_thumbnail),
            ("POST", f"{project}/exports", self.start_export),
            ("GET", f"{API}/jobs", self.list_jobs),
            ("GET", f"{API}/jobs/{{job_id}}", self.get_job),
            ("POST", f"{API}/jobs/{{job_id}}/cancel", self.cancel_job),
        ):
            routes.route(method, path)(self._route(handler))
        return routes


def _container_from_name(options: ExportOptions, filename: str) -> ExportOptions:
    """The options with the container the file name's suffix asks for; a suffix that contradicts them, or one
    KijkoCut cannot write, is an error."""
    suffix = Path(filename).suffix
    if not suffix:
        return options
    container = container_for_suffix(suffix)
    if container is None:
        raise BadRequest(f"{filename!r}: KijkoCut writes {', '.join('.' + c for c in CONTAINERS)} files")
    if options.container is not None and options.container != container:
        raise BadRequest(
            f"the file name asks for a {container} file but options.container is {options.container}"
        )
    return options.model_copy(update={"container": container})


def _output_file(output_dir: Path, filename: str, container: str, overwrite: bool) -> Path:
    """The confined file in the output folder (the container's suffix added when the name has none)."""
    from .paths import PathRefused, confine

    name = filename if Path(filename).suffix else f"{filename}.{container}"
    try:
        path = confine(output_dir, name, extensions={f".{c}" for c in CONTAINERS})
    except PathRefused as exc:
        raise PathForbidden(str(exc)) from None
    if path.exists() and not overwrite:
        raise FileExists(f"{name} already exists in the output folder; choose another name or set overwrite")
    return path


def _export_work(project: Project, path: Path, settings, project_dir: Path, policy: PathPolicy):
    def work(job: RenderJob, progress: Progress) -> dict[str, Any]:
        from kijkocut.render.export import export_project

        result = export_project(
            project,
            path,
            settings,
            project_dir=project_dir,
            progress=progress,
            cancel=progress.cancelled,
            create_folders=True,
            path_policy=policy,
        )
        return {"output": str(path), "summary": result.summary(), "warnings": list(result.warnings)}

    return work


def _wav(samples, rate: int) -> bytes:
    """Float samples (channels, n) in -1..1 as a 16-bit PCM WAV file."""
    import wave

    import numpy as np

    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    buffer = bytes_io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(pcm.shape[0])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.T.tobytes())
    return buffer.getvalue()


def _jpeg(rgb) -> bytes:
    from PIL import Image

    buffer = bytes_io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
