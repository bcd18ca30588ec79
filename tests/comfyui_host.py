"""A real ComfyUI host for tests: find a ComfyUI tree, start its server on loopback with throwaway folders,
optionally with this pack linked into its custom_nodes, talk to it over HTTP and the websocket, stop it.

ComfyUI is never part of this repository: tests find it through `COMFYUI_PATH` (a ComfyUI checkout with its
requirements installed) and skip with a reason when it is not set. The server runs with
`--base-directory TMP` so that models/custom_nodes/input/output/temp/user all live in a temp folder and the
ComfyUI tree itself is never written to.

    from tests.comfyui_host import comfyui_server, start_comfyui  # fixtures and the context manager

Environment:
- COMFYUI_PATH: the ComfyUI tree (must contain main.py).
- COMFYUI_PYTHON: the interpreter that has ComfyUI's requirements; default `$COMFYUI_PATH/.venv/bin/python`
  when it exists, else the interpreter running the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACK_DIR_NAME = "kijkocut"  # the folder name the pack gets under custom_nodes/
STARTUP_TIMEOUT = 180.0


class ComfyUIUnavailable(RuntimeError):
    """COMFYUI_PATH is unset or does not point at a ComfyUI tree."""


class PromptFailed(RuntimeError):
    """ComfyUI rejected a prompt or reported an execution error; carries the server's details."""

    def __init__(self, message: str, details: Any = None):
        self.details = details
        super().__init__(f"{message}: {json.dumps(details, indent=1)[:4000]}" if details else message)


def find_comfyui() -> Path:
    value = os.environ.get("COMFYUI_PATH", "").strip()
    if not value:
        raise ComfyUIUnavailable("COMFYUI_PATH is not set (point it at a ComfyUI tree to run host tests)")
    path = Path(value).expanduser().resolve()
    if not (path / "main.py").is_file() or not (path / "comfy_api").is_dir():
        raise ComfyUIUnavailable(f"COMFYUI_PATH={value} is not a ComfyUI tree (no main.py / comfy_api)")
    return path


