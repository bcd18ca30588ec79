"""Where a data directory's keys live: the data directory the CLI, the MCP server and the agents share
(`KIJKOCUT_DATA_DIR`, else the platform's user data dir; the rule of workflows_library.config)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("KIJKOCUT_DATA_DIR"):
        return Path(env["KIJKOCUT_DATA_DIR"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kijkocut"))


def keys_dir(env: Mapping[str, str] | None = None) -> Path:
    return default_data_dir(env) / "keys"
