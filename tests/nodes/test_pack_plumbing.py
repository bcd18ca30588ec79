"""Pack plumbing that needs no ComfyUI: a cheap, side-effect-free import and the memory plan."""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_pack_is_light_and_never_shadows_comfyui_nodes():
    # A fresh interpreter where `kijkocut` is not installed: the pack folder must be appended, not prepended,
    # and nothing heavy (torch, av, comfy) may be imported by the pack's __init__.
    code = f"""
import importlib.util, sys
sys.path = [p for p in sys.path if p not in ('', {str(ROOT)!r})]
real_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name == 'kijkocut' else real_find_spec(name, *a)
spec = importlib.util.spec_from_file_location('pack_probe', {str(ROOT / "__init__.py")!r},
                                              submodule_search_locations=[{str(ROOT)!r}])
module = importlib.util.module_from_spec(spec); sys.modules['pack_probe'] = module; spec.loader.exec_module(module)
assert sys.path[-1] == {str(ROOT)!r} and sys.path[0] != {str(ROOT)!r}
assert module.WEB_DIRECTORY == './web' and callable(module.comfy_entrypoint)
heavy = sorted(m for m in ('torch', 'av', 'comfy', 'comfy_api', 'numpy') if m in sys.modules)
assert not heavy, heavy
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_requirements_mirror_the_core_dependencies_without_torch():
    """ComfyUI-Manager installs requirements.txt: the engine's own dependencies, and never torch."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    def name(requirement: str) -> str:
        return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower()

    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    listed = {name(line) for line in lines if line}
    core = {
        name(dep) for dep in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    assert listed == core and "av" in listed
    assert not listed & {"torch", "torchvision", "torchaudio"}


def test_memory_plan_refuses_with_a_range_that_fits(pack):
    memory = pack("nodes.memory")
    plan = memory.RenderPlan(frames=300, width=1920, height=1080, audio_samples=480000, channels=2)
    per_frame = plan.total_bytes / 300
    memory.check_fits(plan, start=Fraction(0), frame_step=Fraction(1, 30), budget=plan.total_bytes)
    with pytest.raises(memory.RenderTooLarge, match=r"start=2\.00 end=5\.33 \(100 frames\)"):
        memory.check_fits(plan, start=Fraction(2), frame_step=Fraction(1, 30), budget=int(per_frame * 100.5))
    with pytest.raises(memory.RenderTooLarge, match="smaller width/height"):
        memory.check_fits(plan, start=Fraction(0), frame_step=Fraction(1, 30), budget=10)
