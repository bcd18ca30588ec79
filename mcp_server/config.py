"""Server configuration: a JSON config file overlaid by environment variables.

Precedence (lowest first): built-in defaults, the config file, the environment. The config file is
`$KIJKOCUT_MCP_CONFIG`, else `<user config dir>/kijkocut/mcp.json` when it exists.

| environment                  | config key            | meaning                                             |
|------------------------------|-----------------------|-----------------------------------------------------|
| KIJKOCUT_WORKSPACE           | workspace             | projects, imported media, renders and job outputs   |
| KIJKOCUT_PROJECTS_DIR        | projects_dir          | the projects folder, when not <workspace>/projects  |
| KIJKOCUT_MEDIA_DIRS          | media_dirs            | extra folders media may be read from (os.pathsep)   |
| KIJKOCUT_DATA_DIR            | data_dir              | the job store shared with the CLI (jobs.sqlite3)    |
| KIJKOCUT_MCP_TOKEN           | http_token            | bearer token for --http (generated when absent)     |
| KIJKOCUT_MCP_ALLOWED_HOSTS   | allowed_hosts         | extra Host headers accepted over HTTP (comma list)  |
| COMFYUI_URLS / COMFYUI_URL   | comfyui_urls          | ComfyUI servers for workflow tools (comma list)     |
| COMFYUI_TOKEN                | comfyui_token         | bearer token sent to those servers                  |
| KIJKOCUT_MCP_TOOLS           | tool_groups           | editing, workflows (default), productions (comma)   |
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kijkocut.validation_messages import describe_validation_error
from workflows_library.config import default_data_dir

APP_NAME = "kijkocut"
# editing: projects, media, the timeline, renders and their jobs; workflows: ComfyUI generation workflows;
# productions: the production agents (opt-in: their tools would push the default tools/list past 60 KB).
ToolGroup = Literal["editing", "workflows", "productions"]
TOOL_GROUPS: tuple[ToolGroup, ...] = ("editing", "workflows")  # the default


class ConfigError(ValueError):
    """The config file or an environment variable is invalid; the message names which."""


class ServerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    workspace: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)) / "workspace")
    media_dirs: list[Path] = Field(default_factory=list, description="folders media may be read from")
    # Shared with a ComfyUI server (its panel and nodes) when both name the same folder.
    projects_dir: Path | None = Field(None, description="the projects folder; default <workspace>/projects")
    # The same default as the CLI's (one function decides), so both see the same jobs.
    data_dir: Path = Field(
        default_factory=lambda: default_data_dir(os.environ),
        description="where the job store shared with the CLI lives",
    )
    http_token: str | None = Field(None, min_length=16)
    allowed_hosts: list[str] = Field(default_factory=list, description="extra host[:port] values for HTTP")
    comfyui_urls: list[str] = Field(default_factory=list)
    comfyui_token: str | None = None
    # A client that only edits (or only generates) is sent the schemas of those tools alone.
    tool_groups: list[ToolGroup] = Field(default_factory=lambda: list(TOOL_GROUPS), min_length=1)

    @property
    def projects_folder(self) -> Path:
        return self.projects_dir or self.workspace / "projects"

    @property
    def token_file(self) -> Path:
        return Path(platformdirs.user_config_dir(APP_NAME)) / "mcp_token"


def default_config_path(env: Mapping[str, str]) -> Path:
    explicit = env.get("KIJKOCUT_MCP_CONFIG")
    return Path(explicit) if explicit else Path(platformdirs.user_config_dir(APP_NAME)) / "mcp.json"


def _split(value: str, sep: str) -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def load_config(env: Mapping[str, str] | None = None, config_path: Path | None = None) -> ServerConfig:
    env = os.environ if env is None else env
    path = config_path or default_config_path(env)
    doc: dict = {}
    if path.exists():
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config ({exc})") from None
        if not isinstance(doc, dict):
            raise ConfigError(f"{path}: expected a JSON object")
    elif config_path is not None or "KIJKOCUT_MCP_CONFIG" in env:
        raise ConfigError(f"{path}: config file does not exist")

    if value := env.get("KIJKOCUT_WORKSPACE"):
        doc["workspace"] = value
    if value := env.get("KIJKOCUT_DATA_DIR"):
        doc["data_dir"] = value
    if value := env.get("KIJKOCUT_PROJECTS_DIR"):
        doc["projects_dir"] = value
    if value := env.get("KIJKOCUT_MEDIA_DIRS"):
        doc["media_dirs"] = _split(value, os.pathsep)
    if value := env.get("KIJKOCUT_MCP_TOKEN"):
        doc["http_token"] = value
    if value := env.get("KIJKOCUT_MCP_ALLOWED_HOSTS"):
        doc["allowed_hosts"] = _split(value, ",")
    if value := env.get("COMFYUI_URLS") or env.get("COMFYUI_URL"):
        doc["comfyui_urls"] = _split(value, ",")
    if value := env.get("COMFYUI_TOKEN"):
        doc["comfyui_token"] = value
    if value := env.get("KIJKOCUT_MCP_TOOLS"):
        doc["tool_groups"] = _split(value, ",")
    try:
        config = ServerConfig.model_validate(doc)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration ({path}): {describe_validation_error(exc)}") from None
    expand = lambda p: Path(os.path.expandvars(p)).expanduser().resolve()  # noqa: E731
    return config.model_copy(
        update={
            "workspace": expand(config.workspace),
            "data_dir": expand(config.data_dir),
            "media_dirs": [expand(p) for p in config.media_dirs],
            "projects_dir": config.projects_dir and expand(config.projects_dir),
        }
    )


def ensure_http_token(config: ServerConfig) -> tuple[str, bool]:
    """The configured token, else the one saved on a previous start, else a new one saved 0600.
    Returns (token, newly_generated) so the CLI prints it only the first time."""
    if config.http_token:
        return config.http_token, False
    path = config.token_file
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if len(token) >= 16:
            return token, False
    token = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token, True
