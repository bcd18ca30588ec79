"""Front ends open encrypted projects once unlocked, and say how to unlock a locked one: the MCP server (in
process, as the MCP tests drive it) and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("cryptography")
pytest.importorskip("argon2")
pytest.importorskip("mcp")

from mcp import Client  # noqa: E402

from kijkocut.service.store import ProjectStore  # noqa: E402
from kijkocut.vault.keys import KdfParams, Vault  # noqa: E402
from mcp_server.config import ServerConfig  # noqa: E402
from mcp_server.server import build_server  # noqa: E402
from mcp_server.services import Services  # noqa: E402

FAST = KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="AAAAAAAAAAAAAAAAAAAAAA==")
PASS = "film night"
BIN = Path(sys.executable).parent


@pytest.fixture
def encrypted(tmp_path, monkeypatch):
    data, workspace = tmp_path / "data", tmp_path / "workspace"
    for name in ("KIJKOCUT_PASSPHRASE", "XDG_RUNTIME_DIR", "KIJKOCUT_PROJECTS_DIR", "KIJKOCUT_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(data))
    vault = Vault.for_data_dir(data, env={})
    vault.init(PASS, params=FAST)
    store = ProjectStore(workspace / "projects", vault=vault)
    project = store.create("Night shoot")
    store.set_encrypted(project.id, True)
    config = ServerConfig(workspace=workspace, comfyui_urls=["http://127.0.0.1:9"], data_dir=data)
    return config, project.id, workspace / "projects", data


async def describe(config: ServerConfig, project_id: str):
    async with Client(build_server(Services.from_config(config))) as client:
        return await client.call_tool("project_describe", {"project_id": project_id})


async def test_mcp_says_how_to_unlock_then_opens_it(encrypted, monkeypatch):
    config, project_id, _projects, _data = encrypted
    locked = await describe(config, project_id)
    assert locked.is_error and "kijkocut vault unlock" in locked.content[0].text
    monkeypatch.setenv("KIJKOCUT_PASSPHRASE", PASS)
    opened = await describe(config, project_id)
    assert not opened.is_error and "Night shoot" in opened.content[0].text


def test_cli_edits_an_encrypted_project_with_the_passphrase_in_the_environment(encrypted):
    _config, project_id, projects, data = encrypted
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIJKOCUT_")}
    env.update(KIJKOCUT_DATA_DIR=str(data), KIJKOCUT_PROJECTS_DIR=str(projects))
    kijkocut = str(BIN / "kijkocut")
    locked = subprocess.run(
        [kijkocut, "project", "show", project_id], env=env, capture_output=True, text=True
    )
    assert locked.returncode != 0 and "kijkocut vault unlock" in locked.stderr
    listed = subprocess.run([kijkocut, "project", "list"], env=env, capture_output=True, text=True)
    assert "1 encrypted project(s) locked: run `kijkocut vault unlock`" in listed.stdout, listed.stdout
    env["KIJKOCUT_PASSPHRASE"] = PASS
    renamed = subprocess.run(
        [kijkocut, "project", "rename", project_id, "Night shoot, cut 2"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert renamed.returncode == 0, renamed.stderr
    raw = (projects / project_id / "project.json").read_bytes()
    assert raw.startswith(b"KJKCRYPT") and b"cut 2" not in raw
    env["KIJKOCUT_PASSPHRASE"] = "wrong"
    wrong = subprocess.run([kijkocut, "project", "show", project_id], env=env, capture_output=True, text=True)
    assert wrong.returncode != 0 and "wrong passphrase" in wrong.stderr
    assert (projects / project_id / "project.json").read_bytes() == raw


def test_cli_vault_commands_from_init_to_a_new_passphrase(tmp_path):
    """init, encrypt, an unlocked session in the runtime folder, lock, a passphrase change."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIJKOCUT_")}
    env.update(
        KIJKOCUT_DATA_DIR=str(tmp_path / "data"),
        KIJKOCUT_PROJECTS_DIR=str(tmp_path / "projects"),
        XDG_RUNTIME_DIR=str(runtime),
    )

    def cli(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "kijkocut"), *args], env={**env, **extra}, capture_output=True, text=True, timeout=120
        )

    assert cli("project", "create", "Trip").returncode == 0
    made = cli("vault", "init", "--kdf-seconds", "0.05", KIJKOCUT_PASSPHRASE="one")
    assert made.returncode == 0 and "Argon2id" in made.stdout, made.stderr
    assert cli("vault", "encrypt", "Trip", KIJKOCUT_PASSPHRASE="one").returncode == 0
    [project_file] = (tmp_path / "projects").rglob("project.json")
    assert project_file.read_bytes().startswith(b"KJKCRYPT")
    assert (
        "encrypted projects are locked: run `kijkocut vault unlock`" in cli("project", "show", "Trip").stderr
    )
    assert cli("vault", "unlock", "--minutes", "5", KIJKOCUT_PASSPHRASE="one").returncode == 0
    assert [p.stat().st_mode & 0o777 for p in runtime.rglob("session-*")] == [0o600]
    shown = cli("project", "show", project_file.parent.name)
    assert shown.returncode == 0 and "Trip" in shown.stdout, shown.stderr
    assert cli("vault", "lock").returncode == 0 and not list(runtime.rglob("session-*"))
    changed = cli(
        "vault",
        "passphrase",
        "--kdf-seconds",
        "0.05",
        KIJKOCUT_PASSPHRASE="one",
        KIJKOCUT_NEW_PASSPHRASE="two",
    )
    assert changed.returncode == 0 and "no project file was rewritten" in changed.stdout, changed.stderr
    assert cli("project", "show", project_file.parent.name, KIJKOCUT_PASSPHRASE="two").returncode == 0
    assert (
        "wrong passphrase"
        in cli("project", "show", project_file.parent.name, KIJKOCUT_PASSPHRASE="one").stderr
    )


async def test_mcp_finds_the_keys_of_the_data_directory_its_configuration_names(encrypted, monkeypatch):
    config, project_id, _projects, data = encrypted
    monkeypatch.delenv("KIJKOCUT_DATA_DIR")  # set only in the server's configuration
    monkeypatch.setenv("HOME", str(data.parent / "elsewhere"))  # the default data directory has no keys
    monkeypatch.setenv("XDG_DATA_HOME", str(data.parent / "elsewhere" / "share"))
    monkeypatch.setenv("KIJKOCUT_PASSPHRASE", PASS)
    opened = await describe(config, project_id)
    assert not opened.is_error and "Night shoot" in opened.content[0].text, opened.content[0].text
