"""The panel's HTTP API over an encrypted project: locked, it answers with how to unlock (and lists what it
can); unlocked, the panel edits it as any other, and the file stays encrypted."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

pytest.importorskip("cryptography")
pytest.importorskip("argon2")

from kijkocut.service.store import ProjectStore  # noqa: E402
from kijkocut.vault.keys import KdfParams, Vault  # noqa: E402

API = "/kijkocut/api"
FAST = KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="AAAAAAAAAAAAAAAAAAAAAA==")
PASS = "edit suite"


@pytest.fixture
def sealed(tmp_path, monkeypatch):
    for name in ("KIJKOCUT_PASSPHRASE", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    Vault.for_data_dir(tmp_path / "data", env={}).init(PASS, params=FAST)
    writer = ProjectStore(
        tmp_path / "projects", vault=Vault.for_data_dir(tmp_path / "data", env={"KIJKOCUT_PASSPHRASE": PASS})
    )
    project = writer.create("Secret reel")
    writer.set_encrypted(project.id, True)
    return tmp_path, project.id


async def _client(pack, root, env):
    api = pack("nodes.project_api")
    store = ProjectStore(root / "projects", vault=Vault.for_data_dir(root / "data", env=env))
    app = web.Application()
    app.add_routes(api.ProjectApi(store, api.folder_resolver(lambda kind: None), None).table())
    return TestClient(TestServer(app))


async def test_locked_project_says_how_to_unlock(pack, sealed):
    root, project_id = sealed
    async with await _client(pack, root, {}) as client:
        response = await client.get(f"{API}/projects/{project_id}")
        body = await response.json()
        assert 400 <= response.status < 500, body
        assert "kijkocut vault unlock" in str(body) and "Secret reel" not in str(body)


async def test_unlocked_project_is_edited_and_stays_encrypted(pack, sealed):
    root, project_id = sealed
    async with await _client(pack, root, {"KIJKOCUT_PASSPHRASE": PASS}) as client:
        shown = await (await client.get(f"{API}/projects/{project_id}")).json()
        assert shown["name"] == "Secret reel", shown
        added = await client.post(
            f"{API}/projects/{project_id}/actions/add_marker",
            json={"params": {"time": "1.5", "name": "reveal"}, "base_revision": shown["revision"]},
        )
        assert added.status == 200, await added.text()
        renamed = await client.patch(f"{API}/projects/{project_id}", json={"name": "Secret reel, cut 2"})
        assert renamed.status == 200, await renamed.text()
    raw = (root / "projects" / project_id / "project.json").read_bytes()
    assert raw.startswith(b"KJKCRYPT") and b"cut 2" not in raw and b"reveal" not in raw
