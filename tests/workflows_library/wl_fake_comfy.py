"""An in-process aiohttp server that speaks ComfyUI's HTTP and websocket protocol, with fault knobs.

It executes API workflows by walking their nodes and emitting the same websocket events as ComfyUI
(execution_start, execution_cached, executing, progress, executed, execution_success / execution_error /
execution_interrupted, then executing with node None), keeps `/history`, serves `/view`, `/upload/image`
and the output listing (`/internal/files/output`), and counts every request by route.

Faults: failing `/prompt` (`fail_prompt_times`), dropped websockets, execution errors, a paused queue,
history entries without a completion status (`history_without_status`), no output listing, going offline
with the queue kept (`go_offline` / `come_back`) or crashing (`stop`: queue lost; a new instance on the same
root and port is a restarted ComfyUI: empty history, same output folder). `silent_server` accepts
connections and never answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from PIL import Image

IMAGE_OUT = ["IMAGE"]


def node_def(
    required: dict[str, Any],
    outputs: list[str],
    optional: dict[str, Any] | None = None,
    output_node: bool = False,
) -> dict[str, Any]:
    return {
        "input": {"required": required, "optional": optional or {}},
        "output": outputs,
        "output_name": outputs,
        "output_node": output_node,
        "python_module": "nodes",
    }


def core_object_info(
    input_files: list[str] | None = None, upscale_models: list[str] | None = None
) -> dict[str, Any]:
    """A slice of ComfyUI's real `/object_info` (same shapes, same input names) for the nodes tests use."""
    return {
        "EmptyImage": node_def(
            {
                "width": ["INT", {"default": 512, "min": 1, "max": 16384}],
                "height": ["INT", {"default": 512, "min": 1, "max": 16384}],
                "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}],
                "color": ["INT", {"default": 0, "min": 0, "max": 0xFFFFFF}],
            },
            IMAGE_OUT,
        ),
        "SaveImage": node_def(
            {"images": ["IMAGE"], "filename_prefix": ["STRING", {"default": "ComfyUI"}]}, [], output_node=True
        ),
        "ImageBlur": node_def(
            {
                "image": ["IMAGE"],
                "blur_radius": ["INT", {"default": 1, "min": 1, "max": 31}],
                "sigma": ["FLOAT", {"default": 1.0, "min": 0.1, "max": 10.0}],
            },
            IMAGE_OUT,
        ),
        "ImageInvert": node_def({"image": ["IMAGE"]}, IMAGE_OUT),
        "LoadImage": node_def(
            {"image": [sorted(input_files or ["example.png"]), {"image_upload": True}]}, ["IMAGE", "MASK"]
        ),
        "UpscaleModelLoader": node_def({"model_name": [upscale_models or []]}, ["UPSCALE_MODEL"]),
        "ImageUpscaleWithModel": node_def(
            {"upscale_model": ["UPSCALE_MODEL"], "image": ["IMAGE"]}, IMAGE_OUT
        ),
    }


