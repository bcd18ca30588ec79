"""One registry of subcommands, imported lazily: `kijkocut --help`, `probe` and `render` never load the workflow
library or its search stack; a subcommand whose extra is not installed is still listed and says what to
install; a closed output pipe ends the program quietly; every exit code comes from one documented table."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kijkocut import samples
from kijkocut.cli.app import build_parser
from kijkocut.cli.commands import SUBCOMMANDS
from kijkocut.cli.exits import EXIT_CODES, EXIT_FAILED, EXIT_OK, EXIT_PIPE_CLOSED, EXIT_SERVER, EXIT_USAGE

from .conftest import run_process

# Runs a command in a fresh interpreter, then prints which heavy packages it loaded.
LOADED = """
import sys
from kijkocut.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = ("workflows_library", "chromadb", "aiohttp", "sentence_transformers", "torch", "mcp")
print("LOADED", sorted(name for name in heavy if name in sys.modules), file=sys.stderr)
"""


def _loaded(*words: str, cwd=None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *words], capture_output=True, text=True, cwd=cwd, timeout=120
    )
    return done.stderr.strip().splitlines()[-1]


def test_every_subcommand_is_listed_and_registers_itself():
    listing = run_process("--help")
    assert listing.code == EXIT_OK
    for command in SUBCOMMANDS:
        assert command.name in listing.out and command.summary in " ".join(listing.out.split())
        if command.extra == "library":
            pytest.importorskip("chromadb")
        parser = build_parser([command.name])
        chosen = parser._subparsers._group_actions[0].choices[command.name]  # type: ignore[union-attr]
        assert chosen.get_default("unavailable") is None, command.name  # its module registered it for real
    assert EXIT_CODES in listing.out


@pytest.mark.parametrize(
    "words", [["--help"], ["render", "--help"], ["edit", "--help"], ["project", "list", "--projects", "DIR"]]
)
def test_commands_of_the_engine_do_not_load_the_workflow_library(words, tmp_path):
    assert _loaded(*[str(tmp_path) if word == "DIR" else word for word in words]) == "LOADED []"


def test_probe_and_render_do_not_load_the_workflow_library(tmp_path):
    clip = samples.write_video(tmp_path / "a.mp4", seconds=1, width=64, height=36)
    assert _loaded("probe", str(clip)) == "LOADED []"
    assert _loaded("render", str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.mp4")) == "LOADED []"


def test_the_workflow_commands_still_load_it():
    pytest.importorskip("chromadb")
    assert "workflows_library" in _loaded("workflows", "--help")


BLOCK_LIBRARY = "import sys\nsys.modules['aiohttp'] = None\nsys.modules['chromadb'] = None"


@pytest.mark.parametrize(
    "words", [["workflows", "search", "upscale"], ["workflows", "--help"], ["jobs", "list"]]
)
def test_without_the_library_extra_the_workflow_commands_say_what_to_install(words):
    ran = run_process(*words, prelude=BLOCK_LIBRARY)
    assert ran.code == EXIT_FAILED and ran.out == ""
    assert len(ran.err.splitlines()) == 1, ran.err
    assert ran.err.startswith("kijkocut: error: `kijkocut ") and "pip install 'kijkocut[library]'" in ran.err


def test_without_the_library_extra_the_workflow_commands_are_still_listed():
    ran = run_process("--help", prelude=BLOCK_LIBRARY)
    assert ran.code == EXIT_OK and "workflows" in ran.out and "jobs" in ran.out


def test_without_the_otio_extra_otio_says_what_to_install(tmp_path, kijkocut):
    project = tmp_path / "p.json"
    assert kijkocut("project", "create", "P", "--file", str(project)).code == 0
    ran = run_process(
        "otio",
        "export",
        str(project),
        str(tmp_path / "p.otio"),
        prelude="import sys\nsys.modules['opentimelineio'] = None",
    )
    assert ran.code == EXIT_FAILED and len(ran.err.splitlines()) == 1, ran.err
    assert "pip install 'kijkocut[otio]'" in ran.err and "opentimelineio" in ran.err


def _with_closed_stdout(*words: str) -> tuple[int, str]:
    """Run with the reader of stdout gone before anything is written (a `| head -c1` that already exited)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kijkocut.cli", *words], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    return process.wait(timeout=120), err


def test_a_closed_output_pipe_ends_quietly(tmp_path):
    """No traceback, no 'Exception ignored' from the final flush, and the exit code a SIGPIPE'd tool gives."""
    clip = samples.write_video(tmp_path / "a.mp4", seconds=1, width=64, height=36)
    assert _with_closed_stdout("probe", str(clip)) == (EXIT_PIPE_CLOSED, "")
    assert _with_closed_stdout("--help")[1] == ""  # argparse drops help it cannot write


def test_piping_into_head_shows_no_traceback(tmp_path):
    clip = samples.write_video(tmp_path / "a.mp4", seconds=1, width=64, height=36)
    done = subprocess.run(
        f"'{sys.executable}' -m kijkocut.cli probe '{clip}' | head -c1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout == "{" and done.stderr == ""


def test_usage_errors_are_one_line_with_exit_code_2(kijkocut):
    for words in (
        ["nope"],
        ["render"],
        ["render", "p.json", "-o", "x.mp4", "--speed", "warp"],
        ["project", "create"],
        ["edit", "p.json", "no_such_action"],
    ):
        ran = kijkocut(*words)
        assert ran.code == EXIT_USAGE and len(ran.err.splitlines()) == 1, (words, ran.err)
        assert ran.err.startswith("kijkocut") and "error: " in ran.err and "--help" in ran.err


def test_exit_codes_are_the_workflow_commands_numbers():
    library = pytest.importorskip("workflows_library.cli")
    assert (EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SERVER) == (
        library.EXIT_OK,
        library.EXIT_FAILED,
        library.EXIT_USAGE,
        library.EXIT_SERVER,
    )


def test_probe_json_goes_to_stdout(tmp_path, kijkocut):
    clip = samples.write_video(tmp_path / "a.mp4", seconds=1, width=64, height=36)
    ran = kijkocut("probe", str(clip))
    assert ran.code == EXIT_OK and json.loads(ran.out)["video"]["width"] == 64 and ran.err == ""


def test_a_refused_value_or_a_bug_is_still_one_line(kijkocut, monkeypatch):
    from pydantic import BaseModel

    import kijkocut.media.probe as probe

    class Size(BaseModel):
        width: int

    def refuse(path):
        Size.model_validate({"width": "wide"})

    monkeypatch.setattr(probe, "probe_media", refuse)
    refused = kijkocut("probe", "x.mp4")
    assert refused.code == EXIT_USAGE and refused.err.startswith("kijkocut: error: width: ")
    assert len(refused.err.splitlines()) == 1

    def crash(path):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(probe, "probe_media", crash)
    crashed = kijkocut("probe", "x.mp4")
    assert crashed.code == EXIT_FAILED
    assert crashed.err == (
        "kijkocut: error: internal error (RuntimeError: boom; second line); run with -v for details\n"
    )
