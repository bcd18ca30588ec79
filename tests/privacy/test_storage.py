"""`kijkocut storage`: the real locations the code uses, with sizes, and removal that asks first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


def real_proxy(tmp_path: Path, folder: Path, name: str, hue: int = 0) -> Path:
    """A real preview proxy of a tiny clip, named as the panel's worker names it."""
    from kijkocut import samples
    from kijkocut.media.probe import content_hash
    from kijkocut.media.proxies import make_proxy, proxy_file_name

    clip = samples.write_video(tmp_path / f"{name}.mp4", seconds=0.5, width=320, height=180, rate=10, hue=hue)
    return make_proxy(clip, folder / proxy_file_name(content_hash(clip), 90), height=90)


def days_unused(path: Path, days: float) -> None:
    when = time.time() - days * 24 * 3600
    os.utime(path, (when, when))


def test_the_proxy_cache_is_shown_against_its_cap(tmp_path):
    env = setup(tmp_path)
    env["KIJKOCUT_PROXY_CACHE_MAX"] = "1M"
    proxy = real_proxy(tmp_path, tmp_path / "data" / "proxies", "a")
    done = run_cli(env)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("proxy cache")]
    assert "of 1.0 MB cap" in line and str(tmp_path / "data" / "proxies") in line
    rows = {row["kind"]: row for row in json.loads(run_cli(env, "--json").stdout)}
    [cache] = rows["proxies"]["proxy_caches"]
    assert (cache["files"], cache["bytes"], cache["cap_bytes"]) == (1, proxy.stat().st_size, 1024**2)
    env["KIJKOCUT_PROXY_CACHE_MAX"] = "a lot"
    refused = run_cli(env)
    assert refused.returncode == 2 and "KIJKOCUT_PROXY_CACHE_MAX must be a size such as 20G" in refused.stderr


def test_sweep_removes_unreferenced_then_least_recently_used_proxies_and_says_what_it_freed(tmp_path):
    env = setup(tmp_path)
    folder = tmp_path / "data" / "proxies"
    orphan, old, recent = (
        real_proxy(tmp_path, folder, name, hue) for name, hue in (("o", 0), ("p", 90), ("q", 180))
    )
    days_unused(orphan, 8)  # no project uses its media: past the 7-day grace
    days_unused(old, 3)
    days_unused(recent, 1)
    done = run_cli(env, "sweep", "--max", str(recent.stat().st_size + 10), "--json")
    assert done.returncode == 0, done.stderr
    [report] = json.loads(done.stdout)
    assert [(row["file"], row["reason"]) for row in report["removed"]] == [
        (orphan.name, "unreferenced"),
        (old.name, "over the cap"),
    ]
    assert report["freed_bytes"] == report["before_bytes"] - recent.stat().st_size
    assert [path.name for path in folder.iterdir()] == [recent.name]
    text = run_cli(env, "sweep", "--max", "0")
    assert text.returncode == 0 and "1 least recently used over the cap" in text.stdout
    assert "now 0 B of 0 B cap" in text.stdout and not recent.exists()
    refused = run_cli(env, "sweep", "--max", "half")
    assert refused.returncode == 2 and "--max must be a size such as 20G or 500M" in refused.stderr


def test_removing_proxies_leaves_a_proxy_another_process_is_writing(tmp_path):
    from kijkocut.atomic import LockedPartial

    env = setup(tmp_path)
    folder = tmp_path / "data" / "proxies"
    proxy = real_proxy(tmp_path, folder, "a")
    (folder / "stray.tmp").write_bytes(b"s" * 10)  # not a proxy, but in the folder: removed with the kind
    writing = LockedPartial(folder, f".{'e' * 40}_90p.mp4.", ".sealing")  # this process, not the CLI's
    try:
        done = run_cli(env, "remove", "proxies", "--yes")
        assert done.returncode == 0 and "removed proxies: 2 files" in done.stdout, done.stdout
        assert not proxy.exists() and not (folder / "stray.tmp").exists()
        assert Path(writing.path).is_file()
    finally:
        writing.release()
