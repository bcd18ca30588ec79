"""No outbound traffic, traced: each front end as a new user runs it, under `strace -f`, in a fresh home
directory, outside CI (ONNX Runtime stays quiet when it sees CI variables, which would hide the very telemetry
this test is for). A run fails on any destination that is not loopback, a local socket or a configured endpoint,
and lists it; it also fails when anything appeared in the home directory outside KijkoCut's data directory
(device ids such as ~/.cache/Microsoft/DeveloperTools, Hugging Face telemetry files).

`.ci/checks/30-privacy.sh` installs strace and runs this file twice: as is, and inside a network namespace with
only loopback up (`unshare -n`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kijkocut.privacy import DEFAULT_OFF, FORCED_OFF
from tests.privacy.trace import Endpoint, outbound, strace_path, traced_run

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DATA_DIR = Path(".local") / "share" / "kijkocut"  # platformdirs' user data dir, relative to HOME
# Present on a user's machine whatever KijkoCut does; a CI runner sets some of them.
CI_MARKERS = (
    "CI",
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "CIRCLECI",
    "BUILDKITE",
    "ORT_RUNNING_UNIT_TESTS",
)
# Files that hold no identifier and no user data (font lookup caches); anything else outside the data dir fails.
HARMLESS = ("fontconfig",)

needs_strace = pytest.mark.skipif(
    strace_path() is None,
    reason="strace is not installed (apt-get install strace; .ci/checks/30-privacy.sh does)",
)


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A new user's environment: a fresh HOME, no KijkoCut or ComfyUI settings, no CI markers, and none of the
    telemetry switches KijkoCut sets itself (so the test proves the code sets them)."""
    dropped = set(CI_MARKERS) | set(FORCED_OFF) | set(DEFAULT_OFF)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped
        and not key.startswith(("KIJKOCUT_", "COMFYUI_URL", "COMFYUI_TOKEN", "XDG_", "HF_", "PYTEST_"))
    }
    env.update(HOME=str(home), PYTHONPATH=str(REPO), **extra)
    return env


def written_outside_data_dir(home: Path) -> list[str]:
    found = []
    for path in sorted(home.rglob("*")):
        relative = path.relative_to(home)
        if path.is_dir() or relative.is_relative_to(DATA_DIR):
            continue
        if any(part in HARMLESS for part in relative.parts):
            continue
        found.append(str(relative))
    return found


def check_private(run, home: Path, allowed: list[Endpoint] | None = None) -> None:
    assert run.returncode == 0, f"the scenario failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}"
    reached = run.outbound(allowed or [])
    assert not reached, "outbound traffic:\n  " + "\n  ".join(reached)
    stray = written_outside_data_dir(home)
    assert not stray, f"written outside {DATA_DIR} in the home directory: {stray}"


