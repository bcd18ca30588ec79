"""Configuration from the environment: ComfyUI servers (with optional tokens), the data directory (the job
store shared by the CLI and the MCP server lives there) and how long the runner waits in each state.

| environment                    | RunLimits field     | default | what gives up when it runs out              |
|--------------------------------|---------------------|---------|---------------------------------------------|
| KIJKOCUT_JOB_HEALTH_TIMEOUT    | health_timeout      | 2 s     | one server's health check (it is skipped)   |
| KIJKOCUT_JOB_SUBMIT_ATTEMPTS   | dispatch_attempts   | 5       | getting a job onto a server (job fails)     |
| KIJKOCUT_JOB_SUBMIT_DEADLINE   | dispatch_deadline   | 60 s    | the same, in time                           |
| KIJKOCUT_JOB_CONTACT_DEADLINE  | contact_deadline    | 300 s   | a running job's server unreachable          |
| KIJKOCUT_JOB_SETTLE_DEADLINE   | settle_deadline     | 120 s   | /history without a completion status        |
| KIJKOCUT_JOB_RUN_DEADLINE      | run_deadline        | 86400 s | a job queued or running on its server       |
"""

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


class RunLimits(BaseModel):
    """How long the runner waits in each state before it gives up (seconds), and how it backs off."""

    health_timeout: float = Field(
        2.0, gt=0, description="a server's health check; slower servers are skipped"
    )
    capabilities_timeout: float = Field(30.0, gt=0, description="fetching a server's /object_info")
    dispatch_attempts: int = Field(5, ge=1, description="tries to get a job onto a server")
    dispatch_deadline: float = Field(60.0, gt=0, description="time to get a job onto a server")
    contact_deadline: float = Field(300.0, gt=0, description="a running job's server unreachable this long")
    settle_deadline: float = Field(120.0, gt=0, description="/history entry without a completion status")
    run_deadline: float = Field(86400.0, gt=0, description="a job queued or running on its server")
    max_submissions: int = Field(3, ge=1, description="sends of one prompt (the server lost it: restarts)")
    poll_interval: float = Field(1.0, gt=0, description="first /history poll delay; doubles while idle")
    max_poll_interval: float = Field(10.0, gt=0)
    retry_interval: float = Field(2.0, gt=0, description="first delay between tries to reach a server")
    max_retry_interval: float = Field(15.0, gt=0)
    heartbeat_interval: float = Field(5.0, gt=0, description="how often a runner says it is alive")
    stale_after: float = Field(60.0, gt=0, description="a runner silent this long is presumed dead")


_LIMIT_VARIABLES = {
    "KIJKOCUT_JOB_HEALTH_TIMEOUT": "health_timeout",
    "KIJKOCUT_JOB_SUBMIT_ATTEMPTS": "dispatch_attempts",
    "KIJKOCUT_JOB_SUBMIT_DEADLINE": "dispatch_deadline",
    "KIJKOCUT_JOB_CONTACT_DEADLINE": "contact_deadline",
    "KIJKOCUT_JOB_SETTLE_DEADLINE": "settle_deadline",
    "KIJKOCUT_JOB_RUN_DEADLINE": "run_deadline",
}


def run_limits(env: Mapping[str, str]) -> RunLimits:
    values: dict[str, float] = {}
    for variable, name in _LIMIT_VARIABLES.items():
        raw = env.get(variable, "").strip()
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not value > 0 or value == float("inf") or (name == "dispatch_attempts" and value != int(value)):
            kind = "whole number" if name == "dispatch_attempts" else "number of seconds"
            raise ConfigError(f"{variable} must be a positive {kind}, got {raw!r}")
        values[name] = value
    return RunLimits(**values)


class Settings(BaseModel):
    servers: list[ServerConfig]
    data_dir: Path
    downloads_dir: Path | None = Field(None, description="where job outputs land; default <data_dir>/media")
    limits: RunLimits = Field(default_factory=RunLimits)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "workflow_index"

    @property
    def jobs_db(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def media_dir(self) -> Path:
        return self.downloads_dir or self.data_dir / "media"


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
    """`KIJKOCUT_DATA_DIR`, else the platform's user data dir: the CLI and the MCP server both use this."""
    if env.get("KIJKOCUT_DATA_DIR"):
        return Path(env["KIJKOCUT_DATA_DIR"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kijkocut"))


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    return Settings(servers=server_configs(env), data_dir=default_data_dir(env), limits=run_limits(env))
