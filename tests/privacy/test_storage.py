"""`kijkocut storage`: the real locations the code uses, with sizes, and removal that asks first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kijkocut.service.store import ProjectStore

BIN = Path(sys.executable).parent


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "kijkocut"), "storage", *args], env=env, capture_output=True, text=True, timeout=60
    )


def setup(tmp_path: Path) -> dict[str, str]:
    data, projects = tmp_path / "data", tmp_path / "projects"
    ProjectStore(projects).create("Holiday")
    (data / "models").mkdir(parents=True)
    (data / "models" / "m.onnx").write_bytes(b"m" * 5000)
    (data / "jobs.sqlite3").write_bytes(b"j" * 300)
    (data / "jobs.sqlite3-wal").write_bytes(b"w" * 200)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIJKOCUT_")}
    env.update(KIJKOCUT_DATA_DIR=str(data), KIJKOCUT_PROJECTS_DIR=str(projects), HOME=str(tmp_path / "home"))
    return env


def test_the_report_lists_every_kind_where_the_code_keeps_it_with_sizes(tmp_path):
    env = setup(tmp_path)
    done = run_cli(env, "--json")
    assert done.returncode == 0, done.stderr
    rows = {row["kind"]: row for row in json.loads(done.stdout)}
    assert set(rows) >= {"projects", "media", "jobs", "search-index", "models", "productions", "keys"}
    project_file = next((tmp_path / "projects").rglob("project.json"))
    assert rows["projects"]["bytes"] >= project_file.stat().st_size > 0
    assert (rows["models"]["files"], rows["models"]["bytes"]) == (1, 5000)
    assert (rows["jobs"]["files"], rows["jobs"]["bytes"]) == (2, 500)  # the database and its WAL
    assert rows["search-index"]["present"] == [] and rows["search-index"]["bytes"] == 0
    text = run_cli(env)
    assert "models" in text.stdout and "4.9 KB" in text.stdout


def test_remove_asks_for_yes_then_removes_only_that_kind(tmp_path):
    env = setup(tmp_path)
    asked = run_cli(env, "remove", "jobs")
    assert asked.returncode == 2 and "--yes" in asked.stdout
    assert (tmp_path / "data" / "jobs.sqlite3").exists()
    done = run_cli(env, "remove", "jobs", "--yes")
    assert done.returncode == 0 and "2 files" in done.stdout
    assert not (tmp_path / "data" / "jobs.sqlite3").exists()
    assert not (tmp_path / "data" / "jobs.sqlite3-wal").exists()
    assert (tmp_path / "data" / "models" / "m.onnx").exists()
    assert next((tmp_path / "projects").rglob("project.json"))


def test_remove_deletes_links_not_what_they_point_at(tmp_path):
    env = setup(tmp_path)
    outside = tmp_path / "precious.mp4"
    outside.write_bytes(b"keep")
    (tmp_path / "data" / "media").mkdir()
    (tmp_path / "data" / "media" / "linked.mp4").symlink_to(outside)
    assert run_cli(env, "remove", "media", "--yes").returncode == 0
    assert outside.read_bytes() == b"keep"
    assert not (tmp_path / "data" / "media").exists()


def test_an_unknown_kind_is_refused_with_the_list(tmp_path):
    done = run_cli(setup(tmp_path), "remove", "everything", "--yes")
    assert done.returncode == 2
    assert "unknown kind 'everything'" in done.stderr and "search-index" in done.stderr


def test_comfyuis_user_folder_is_included_when_named(tmp_path):
    env = setup(tmp_path)
    hosted = tmp_path / "comfy_user" / "kijkocut" / "proxies"
    hosted.mkdir(parents=True)
    (hosted / "clip.proxy.mp4").write_bytes(b"p" * 700)
    plain = {row["kind"] for row in json.loads(run_cli(env, "--json").stdout)}
    assert "comfyui" not in plain and "proxies" in plain
    done = run_cli(env, "--json", "--comfyui-user", str(tmp_path / "comfy_user"))
    rows = {row["kind"]: row for row in json.loads(done.stdout)}
    assert (rows["comfyui"]["files"], rows["comfyui"]["bytes"]) == (1, 700)