@pytest.fixture
def home(tmp_path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


# --- the tracer itself -------------------------------------------------------------------------------------


@needs_strace
def test_the_tracer_catches_connections_datagrams_and_name_lookups(tmp_path, home):
    """A real process that reaches out (UDP connect, a datagram, a name lookup) is caught and listed; its
    loopback traffic is not. Documentation addresses (RFC 5737/3849): nothing leaves for a real host."""
    script = (
        "import socket\n"
        "try: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(('192.0.2.7', 9))\n"
        "except OSError: pass\n"  # unreachable inside a namespace: the attempt is what counts
        "try: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'x', ('2001:db8::7', 9))\n"
        "except OSError: pass\n"
        "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', 9))\n"
        "try: socket.getaddrinfo('telemetry.invalid', 443)\n"
        "except OSError: pass\n"
    )
    run = traced_run(
        [sys.executable, "-c", script],
        env=user_env(home),
        cwd=tmp_path,
        trace_file=tmp_path / "trace.txt",
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    reached = run.outbound()
    assert "connect to 192.0.2.7:9" in reached
    assert "sendto to 2001:db8::7:9" in reached
    assert not any("127.0.0.1" in line for line in reached)
    # Inside a namespace without a name server the lookup may not reach the socket; with one it is named.
    resolv = Path("/etc/resolv.conf")
    if resolv.exists() and "nameserver" in resolv.read_text():
        assert any(line.startswith("DNS query for telemetry.invalid") for line in reached) or any(
            ":53" in line for line in reached
        ), reached
    assert run.outbound([Endpoint("192.0.2.7", 9), Endpoint("2001:db8::7", 9)]) == [
        line for line in reached if "192.0.2.7" not in line and "2001:db8::7" not in line
    ]


def test_parser_reads_strace_lines():
    trace = "\n".join(
        [
            '10  connect(3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
            '10  connect(4, {sa_family=AF_INET, sin_port=htons(8188), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            "11  connect(5, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
            'inet_pton(AF_INET6, "::ffff:13.107.5.88", &sin6_addr), sin6_scope_id=0}, 28 <unfinished ...>',
            "11  <... connect resumed>) = -1 ENETUNREACH (Network is unreachable)",
            "12  sendto(6, {{nlmsg_len=20, nlmsg_type=RTM_GETADDR}}, 20, 0, {sa_family=AF_NETLINK, nl_pid=0, "
            "nl_groups=00000000}, 12) = 20",
            '13  connect(7, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0',
            '13  sendmmsg(7, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="X\\223\\1\\0\\0\\1'
            '\\0\\0\\0\\0\\0\\0\\6mobile\\6events\\4data\\tmicrosoft\\3com\\0\\0\\1\\0\\1", iov_len=29}], '
            "msg_iovlen=1}, msg_len=29}], 2, MSG_NOSIGNAL) = 2",
        ]
    )
    reached = outbound(trace)
    assert reached[:2] == ["connect to ::ffff:13.107.5.88:443", "connect to 127.0.0.53:53"]
    # \t is strace's escape for the 9-byte label "microsoft".
    assert reached[2] == "DNS query for mobile.events.data.microsoft.com via 127.0.0.53:53", reached


# --- the scenarios -----------------------------------------------------------------------------------------


@needs_strace
def test_demo(tmp_path, home):
    run = traced_run(
        [str(BIN / "kijkocut"), "demo", "-o", str(tmp_path / "out")],
        env=user_env(home),
        cwd=tmp_path,
        trace_file=tmp_path / "trace.txt",
        timeout=600,
    )
    check_private(run, home)
    assert len(list((tmp_path / "out").glob("*.mp4"))) == 2  # 16:9 and 9:16


@needs_strace
@pytest.mark.slow
def test_first_workflow_search(tmp_path, home):
    """The first search exports and loads the embedding model through ONNX Runtime, where the telemetry was."""
    run = traced_run(
        [str(BIN / "kijkocut"), "workflows", "search", "animate a still photo"],
        env=user_env(home),
        cwd=tmp_path,
        trace_file=tmp_path / "trace.txt",
        timeout=600,
    )
    check_private(run, home)
    assert "1. " in run.stdout, run.stdout
    assert list((home / DATA_DIR / "models").glob("*.onnx")), "the search did not use ONNX Runtime"


@needs_strace
@pytest.mark.slow
def test_mcp_server_over_stdio(tmp_path, home):
    run = traced_run(
        [sys.executable, "-m", "tests.privacy.scenarios.mcp_session", str(tmp_path / "workspace")],
        env=user_env(home),
        cwd=REPO,
        trace_file=tmp_path / "trace.txt",
        timeout=600,
    )
    check_private(run, home)
    assert run.stdout.startswith("ok:"), run.stdout


@needs_strace
@pytest.mark.slow
def test_node_workflow_on_a_real_comfyui_host(tmp_path, home):
    from tests.comfyui_host import require_comfyui

    require_comfyui()
    base = tmp_path / "comfyui"
    run = traced_run(
        [sys.executable, "-m", "tests.privacy.scenarios.comfyui_workflow", str(base)],
        env=user_env(
            home, COMFYUI_PATH=os.environ["COMFYUI_PATH"], COMFYUI_PYTHON=os.environ.get("COMFYUI_PYTHON", "")
        ),
        cwd=REPO,
        trace_file=tmp_path / "trace.txt",
        timeout=600,
    )
    check_private(run, home)
    assert run.stdout.startswith("ok:"), run.stdout


def produce_available() -> bool:
    done = subprocess.run(
        [str(BIN / "kijkocut"), "produce", "demo", "--help"], capture_output=True, text=True, timeout=60
    )
    return done.returncode == 0


@needs_strace
@pytest.mark.slow
def test_production_demo_with_the_offline_brain(tmp_path, home):
    if not produce_available():
        pytest.skip("`kijkocut produce demo` does not exist yet (the production agents, issue #15)")
    run = traced_run(
        [str(BIN / "kijkocut"), "produce", "demo", "--brain", "offline", "--out", str(tmp_path / "out")],
        env=user_env(home),
        cwd=tmp_path,
        trace_file=tmp_path / "trace.txt",
        timeout=600,
    )
    check_private(run, home)
    assert any((tmp_path / "out").rglob("*")), "the production demo wrote no artefact"
