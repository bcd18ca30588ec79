"""The panel's keyframe values (web/panel/keyframes.js) against the engine's (kijkocut.animation.value_at): the
same keys, as the project's JSON carries them, evaluated by both at every frame from before the first key to
after the last, for each kind of interpolation (bézier curves with random control points included). Skipped
when Node.js is not installed."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from kijkocut.animation import Keyframe, value_at

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")
KINDS = ["linear", "hold", "bezier", "ease_in", "ease_out", "ease_in_out"]

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (the panel's JS needs it)")


def _cases(seed: int = 14) -> list[tuple[list[Keyframe], list[Fraction]]]:
    rng = random.Random(seed)
    cases = []
    for rate in (Fraction(25), Fraction(30000, 1001), Fraction(60)):
        for kind in KINDS:
            frames = sorted(rng.sample(range(0, 120), 4))
            keys = []
            for frame in frames:
                interpolation = kind if rng.random() < 0.75 else rng.choice(KINDS)
                curve = None
                if interpolation == "bezier" and rng.random() < 0.8:  # without a curve: linear
                    curve = (rng.random(), rng.uniform(-0.5, 1.5), rng.random(), rng.uniform(-0.5, 1.5))
                keys.append(
                    Keyframe(
                        time=frame / rate,
                        value=rng.uniform(-500, 500),
                        interpolation=interpolation,
                        bezier=curve,
                    )
                )
            rng.shuffle(keys)  # the project keeps them in any order
            cases.append((keys, [f / rate for f in range(frames[0] - 3, frames[-1] + 4)]))
    one = [Keyframe(time=Fraction(1, 2), value=0.3, interpolation="ease_in")]
    cases.append((one, [Fraction(0), Fraction(1, 2), Fraction(3)]))
    return cases


def test_the_panel_computes_the_engines_keyframe_values(tmp_path):
    cases = _cases()
    (tmp_path / "cases.json").write_text(
        json.dumps(
            [
                {
                    "keys": [k.model_dump(mode="json") for k in keys],
                    "locals": [float(t) for t in times],  # the panel's playhead: a double
                }
                for keys, times in cases
            ]
        )
    )
    result = subprocess.run(
        [NODE, str(HERE / "keyframe_values.mjs"), str(tmp_path / "cases.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    shown = json.loads(result.stdout)
    compared = 0
    for (keys, times), values in zip(cases, shown, strict=True):
        for t, value in zip(times, values, strict=True):
            expected = value_at(keys, t)
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-9), (float(t), keys)
            compared += 1
    assert compared > 1000
