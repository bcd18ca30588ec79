"""The host fixtures themselves: a bare server lists only core nodes and leaves the ComfyUI tree alone."""

from __future__ import annotations

import pytest

from tests.comfyui_host import find_comfyui

pytestmark = pytest.mark.host


def test_bare_server_lists_core_nodes_and_not_the_pack(comfyui_server_bare):
    info = comfyui_server_bare.object_info()
    assert "LoadVideo" in info and "SaveVideo" in info
    assert not [name for name in info if name.startswith("KijkoCut.")]
    stats = comfyui_server_bare.get_json("/system_stats")
    assert stats["devices"][0]["type"] == "cpu"


def test_server_folders_live_in_the_temp_base(comfyui_server_bare):
    base = comfyui_server_bare.base_dir
    assert base.resolve() != find_comfyui()
    assert (base / "custom_nodes").is_dir() and (base / "output").is_dir()
    status, _ = comfyui_server_bare.request("GET", "/view?filename=..%2F..%2Fmain.py&type=input")
    assert 400 <= status < 500
