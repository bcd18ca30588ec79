"""Fixtures for the node pack's tests.

The pack is loaded the way ComfyUI loads it: its root `__init__.py` as a package under a name of its own,
so `nodes/` is only reached relatively and never shadows ComfyUI's top-level `nodes` module.

Tests that call node `execute` need ComfyUI's `comfy_api`: they use the `comfy` fixture, which imports a
ComfyUI tree from COMFYUI_PATH (CPU only, folders redirected to temp dirs) and skips with the reason when
COMFYUI_PATH is unset or ComfyUI's modules cannot be imported in this interpreter."""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACK_NAME = "kijkocut_pack"
# Every node the pack registers (without the pack prefix): the pack listing and the host must show exactly these.
NODE_IDS = {
    "NewTimeline",
    "LoadTimeline",
    "SaveTimeline",
    "TimelineFromJSON",
    "TimelineInfo",
    "ConcatenateTimelines",
    "AddText",
    "AddTransition",
    "SplitAt",
    "TrimAt",
    "RippleDeleteAt",
    "ApplyEffect",
    "LoadMedia",
    "AddClip",
    "AddImages",
    "AddVideo",
    "AddAudio",
    "RenderTimeline",
    "ExportTimeline",
    "Keyframes",
    "AnimationPreset",
    "SetSpeed",
    "StyleText",
    "FreezeFrame",
    "DetachAudio",
    "TrackSettings",
    "ApplyAction",
    "UndoRedo",
    "SampleMedia",
    "LoadProduction",
    "LoadPanelProject",
}


def pack_module(name: str) -> ModuleType:
    """A module of the pack, e.g. pack_module("nodes.paths"); loads the pack once."""
    if PACK_NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PACK_NAME, ROOT / "__init__.py", submodule_search_locations=[str(ROOT)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[PACK_NAME] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{PACK_NAME}.{name}") if name else sys.modules[PACK_NAME]


@pytest.fixture(scope="session")
def pack():
    return pack_module


@dataclass
class ComfyFolders:
    input: Path
    output: Path
    temp: Path
    user: Path


def _import_comfyui(path: str) -> None:
    if path not in sys.path:
        # First on the path: ComfyUI's own top-level modules (nodes, server, folder_paths) must win.
        sys.path.insert(0, path)
    from comfy.cli_args import args

    args.cpu = True  # before comfy.model_management is imported: no CUDA probing
    importlib.import_module("comfy_api.latest")
    importlib.import_module("comfy.model_management")
    importlib.import_module("folder_paths")


@pytest.fixture(scope="session")
def comfy_session(tmp_path_factory) -> ComfyFolders:
    path = os.environ.get("COMFYUI_PATH", "").strip()
    if not path:
        pytest.skip("node tests need ComfyUI's comfy_api: set COMFYUI_PATH to a ComfyUI tree")
    if not (Path(path) / "comfy_api").is_dir():
        pytest.skip(f"COMFYUI_PATH={path} is not a ComfyUI tree")
    try:
        _import_comfyui(str(Path(path).resolve()))
    except ImportError as exc:
        pytest.skip(
            f"ComfyUI at {path} does not import in this interpreter ({exc}); install its "
            "requirements, or at least `einops psutil` beside torch, see README"
        )
    base = tmp_path_factory.mktemp("comfy_folders")
    folders = ComfyFolders(base / "input", base / "output", base / "temp", base / "user")
    for folder in (folders.input, folders.output, folders.temp, folders.user / "default"):
        folder.mkdir(parents=True, exist_ok=True)
    import folder_paths

    folder_paths.set_input_directory(str(folders.input))
    folder_paths.set_output_directory(str(folders.output))
    folder_paths.set_temp_directory(str(folders.temp))
    folder_paths.set_user_directory(str(folders.user))
    return folders


@pytest.fixture
def comfy(comfy_session) -> ComfyFolders:
    import comfy.model_management

    comfy.model_management.interrupt_current_processing(False)
    return comfy_session


@pytest.fixture(scope="session")
def input_media(comfy_session, engine_media) -> dict[str, str]:
    """The engine's generated media copied into ComfyUI's input folder; name -> file name there."""
    names = {}
    for key in ("red", "green", "small", "logo", "music", "voice"):
        source = getattr(engine_media, key)
        shutil.copy(source, comfy_session.input / source.name)
        names[key] = source.name
    return names
