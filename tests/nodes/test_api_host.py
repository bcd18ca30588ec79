"""The HTTP command API as the pack serves it inside ComfyUI (ComfyUI's parts handed in, so no ComfyUI is
needed here): where projects and jobs live, every change pushed as a `kijkocut.change` event, and frame
previews that refuse a project naming a file outside ComfyUI's folders."""

from __future__ import annotations

import shutil

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

API = "/kijkocut/api"


@pytest.fixture
def comfy_folders(tmp_path, engine_media):
    layout = {kind: tmp_path / kind for kind in ("input", "output", "temp", "user")}
    for folder in layout.values():
        folder.mkdir()
    shutil.copy(engine_media.red, layout["input"] / "red.mp4")
    (tmp_path / "secret.cube").write_text("TOKEN=canary-7f1e\n")
    return layout


def _api(pack, folders, pushed, env):
    host = pack("nodes.api_host")
    return host.comfyui_project_api(
        lambda kind: str(folders[kind]) if kind in ("input", "output", "temp") else None,
        str(folders["user"]),
        lambda event, data: pushed.append((event, data)),
        env,
        watch=False,
    )


def test_projects_and_jobs_live_in_the_user_folder_unless_the_environment_says(pack, comfy_folders, tmp_path):
    api = _api(pack, comfy_folders, [], {})
    assert api.store.root == (comfy_folders["user"] / "kijkocut" / "projects").resolve()
    assert api.jobs.store.path == comfy_folders["user"] / "kijkocut" / "jobs.sqlite3"
    assert api.output_dir == comfy_folders["output"]
    moved = _api(
        pack,
        comfy_folders,
        [],
        {"KIJKOCUT_PROJECTS_DIR": str(tmp_path / "p"), "KIJKOCUT_DATA_DIR": str(tmp_path / "data")},
    )
    assert (
        moved.store.root == (tmp_path / "p").resolve()
        and moved.jobs.store.path == tmp_path / "data" / "jobs.sqlite3"
    )


async def test_every_change_is_pushed_and_outside_files_are_refused(pack, comfy_folders, tmp_path):
    from kijkocut.edit.commands import AddEffect

    pushed: list = []
    api = _api(pack, comfy_folders, pushed, {})
    app = web.Application()
    app.add_routes(api.table())
    async with TestClient(TestServer(app)) as client:
        created = await client.post(f"{API}/projects", json={"width": 160, "height": 90})
        pid = (await created.json())["id"]
        clip = await (
            await client.post(f"{API}/projects/{pid}/actions/add_clip", json={"params": {"path": "red.mp4"}})
        ).json()
        await client.post(f"{API}/projects/{pid}/undo")
        assert [(name, data["kind"], data["revision"]) for name, data in pushed] == [
            ("kijkocut.change", "created", 0),
            ("kijkocut.change", "edit", 1),
            ("kijkocut.change", "undo", 2),
        ]
        assert pushed[1][1]["project_id"] == pid and pushed[1][1]["origin"] == "http"
        assert {c["entity"] for c in pushed[1][1]["changes"]} >= {"media", "track", "element"}

        await client.post(f"{API}/projects/{pid}/redo")
        frame = await client.get(f"{API}/projects/{pid}/frame", params={"t": "1", "width": "80"})
        assert frame.status == 200 and frame.content_type == "image/jpeg"
        # A project that names a LUT outside the folders (written by another program) renders nothing.
        api.store.apply(
            pid,
            [
                AddEffect(
                    element_id=clip["created"]["element_id"],
                    kind="lut",
                    params={"path": str(tmp_path / "secret.cube")},
                )
            ],
        )
        refused = await client.get(f"{API}/projects/{pid}/frame", params={"t": "1", "width": "80"})
        text = await refused.text()
        assert refused.status == 403 and "outside the allowed folders" in text and "canary" not in text


def _fake_comfyui(monkeypatch, folders):
    """ComfyUI's folder_paths and PromptServer as register_with_comfyui sees them."""
    import sys
    from types import SimpleNamespace

    server = SimpleNamespace(
        routes=web.RouteTableDef(), app=web.Application(), send_sync=lambda event, data, sid=None: None
    )
    monkeypatch.setitem(sys.modules, "server", SimpleNamespace(PromptServer=SimpleNamespace(instance=server)))
    monkeypatch.setitem(
        sys.modules,
        "folder_paths",
        SimpleNamespace(
            get_directory_by_type=lambda kind: (
                str(folders[kind]) if kind in ("input", "output", "temp") else None
            ),
            get_user_directory=lambda: str(folders["user"]),
        ),
    )
    monkeypatch.delenv("KIJKOCUT_PROJECTS_DIR", raising=False)
    monkeypatch.delenv("KIJKOCUT_DATA_DIR", raising=False)
    return server


def test_comfyui_serves_the_media_routes_and_the_command_api(pack, comfy_folders, monkeypatch):
    server = _fake_comfyui(monkeypatch, comfy_folders)
    assert pack("nodes.routes").register_with_comfyui()
    paths = {route.path for route in server.routes}
    assert {
        "/kijkocut/media/info",
        "/kijkocut/api/projects",
        "/kijkocut/api/projects/{project_id}/exports",
        "/kijkocut/api/jobs/{job_id}/cancel",
    } <= paths
    assert (comfy_folders["user"] / "kijkocut" / "jobs.sqlite3").is_file()
    # The start-up heap is frozen when the server starts (nodes/gc_pauses.py), not while packs still load.
    assert "on_server_startup" in [hook.__name__ for hook in server.app.on_startup]


def test_an_unwritable_projects_folder_costs_the_api_not_the_media_routes(
    pack, comfy_folders, monkeypatch, caplog
):
    (comfy_folders["user"] / "kijkocut").write_text("a file where the folder would go")
    server = _fake_comfyui(monkeypatch, comfy_folders)
    assert pack("nodes.routes").register_with_comfyui()
    paths = {route.path for route in server.routes}
    assert "/kijkocut/media/info" in paths and not [p for p in paths if p.startswith("/kijkocut/api")]
    assert "command API is disabled" in caplog.text
