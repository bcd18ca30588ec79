"""Which media inputs are local files to upload: only absolute paths a front end produced after confining what
the user named. The library never finds a bare name in its process's working directory (a file there used to
be uploaded to ComfyUI); the CLI resolves names from the shell's working directory itself, as a user expects."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from wl_fake_comfy import FakeComfy, core_object_info

from workflows_library import api, cli
from workflows_library.errors import InputError
from workflows_library.inputs import is_local_file, localise_media_inputs, locate_from_cwd
from workflows_library.jobs import JobStatus

WORKFLOW = "image_upscale_esrgan_4x"
UPSCALER = "RealESRGAN_x4plus.safetensors"


@pytest.fixture
async def upscaler(tmp_path):
    fake = await FakeComfy(
        tmp_path / "comfy", object_info=core_object_info(upscale_models=[UPSCALER])
    ).start()
    yield fake
    await fake.stop()


def _uploaded(fake: FakeComfy) -> list[str]:
    return sorted(p.name for p in fake.input_dir.rglob("*") if p.is_file())


async def test_a_bare_name_is_never_read_from_the_working_directory(
    upscaler, make_runner, tmp_path, monkeypatch
):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "secret.png").write_bytes(b"\x89PNG canary-2f9e")
    monkeypatch.chdir(cwd)
    runner = make_runner([upscaler.url])
    job = await asyncio.wait_for(runner.run(runner.submit(WORKFLOW, {"image": "secret.png"})), 20)
    assert job.status.terminal
    assert job.workflow["1"]["inputs"]["image"] == "secret.png"  # sent as a name in the server's folder
    assert _uploaded(upscaler) == []


async def test_an_absolute_path_from_a_front_end_is_uploaded(upscaler, make_runner, tmp_path):
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG photo")
    runner = make_runner([upscaler.url])
    job = await asyncio.wait_for(runner.run(runner.submit(WORKFLOW, {"image": str(image)})), 20)
    assert job.status is JobStatus.completed and _uploaded(upscaler) == ["photo.png"]


def test_locate_from_cwd_reads_paths_as_a_shell_does(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "here.png").write_bytes(b"x")
    (tmp_path / "home" / "mine.png").write_bytes(b"x")
    assert locate_from_cwd("image", "here.png") == str((tmp_path / "here.png").resolve())
    assert locate_from_cwd("image", "~/mine.png") == str((tmp_path / "home" / "mine.png").resolve())
    assert locate_from_cwd("image", "on_the_server.png") is None
    for missing in ("./gone.png", "~/gone.png", str(tmp_path / "gone.png")):
        with pytest.raises(InputError, match="input 'image': file not found"):
            locate_from_cwd("image", missing)


def test_localise_passes_every_media_value_to_the_front_end(library):
    card = library.card(WORKFLOW)
    seen = []
    localised = localise_media_inputs(
        card, {"image": 12345}, lambda name, value: seen.append(value) or "/x/a.png"
    )
    assert seen == ["12345"] and localised == {"image": "/x/a.png"}
    assert localise_media_inputs(card, {"image": "kijkocut/a.png"}, lambda n, v: None) == {
        "image": "kijkocut/a.png"
    }
    assert is_local_file("/x/a.png") and not any(is_local_file(v) for v in ("a.png", "./a.png", "~/a.png", 3))


async def test_the_cli_uploads_a_file_named_relative_to_the_working_directory(
    upscaler, tmp_path, monkeypatch
):
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COMFYUI_URL", upscaler.url)
    api.settings.cache_clear()
    monkeypatch.chdir(tmp_path)
    Path("holiday.png").write_bytes(b"\x89PNG holiday")
    try:
        code = await asyncio.to_thread(cli.main, ["workflows", "run", WORKFLOW, "-i", "image=holiday.png"])
    finally:
        api.settings.cache_clear()
    assert code == 0 and _uploaded(upscaler) == ["holiday.png"]