def png_bytes(color: int = 0, size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, ((color >> 16) & 255, (color >> 8) & 255, color & 255)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class FakeComfy:
    root: Path
    object_info: dict[str, Any] = field(default_factory=core_object_info)
    step_delay: float = 0.01
    progress_steps: int = 3
    error_at_class: str | None = None
    fail_prompt_times: int = 0
    fail_status: int = 500
    drop_ws_after_events: int | None = None
    paused: bool = False
    token: str | None = None
    port: int | None = None
    history_without_status: bool = False
    serve_output_listing: bool = True
    executions: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)  # "GET /history/{prompt_id}" -> calls
    prompt_posts: int = 0

    def __post_init__(self) -> None:
        self.output_dir = self.root / "output"
        self.input_dir = self.root / "input"
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.input_dir.mkdir(parents=True, exist_ok=True)
        self.pending: list[tuple[int, str, dict[str, Any], str]] = []
        self.running: tuple[int, str, dict[str, Any], str] | None = None
        self.history: dict[str, Any] = {}
        self.sockets: dict[str, list[web.WebSocketResponse]] = defaultdict(list)
        self._numbers = itertools.count()
        self._work = asyncio.Event()
        self._interrupt: str | None = None
        self._runner: web.AppRunner | None = None
        self._executor: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- lifecycle ---------------------------------------------------------------------------------------
    async def start(self) -> FakeComfy:
        await self._serve()
        self._executor = asyncio.create_task(self._execute_forever())
        return self

    async def _serve(self) -> None:
        app = web.Application(middlewares=[self._count, self._auth])
        app.add_routes(
            [
                web.get("/object_info", self._object_info),
                web.get("/prompt", self._prompt_info),
                web.post("/prompt", self._post_prompt),
                web.get("/queue", self._get_queue),
                web.post("/queue", self._post_queue),
                web.get("/history/{prompt_id}", self._history),
                web.post("/interrupt", self._post_interrupt),
                web.post("/upload/image", self._upload),
                web.get("/view", self._view),
                web.get("/internal/files/output", self._output_listing),
                web.get("/ws", self._ws),
            ]
        )
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port or 0, reuse_address=True)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _unserve(self) -> None:
        for sockets in self.sockets.values():
            for ws in sockets:
                await ws.close()
        self.sockets.clear()
        if self._runner:
            await self._runner.cleanup()
        self._runner = None

    async def go_offline(self) -> None:
        """Unreachable (connections refused) while its queue and running prompt are kept, like a network
        outage; `come_back` serves again on the same port."""
        await self._unserve()

    async def come_back(self) -> None:
        await self._serve()

    async def stop(self) -> None:
        """Go down like a crashed server: sockets closed, queue lost, history kept on `self`."""
        if self._executor:
            self._executor.cancel()
        await self._unserve()
        if self.running:
            self.running = None

    def resume(self) -> None:
        self.paused = False
        self._work.set()

    # -- HTTP ------------------------------------------------------------------------------------------
    @web.middleware
    async def _count(self, request: web.Request, handler: Any) -> web.StreamResponse:
        route = request.match_info.route.resource
        self.requests[f"{request.method} {route.canonical if route else request.path}"] += 1
        return await handler(request)

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorized"}, status=401)
        return await handler(request)

    async def _object_info(self, request: web.Request) -> web.Response:
        return web.json_response(self.object_info)

    def queue_remaining(self) -> int:
        return len(self.pending) + (1 if self.running else 0)

    async def _prompt_info(self, request: web.Request) -> web.Response:
        return web.json_response({"exec_info": {"queue_remaining": self.queue_remaining()}})

    async def _post_prompt(self, request: web.Request) -> web.Response:
        self.prompt_posts += 1
        if self.fail_prompt_times > 0:
            self.fail_prompt_times -= 1
            return web.Response(status=self.fail_status, text="internal error")
        body = await request.json()
        prompt = body.get("prompt", {})
        node_errors: dict[str, Any] = {}
        for node_id, node in prompt.items():
            definition = self.object_info.get(node.get("class_type"))
            if definition is None:
                return web.json_response(
                    {
                        "error": {
                            "type": "invalid_prompt",
                            "message": f"Cannot execute because node {node.get('class_type')} does not exist.",
                            "details": f"Node ID '#{node_id}'",
                            "extra_info": {},
                        },
                        "node_errors": {},
                    },
                    status=400,
                )
            for name in definition["input"]["required"]:
                if name not in node.get("inputs", {}):
                    node_errors.setdefault(
                        node_id, {"errors": [], "dependent_outputs": [], "class_type": node["class_type"]}
                    )
                    node_errors[node_id]["errors"].append(
                        {
                            "type": "required_input_missing",
                            "message": "Required input is missing",
                            "details": name,
                            "extra_info": {"input_name": name},
                        }
                    )
        if node_errors:
            return web.json_response(
                {
                    "error": {
                        "type": "prompt_outputs_failed_validation",
                        "message": "Prompt outputs failed validation",
                        "details": "",
                        "extra_info": {},
                    },
                    "node_errors": node_errors,
                },
                status=400,
            )
        prompt_id = str(body.get("prompt_id") or uuid.uuid4())
        number = next(self._numbers)
        self.pending.append((number, prompt_id, prompt, str(body.get("client_id", ""))))
        self._work.set()
        return web.json_response({"prompt_id": prompt_id, "number": number, "node_errors": {}})

    async def _get_queue(self, request: web.Request) -> web.Response:
        def row(item: tuple[int, str, dict[str, Any], str]) -> list[Any]:
            return [item[0], item[1], item[2], {"client_id": item[3]}, []]

        return web.json_response(
            {
                "queue_running": [row(self.running)] if self.running else [],
                "queue_pending": [row(i) for i in self.pending],
            }
        )

    async def _post_queue(self, request: web.Request) -> web.Response:
        body = await request.json()
        doomed = set(body.get("delete", []))
        self.pending = [item for item in self.pending if item[1] not in doomed]
        if body.get("clear"):
            self.pending.clear()
        return web.Response(status=200)

    async def _history(self, request: web.Request) -> web.Response:
        prompt_id = request.match_info["prompt_id"]
        return web.json_response({prompt_id: self.history[prompt_id]} if prompt_id in self.history else {})

    async def _post_interrupt(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        if self.running and body.get("prompt_id") in (None, self.running[1]):
            self._interrupt = self.running[1]
        return web.Response(status=200)

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form["image"]
        subfolder = str(form.get("subfolder", ""))
        target = self.input_dir / subfolder
        target.mkdir(parents=True, exist_ok=True)
        (target / upload.filename).write_bytes(upload.file.read())  # type: ignore[union-attr]
        return web.json_response({"name": upload.filename, "subfolder": subfolder, "type": "input"})  # type: ignore[union-attr]

    async def _output_listing(self, request: web.Request) -> web.Response:
        if not self.serve_output_listing:
            return web.Response(status=404)
        files = sorted(
            (p for p in self.output_dir.iterdir() if p.is_file()), key=lambda p: -p.stat().st_mtime
        )
        return web.json_response([p.name for p in files])

    async def _view(self, request: web.Request) -> web.StreamResponse:
        base = self.output_dir if request.query.get("type", "output") == "output" else self.input_dir
        path = base / request.query.get("subfolder", "") / request.query["filename"]
        if not path.is_file():
            return web.Response(status=404)
        return web.Response(body=path.read_bytes(), content_type="application/octet-stream")

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        client_id = request.query.get("clientId", "")
        self.sockets[client_id].append(ws)
        await ws.send_json(
            {
                "type": "status",
                "data": {
                    "status": {"exec_info": {"queue_remaining": self.queue_remaining()}},
                    "sid": client_id,
                },
            }
        )
        try:
            async for message in ws:
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            if ws in self.sockets.get(client_id, []):
                self.sockets[client_id].remove(ws)
        return ws

    # -- execution -------------------------------------------------------------------------------------
    async def _send(self, client_id: str, kind: str, data: dict[str, Any]) -> None:
        for ws in list(self.sockets.get(client_id, [])):
            if self.drop_ws_after_events is not None:
                if self.drop_ws_after_events <= 0:
                    self.drop_ws_after_events = None
                    await ws.close()
                    continue
                self.drop_ws_after_events -= 1
            if not ws.closed:
                # A client that went away without closing must not stall execution (ComfyUI's own send
                # does not wait on clients either).
                with contextlib.suppress(asyncio.TimeoutError, ConnectionError, RuntimeError):
                    await asyncio.wait_for(ws.send_json({"type": kind, "data": data}), 1.0)

    async def _execute_forever(self) -> None:
        while True:
            await self._work.wait()
            self._work.clear()
            while self.pending and not self.paused:
                self.running = self.pending.pop(0)
                await self._execute(*self.running)
                self.running = None

    async def _execute(self, number: int, prompt_id: str, prompt: dict[str, Any], client_id: str) -> None:
        self.executions[prompt_id] += 1
        messages: list[list[Any]] = []

        async def emit(kind: str, data: dict[str, Any]) -> None:
            data = {**data, "prompt_id": prompt_id}
            if kind.startswith("execution_"):
                messages.append([kind, data])
            await self._send(client_id, kind, data)

        await emit("execution_start", {"timestamp": 0})
        await emit("execution_cached", {"nodes": []})
        outputs: dict[str, Any] = {}
        status = "success"
        for node_id, node in prompt.items():
            await emit("executing", {"node": node_id, "display_node": node_id})
            if node["class_type"] == self.error_at_class:
                await emit(
                    "execution_error",
                    {
                        "node_id": node_id,
                        "node_type": node["class_type"],
                        "executed": [],
                        "exception_message": "CUDA out of memory (simulated)",
                        "exception_type": "torch.OutOfMemoryError",
                        "traceback": [],
                        "current_inputs": {},
                        "current_outputs": {},
                    },
                )
                status = "error"
                break
            for step in range(1, self.progress_steps + 1):
                await asyncio.sleep(self.step_delay)
                if self._interrupt == prompt_id:  # like ComfyUI: checked between sampling steps
                    break
                await emit("progress", {"value": step, "max": self.progress_steps, "node": node_id})
            if self._interrupt == prompt_id:
                self._interrupt = None
                await emit(
                    "execution_interrupted",
                    {"node_id": node_id, "node_type": node["class_type"], "executed": []},
                )
                status = "error"
                break
            if node["class_type"] == "SaveImage":
                name = f"{node['inputs'].get('filename_prefix', 'ComfyUI')}_{number:05d}_.png"
                (self.output_dir / name).write_bytes(png_bytes(*self._image_of(prompt, node)))
                outputs[node_id] = {"images": [{"filename": name, "subfolder": "", "type": "output"}]}
                await emit("executed", {"node": node_id, "display_node": node_id, "output": outputs[node_id]})
        if status == "success":
            messages.append(["execution_success", {"prompt_id": prompt_id}])
        self.history[prompt_id] = {
            "prompt": [number, prompt_id, prompt, {"client_id": client_id}, list(outputs)],
            "outputs": outputs,
            "status": {"status_str": status, "completed": status == "success", "messages": messages},
            "meta": {},
        }
        if self.history_without_status:
            del self.history[prompt_id]["status"]
        if status == "success":
            await self._send(client_id, "execution_success", {"prompt_id": prompt_id})
        await self._send(client_id, "executing", {"node": None, "prompt_id": prompt_id})

    @staticmethod
    def _image_of(prompt: dict[str, Any], node: dict[str, Any]) -> tuple[int, tuple[int, int]]:
        """Color and size of the EmptyImage feeding a SaveImage, so outputs look like what was asked."""
        source = node["inputs"].get("images")
        if isinstance(source, list) and str(source[0]) in prompt:
            inputs = prompt[str(source[0])]["inputs"]
            return int(inputs.get("color", 0)), (int(inputs.get("width", 8)), int(inputs.get("height", 8)))
        return 0, (8, 8)


async def silent_server() -> tuple[asyncio.AbstractServer, str]:
    """A server that accepts TCP connections, reads what it is sent and never answers (a hung ComfyUI)."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        while await reader.read(1 << 16):
            pass

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"
