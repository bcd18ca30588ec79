"""Configuration from the environment: ComfyUI servers (with optional tokens) and the data directory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

from workflows_library.errors import ConfigError

DEFAULT_URL = "http://127.0.0.1:8188"


class ServerConfig(BaseModel):
    url: str
    token: SecretStr | None = Field(None, description="bearer token for a server behind a reverse proxy")

    @field_validator("url")
    @classmethod
    def _normalise(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"ComfyUI URL must look like http://host:port, got {url!r}")
        return url

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token.get_secret_value()}"} if self.token else {}


class Settings(BaseModel):
    servers: list[ServerConfig]
    data_dir: Path

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "workflow_index"

    @property
    def jobs_db(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def server_configs(env: Mapping[str, str]) -> list[ServerConfig]:
    """`COMFYUI_URLS` (comma-separated) or `COMFYUI_URL`; tokens from `COMFYUI_TOKENS` (same order) or
    `COMFYUI_TOKEN` (every server)."""
    urls = _split(env.get("COMFYUI_URLS", "")) or _split(env.get("COMFYUI_URL", "")) or [DEFAULT_URL]
    tokens: list[str | None] = list(_split(env.get("COMFYUI_TOKENS", "")))
    if tokens and len(tokens) != len(urls):
        raise ConfigError(f"COMFYUI_TOKENS has {len(tokens)} entries but there are {len(urls)} servers")
    shared = env.get("COMFYUI_TOKEN") or None
    tokens = tokens or [shared] * len(urls)
    try:
        servers = [ServerConfig(url=url, token=token or None) for url, token in zip(urls, tokens)]
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    seen = [s.url for s in servers]
    if len(set(seen)) != len(seen):
        raise ConfigError(f"duplicate ComfyUI URLs in {seen}")
    return servers


def default_data_dir(env: Mapping[str, str]) -> Path:
    if env.get("KIJKOCUT_DATA_DIR"):
        return Path(env["KIJKOCUT_DATA_DIR"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kijkocut"))


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    return Settings(servers=server_configs(env), data_dir=default_data_dir(env))
