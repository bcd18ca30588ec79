"""The CLI and the MCP server keep jobs in one place by default, and each sees the other's jobs."""

from pathlib import Path

import pytest

from workflows_library.config import default_data_dir, load_settings
from workflows_library.jobs import Job, JobOutput, JobStatus, JobStore

pytest.importorskip("mcp")
from mcp_server.config import ServerConfig, load_config  # noqa: E402
from mcp_server.workflows import WorkflowService  # noqa: E402
from mcp_server.workspace import Workspace  # noqa: E402


def test_one_job_store_for_the_cli_and_the_mcp_server(tmp_path: Path, monkeypatch):
    config_file = tmp_path / "mcp.json"
    config_file.write_text("{}")
    env = {"KIJKOCUT_DATA_DIR": str(tmp_path / "data"), "KIJKOCUT_WORKSPACE": str(tmp_path / "ws")}
    config = load_config(env, config_file)
    service = WorkflowService(config, Workspace(config.workspace))
    assert (
        service.settings.jobs_db
        == load_settings(env).jobs_db
        == (tmp_path / "data" / "jobs.sqlite3").resolve()
    )
    assert service.settings.media_dir == config.workspace / "jobs" / "media"  # its downloads stay confined

    monkeypatch.delenv(
        "KIJKOCUT_DATA_DIR", raising=False
    )  # neither set: the platform's user data dir, for both
    assert ServerConfig().data_dir == load_settings({}).data_dir == default_data_dir({})


async def test_the_mcp_server_lists_a_cli_job_and_leaves_its_outside_outputs_unlinked(tmp_path: Path):
    config = ServerConfig(
        workspace=tmp_path / "ws", data_dir=tmp_path / "data", comfyui_urls=["http://127.0.0.1:9"]
    )
    outside = tmp_path / "data" / "media" / "job-0123456789ab" / "solid.png"  # where a CLI run downloads
    outside.parent.mkdir(parents=True)
    outside.write_bytes(b"\x89PNG")
    store = JobStore(tmp_path / "data" / "jobs.sqlite3")
    job = store.create(Job(id="job-0123456789ab", workflow_id="solid_color_plate"))
    store.update(job.id, status=JobStatus.running)
    store.update(job.id, status=JobStatus.completed, progress=1.0, outputs=[
        JobOutput(node_id="2", filename="solid.png", kind="image", local_path=str(outside))])  # fmt: skip
    store.close()

    service = WorkflowService(config, Workspace(config.workspace))
    (view,) = service.list_jobs()
    assert (view.job_id, view.state, view.outputs) == (job.id, "completed", [])
