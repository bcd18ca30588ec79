"""HTTP routes for the timeline panel, all under /kijkocut/: media info, thumbnails, waveforms and rendered
timeline frames (the command API under /kijkocut/api/ is `project_api`; both are registered here). Files are
named like ComfyUI's /view (filename, subfolder, type=input|output|temp) and are confined to those folders:
`..`, absolute paths, symlinks leading out and non-media extensions are refused with 4xx before any file is
opened. Heavy work runs in a worker thread, off the server's event loop."""

from __future__ import annotations

import asyncio
import io as bytes_io
import json
import logging
import sqlite3
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from aiohttp import web

from kijkocut.errors import KijkoCutError, MediaError

from .paths import FOLDER_TYPES, PathRefused, confine_existing, is_inside, media_extensions, render_policy

PREFIX = "/kijkocut"
MAX_THUMBNAIL_WIDTH = 1920
MAX_BUCKETS = 10_000

FolderLookup = Callable[[str], "str | None"]
log = logging.getLogger("kijkocut.routes")


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _number(query, name: str, default: float, low: float, high: float) -> float:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PathRefused(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise PathRefused(f"{name} must be between {low:g} and {high:g}, got {value:g}")
    return value


def _png(rgb) -> bytes:
    from PIL import Image

    buffer = bytes_io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()


class MediaRoutes:
    """Route handlers over a folder lookup (ComfyUI's folder_paths.get_directory_by_type in the server)."""

    def __init__(self, folder_for: FolderLookup):
        self.folder_for = folder_for

    def _media_file(self, request: web.Request) -> Path:
        query = request.rel_url.query
        folder_type = query.get("type", "input")
        if folder_type not in FOLDER_TYPES:
            raise PathRefused(f"type must be one of {', '.join(FOLDER_TYPES)}")
        base = self.folder_for(folder_type)
        if not base:
            raise PathRefused(f"the {folder_type} folder is not available")
        return confine_existing(
            base,
            query.get("filename", ""),
            subfolder=query.get("subfolder", ""),
            extensions=media_extensions(),
        )

    async def _guarded(
        self, request: web.Request, work: Callable[[web.Request], web.Response]
    ) -> web.Response:
        try:
            return await work(request)
        except PathRefused as exc:
            return _error(400, str(exc))
        except FileNotFoundError as exc:
            return _error(404, str(exc))
        except (MediaError, KijkoCutError, ValueError) as exc:
            return _error(422, str(exc))

    async def info(self, request: web.Request) -> web.Response:
        async def work(request):
            from kijkocut.media.probe import probe_media

            path = self._media_file(request)
            info = await asyncio.to_thread(probe_media, path)
            return web.json_response(info.model_dump(mode="json"))

        return await self._guarded(request, work)

    async def thumbnail(self, request: web.Request) -> web.Response:
        async def work(request):
            from kijkocut.media.thumbnail import media_thumbnail

            path = self._media_file(request)
            t = Fraction(str(_number(request.rel_url.query, "t", 0.0, 0.0, 86400.0)))
            width = int(_number(request.rel_url.query, "width", 160, 8, MAX_THUMBNAIL_WIDTH))
            rgb = await asyncio.to_thread(media_thumbnail, path, t, width)
            return web.Response(body=await asyncio.to_thread(_png, rgb), content_type="image/png")

        return await self._guarded(request, work)

    async def waveform(self, request: web.Request) -> web.Response:
        async def work(request):
            from kijkocut.media.waveform import waveform_peaks

            path = self._media_file(request)
            buckets = int(_number(request.rel_url.query, "buckets", 200, 1, MAX_BUCKETS))
            peaks = await asyncio.to_thread(waveform_peaks, path, buckets)
            return web.json_response({"buckets": buckets, "peaks": [[lo, hi] for lo, hi in peaks]})

        return await self._guarded(request, work)

    async def timeline_frame(self, request: web.Request) -> web.Response:
        """POST {"project": <project JSON object or string>, "t": seconds, "width": px} -> PNG of that frame.
        Relative media paths resolve in the input folder; every media file must lie in input/output/temp."""

        async def work(request):
            from kijkocut.project_io import project_from_dict, project_from_json, resolve_media_path
            from kijkocut.render.frames import render_frame

            try:
                body = await request.json()
            except json.JSONDecodeError:
                raise PathRefused("the request body must be JSON") from None
            if not isinstance(body, dict) or "project" not in body:
                raise PathRefused("expected a JSON object with 'project', 't' and optionally 'width'")
            doc = body["project"]
            try:
                project = project_from_json(doc) if isinstance(doc, str) else project_from_dict(doc)
            except (AttributeError, TypeError) as exc:  # shapes the engine's migrations do not expect
                raise ValueError(f"project: malformed project JSON ({exc})") from None
            input_dir = self.folder_for("input")
            folders = [f for f in (self.folder_for(kind) for kind in FOLDER_TYPES) if f]
            for ref in project.media.values():
                if Path(ref.path).suffix.lower() not in media_extensions():
                    raise PathRefused(f"media {ref.id}: not a media file type")
                path = resolve_media_path(ref.path, input_dir)
                if ".." in Path(ref.path).parts or not is_inside(path, folders):
                    raise PathRefused(
                        f"media {ref.id}: only files in ComfyUI's input, output or temp folders "
                        "can be previewed"
                    )
            t = float(body.get("t", 0))
            width = int(body.get("width", 480))
            if not 0 <= t <= 86400 or not 16 <= width <= MAX_THUMBNAIL_WIDTH:
                raise PathRefused(f"t must be within 0..86400 and width within 16..{MAX_THUMBNAIL_WIDTH}")
            rgb = await asyncio.to_thread(
                render_frame,
                project,
                Fraction(str(t)),
                width=width,
                project_dir=input_dir,
                path_policy=render_policy(folders, None, input_dir),
            )
            return web.Response(body=await asyncio.to_thread(_png, rgb), content_type="image/png")

        return await self._guarded(request, work)

    def table(self) -> web.RouteTableDef:
        routes = web.RouteTableDef()
        routes.get(f"{PREFIX}/media/info")(self.info)
        routes.get(f"{PREFIX}/media/thumbnail")(self.thumbnail)
        routes.get(f"{PREFIX}/media/waveform")(self.waveform)
        routes.post(f"{PREFIX}/timeline/frame")(self.timeline_frame)
        return routes


def register_with_comfyui() -> bool:
    """Add the media routes and the HTTP command API (/kijkocut/api) to ComfyUI's server, before it starts
    serving, with project changes pushed over its websocket; False when there is no server."""
    try:
        import folder_paths
        from server import PromptServer
    except ImportError:
        return False
    server = getattr(PromptServer, "instance", None)
    if server is None:
        return False
    from .api_host import comfyui_project_api
    from .gc_pauses import on_server_startup

    tables = [MediaRoutes(folder_paths.get_directory_by_type).table()]
    try:
        tables.append(
            comfyui_project_api(
                folder_paths.get_directory_by_type, folder_paths.get_user_directory(), server.send_sync
            ).table()
        )
    except (OSError, sqlite3.Error, KijkoCutError) as exc:  # an unwritable folder must not cost the nodes
        log.warning("KijkoCut: the panel's command API is disabled: %s", exc)
    for table in tables:
        for route in table:
            server.routes.route(route.method, route.path)(route.handler)
    log.info("KijkoCut: routes registered under %s/", PREFIX)
    # Once every pack is loaded and before the first request: see gc_pauses.
    server.app.on_startup.append(on_server_startup)
    return True
