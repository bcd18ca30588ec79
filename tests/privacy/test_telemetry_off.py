"""Third-party telemetry is off as soon as our packages are imported (kijkocut.privacy)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from kijkocut.privacy import DEFAULT_OFF, FORCED_OFF, disable_third_party_telemetry

# ONNX Runtime stays silent when it believes it runs in CI; a user's machine has none of these.
CI_MARKERS = (
    "CI",
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "CIRCLECI",
    "ORT_RUNNING_UNIT_TESTS",
    "ORT_DISABLE_TELEMETRY",
)


def test_forced_values_override_the_users_and_tracing_stays_the_users_choice():
    environ = {"ORT_DISABLE_TELEMETRY": "0", "HF_HUB_DISABLE_TELEMETRY": "0", "LANGSMITH_TRACING": "true"}
    disable_third_party_telemetry(environ)
    assert all(environ[name] == value for name, value in FORCED_OFF.items())
    assert environ["LANGSMITH_TRACING"] == "true"  # configured by the user: kept
    assert environ["LANGCHAIN_TRACING_V2"] == DEFAULT_OFF["LANGCHAIN_TRACING_V2"]


def test_onnx_runtime_writes_no_device_id_and_sends_nothing(tmp_path):
    """The real runtime, in a fresh home, outside CI: importing the workflow library first must leave no
    ~/.cache/Microsoft/DeveloperTools device id (ONNX Runtime writes one when its telemetry is on)."""
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "identity.onnx")
    script = textwrap.dedent(f"""
        import numpy, workflows_library.search.embedder
        import onnxruntime
        session = onnxruntime.InferenceSession({str(tmp_path / "identity.onnx")!r},
                                               providers=["CPUExecutionProvider"])
        print(session.run(None, {{"x": numpy.ones(1, numpy.float32)}})[0][0])
    """)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in CI_MARKERS}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1.0"
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert not any("Microsoft" in p for p in written), written