def find_python(comfyui: Path) -> str:
    explicit = os.environ.get("COMFYUI_PYTHON", "").strip()
    if explicit:
        return explicit
    venv_python = comfyui / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def require_comfyui() -> Path:
    """The ComfyUI tree, or skip the calling test with the reason."""
    try:
        return find_comfyui()
    except ComfyUIUnavailable as exc:
        pytest.skip(str(exc))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ComfyServer:
    url: str
    base_dir: Path
    process: subprocess.Popen
    log_path: Path
    client_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def input_dir(self) -> Path:
        return self.base_dir / "input"

    @property
    def output_dir(self) -> Path:
        return self.base_dir / "output"

    @property
    def temp_dir(self) -> Path:
        return self.base_dir / "temp"

    @property
    def user_dir(self) -> Path:
        return self.base_dir / "user"

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # --- HTTP -----------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> tuple[int, bytes]:
        """Status and body; HTTP errors are returned, not raised, so tests can assert on 4xx."""
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def get_json(self, path: str) -> Any:
        status, body = self.request("GET", path)
        if status != 200:
            raise AssertionError(f"GET {path} -> {status}: {body[:500]!r}")
        return json.loads(body)

    def post_json(self, path: str, payload: Any) -> tuple[int, Any]:
        status, body = self.request(
            "POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        try:
            return status, json.loads(body) if body else None
        except json.JSONDecodeError:
            return status, body.decode(errors="replace")

    def object_info(self) -> dict[str, Any]:
        return self.get_json("/object_info")

    def upload(self, path: str | os.PathLike[str], *, subfolder: str = "", kind: str = "image") -> str:
        """Upload a file through ComfyUI's own /upload/image endpoint (which takes any file type); returns
        the annotated name a LoadImage/LoadVideo-style combo expects ("sub/name.ext" or "name.ext")."""
        path = Path(path)
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{path.name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + path.read_bytes()
            + b"\r\n",
            f'--{boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\ninput\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="subfolder"\r\n\r\n{subfolder}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="overwrite"\r\n\r\ntrue\r\n'.encode(),
            f"--{boundary}--\r\n".encode(),
        ]
        status, body = self.request(
            "POST",
            f"/upload/{kind}",
            b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        if status != 200:
            raise AssertionError(f"upload of {path.name} -> {status}: {body[:300]!r}")
        reply = json.loads(body)
        return f"{reply['subfolder']}/{reply['name']}" if reply.get("subfolder") else reply["name"]

    # --- prompts ----------------------------------------------------------------------------------------

    def run_prompt(self, prompt: dict[str, Any], timeout: float = 600) -> dict[str, Any]:
        """Queue an API-format prompt, wait on the websocket until it finishes, return its /history entry.
        Raises PromptFailed with the server's node errors or execution error."""
        return asyncio.run(self._run_prompt(prompt, timeout))

    async def _run_prompt(self, prompt: dict[str, Any], timeout: float) -> dict[str, Any]:
        import aiohttp  # only host tests need it; keeps this module importable anywhere

        ws_url = self.url.replace("http://", "ws://") + f"/ws?clientId={self.client_id}"
        async with aiohttp.ClientSession() as session, session.ws_connect(ws_url, heartbeat=30) as ws:
            # Connect first so no message about this prompt can be missed.
            async with session.post(
                f"{self.url}/prompt", json={"prompt": prompt, "client_id": self.client_id}
            ) as response:
                reply = await response.json(content_type=None)
                if response.status != 200 or reply.get("node_errors"):
                    raise PromptFailed(f"/prompt rejected the prompt ({response.status})", reply)
            prompt_id = reply["prompt_id"]
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PromptFailed(
                        f"prompt {prompt_id} did not finish within {timeout:.0f} s", {"log": self.log_tail()}
                    )
                message = await ws.receive(timeout=remaining)
                if message.type != aiohttp.WSMsgType.TEXT:
                    if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                        raise PromptFailed(
                            "websocket closed before the prompt finished", {"log": self.log_tail()}
                        )
                    continue  # binary preview frames
                event = json.loads(message.data)
                data = event.get("data") or {}
                if data.get("prompt_id") != prompt_id:
                    continue
                if event["type"] == "execution_error":
                    raise PromptFailed(f"prompt {prompt_id} failed", data)
                if event["type"] == "execution_interrupted":
                    raise PromptFailed(f"prompt {prompt_id} was interrupted", data)
                if event["type"] == "execution_success" or (
                    event["type"] == "executing" and data.get("node") is None
                ):
                    break
        # ComfyUI announces success before it writes the history entry: poll briefly for it.
        history_deadline = time.monotonic() + 10
        while True:
            history = self.get_json(f"/history/{prompt_id}")
            if prompt_id in history or time.monotonic() > history_deadline:
                return history[prompt_id]
            await asyncio.sleep(0.05)


def _link_pack(custom_nodes: Path) -> None:
    (custom_nodes / PACK_DIR_NAME).symlink_to(REPO_ROOT, target_is_directory=True)


@contextlib.contextmanager
def start_comfyui(
    *,
    with_pack: bool = True,
    extra_args: tuple[str, ...] = (),
    timeout: float = STARTUP_TIMEOUT,
    base_dir: Path | None = None,
) -> Iterator[ComfyServer]:
    """Start ComfyUI (`--cpu`, 127.0.0.1, a free port) with every writable folder under a temp base dir and,
    with `with_pack`, this repository symlinked as custom_nodes/kijkocut. Yields once /system_stats answers;
    stops the server on exit. Raises ComfyUIUnavailable when COMFYUI_PATH is unusable."""
    comfyui = find_comfyui()
    python = find_python(comfyui)
    owned = base_dir is None
    base = Path(tempfile.mkdtemp(prefix="comfyui-host-")) if base_dir is None else Path(base_dir)
    for name in ("custom_nodes", "input", "output", "temp", "user", "models"):
        (base / name).mkdir(parents=True, exist_ok=True)
    if with_pack:
        _link_pack(base / "custom_nodes")
    port = free_port()
    log_path = base / "comfyui.log"
    command = [
        python,
        "main.py",
        "--cpu",
        "--listen",
        "127.0.0.1",
        "--port",
        str(port),
        "--base-directory",
        str(base),
        # Keep ComfyUI from writing user/comfyui.db inside its own tree and from loading cloud API nodes.
        "--database-url",
        "sqlite:///:memory:",
        "--disable-api-nodes",
        "--disable-auto-launch",
        *extra_args,
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=comfyui, stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL
        )
    server = ComfyServer(url=f"http://127.0.0.1:{port}", base_dir=base, process=process, log_path=log_path)
    try:
        _wait_until_ready(server, timeout)
        yield server
    finally:
        _stop(process)
        if owned and not os.environ.get("KIJKOCUT_KEEP_HOST_DIR"):
            shutil.rmtree(base, ignore_errors=True)


def _wait_until_ready(server: ComfyServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"ComfyUI exited with code {server.process.returncode} during start-up:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.url + "/system_stats", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    _stop(server.process)
    raise RuntimeError(f"ComfyUI did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _server_fixture(with_pack: bool) -> Iterator[ComfyServer]:
    try:
        with start_comfyui(with_pack=with_pack) as server:
            yield server
    except ComfyUIUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def comfyui_server() -> Iterator[ComfyServer]:
    """A ComfyUI server with this pack installed, shared by the session's host tests."""
    yield from _server_fixture(with_pack=True)


@pytest.fixture(scope="session")
def comfyui_server_bare() -> Iterator[ComfyServer]:
    """A ComfyUI server without this pack (core nodes only)."""
    yield from _server_fixture(with_pack=False)
