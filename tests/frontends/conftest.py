from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from kijkocut.samples import write_image, write_video


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("frontend-media")
    write_video(folder / "a.mp4", seconds=3, width=160, height=90)
    write_video(folder / "b.mp4", seconds=3, width=160, height=90)
    write_image(folder / "still.png", 64, 48)
    return folder


@pytest.fixture
def http_api(tmp_path, media_dir, pack):
    """The HTTP command API served for real on 127.0.0.1 (a thread with its own event loop), media from the
    shared folder as ComfyUI's input folder."""
    from aiohttp import web

    from kijkocut.service.store import ProjectStore

    api = pack("nodes.project_api")
    store = ProjectStore(tmp_path / "projects")
    app = web.Application()
    app.add_routes(
        api.ProjectApi(
            store, api.folder_resolver(lambda kind: str(media_dir) if kind == "input" else None)
        ).table()
    )
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", store
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


@pytest.fixture(scope="session")
def pack():
    from tests.nodes.conftest import pack_module

    return pack_module
