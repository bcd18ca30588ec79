"""The CLI end to end: real argument parsing, real library, a fake ComfyUI server over HTTP."""

import argparse
import asyncio
import json

import pytest

from workflows_library import api, cli


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMFYUI_URLS", raising=False)
    api.settings.cache_clear()
    yield monkeypatch
    api.settings.cache_clear()


def run_cli(*argv: str) -> int:
    """The CLI's sync handlers call asyncio.run, so they must run off the test's event loop."""
    return cli.main(list(argv))


def test_register_adds_workflows_and_jobs_leafs_with_handlers():
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["workflows", "run", "x", "--input", "a=1", "-i", "b=2", "--server", "http://h:1"]
    )
    assert args.func is cli.cmd_run and args.input == ["a=1", "b=2"]
    assert parser.parse_args(["jobs", "cancel", "job-1"]).func is cli.cmd_jobs_cancel


def test_show_prints_inputs_models_and_estimates(env, capsys):
    assert run_cli("workflows", "show", "video_upscale_4k_esrgan") == 0
    out = capsys.readouterr().out
    assert "video (video; required)" in out and "upscale_models/RealESRGAN_x4plus.safetensors" in out
    assert run_cli("workflows", "show", "video_upscale_4k_esrgan", "--json") == 0
    assert json.loads(capsys.readouterr().out)["id"] == "video_upscale_4k_esrgan"


def test_unknown_workflow_and_bad_input_exit_2_with_a_message(env, capsys):
    assert run_cli("workflows", "show", "nope") == 2
    assert "unknown workflow 'nope'" in capsys.readouterr().err
    env.setenv("COMFYUI_URL", "http://127.0.0.1:9")
    assert run_cli("workflows", "run", "solid_color_plate", "--input", "width=huge") == 2
    assert "expects int" in capsys.readouterr().err


def test_search_prints_ranked_explained_hits(env, capsys, embedder):
    env.setattr(api, "_embedder", lambda: embedder)  # reuse the session's loaded model
    api._searcher.cache_clear()
    assert run_cli("workflows", "search", "upscale my video to 4K", "--no-templates", "--limit", "3") == 0
    out = capsys.readouterr().out
    assert out.startswith("1. video_upscale_4k_esrgan") and "you provide: video (video)" in out


async def test_run_shows_progress_then_jobs_list_show(env, fake, capsys):
    env.setenv("COMFYUI_URL", fake.url)
    code = await asyncio.to_thread(
        run_cli,
        "workflows",
        "run",
        "solid_color_plate",
        "-i",
        "width=32",
        "-i",
        "height=16",
        "--input",
        "color=16711680",
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "%" in captured.err and "[" in captured.err  # the progress bar
    assert "completed" in captured.out and ".png" in captured.out
    job_id = captured.out.split()[0]
    assert await asyncio.to_thread(run_cli, "jobs", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [j["id"] for j in listed] == [job_id] and listed[0]["status"] == "completed"
    assert await asyncio.to_thread(run_cli, "jobs", "show", job_id) == 0
    assert job_id in capsys.readouterr().out
    assert await asyncio.to_thread(run_cli, "jobs", "show", "job-missing") == 2
    assert "unknown job" in capsys.readouterr().err


async def test_detached_job_can_be_cancelled(env, fake, capsys):
    env.setenv("COMFYUI_URL", fake.url)
    assert await asyncio.to_thread(run_cli, "workflows", "run", "solid_color_plate", "--detach") == 0
    job_id = capsys.readouterr().out.split()[0]
    assert await asyncio.to_thread(run_cli, "jobs", "cancel", job_id) == 0
    assert "cancelled" in capsys.readouterr().out
