"""Configuration: the file, overlaid by the environment; bad values name the setting."""

from __future__ import annotations

import json
import os

import pytest

from mcp_server.config import ConfigError, load_config


def test_environment_overrides_the_file(tmp_path):
    path = tmp_path / "mcp.json"
    path.write_text(
        json.dumps(
            {
                "workspace": str(tmp_path / "from_file"),
                "media_dirs": ["~/Videos"],
                "comfyui_urls": ["http://127.0.0.1:8188"],
            }
        )
    )
    config = load_config(
        {
            "KIJKOCUT_WORKSPACE": str(tmp_path / "from_env"),
            "COMFYUI_URLS": "http://127.0.0.1:1, http://127.0.0.1:2",
        },
        path,
    )
    assert config.workspace == (tmp_path / "from_env").resolve()
    assert config.media_dirs == [(tmp_path.home() / "Videos").resolve()]
    assert config.comfyui_urls == ["http://127.0.0.1:1", "http://127.0.0.1:2"]
    both = load_config(
        {"KIJKOCUT_MEDIA_DIRS": os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])}, path
    )
    assert [p.name for p in both.media_dirs] == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "cannot read config"),
        ("[1, 2]", "expected a JSON object"),
        ('{"http_token": "short"}', "http_token"),
        ('{"workspaces": "/tmp"}', "workspaces"),
    ],
)
def test_bad_config_files_name_the_problem(tmp_path, content, expected):
    path = tmp_path / "mcp.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=expected):
        load_config({}, path)


def test_a_named_config_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config({"KIJKOCUT_MCP_CONFIG": str(tmp_path / "missing.json")})
