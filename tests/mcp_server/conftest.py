"""Fixtures for the MCP server tests: a workspace with three small generated clips in `input/`, the service
layer over it, and the MCP server built on those services (connected in-process by the tests)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kijkocut import samples
from mcp_server.config import ServerConfig
from mcp_server.server import build_server
from mcp_server.services import Services

CLIP_SECONDS = 2


@dataclass(frozen=True)
class Clips:
    folder: Path
    paths: list[Path]  # a.mp4 (with a tone), b.mp4, c.mp4: 2 s, 160x90 @ 15 fps, distinct hues


@pytest.fixture(scope="session")
def clip_files(tmp_path_factory) -> Clips:
    folder = tmp_path_factory.mktemp("clips")
    paths = [
        samples.write_video(
            folder / f"{name}.mp4",
            seconds=CLIP_SECONDS,
            width=160,
            height=90,
            rate=15,
            hue=hue,
            tone_hz=440 if name == "a" else None,
        )
        for name, hue in (("a", 0), ("b", 120), ("c", 240))
    ]
    return Clips(folder, paths)


@pytest.fixture
def workspace_dir(tmp_path, clip_files) -> Path:
    """A fresh workspace whose input/ folder holds copies of the three clips."""
    root = tmp_path / "workspace"
    (root / "input").mkdir(parents=True)
    for path in clip_files.paths:
        (root / "input" / path.name).write_bytes(path.read_bytes())
    return root


@pytest.fixture
def config(workspace_dir, tmp_path) -> ServerConfig:
    allowed = tmp_path / "allowed_media"
    allowed.mkdir()
    # Port 9 on loopback is closed: the "ComfyUI is down" case, with no outbound traffic.
    return ServerConfig(
        workspace=workspace_dir,
        media_dirs=[allowed],
        comfyui_urls=["http://127.0.0.1:9"],
        data_dir=tmp_path / "data",
    )  # a job store of its own (it is shared by default)


@pytest.fixture
def services(config) -> Services:
    return Services.from_config(config)


@pytest.fixture
def server(services):
    return build_server(services)


def data(result: Any) -> dict:
    """The structured content of a successful tool result (fails the test with the error text otherwise)."""
    assert not result.is_error, result.content[0].text
    assert result.structured_content is not None
    return result.structured_content


def error_text(result: Any) -> str:
    assert result.is_error, f"expected a tool error, got {json.dumps(result.structured_content)[:300]}"
    return result.content[0].text
