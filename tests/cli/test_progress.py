"""The export progress bar: redrawn in place on a terminal, a plain line per tenth into logs (no carriage
returns), a rate measured over the frames exported rather than from the program's start, and a closed stream
that never stops the export."""

from __future__ import annotations

import io
import re
import subprocess
import sys

from kijkocut.cli import progress
from kijkocut.cli.progress import ProgressBar


class Clock:
    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _feed(bar: ProgressBar, total: int, clock: Clock | None = None, seconds_per_frame: float = 0.0) -> None:
    for done in range(1, total + 1):
        if clock is not None:
            clock.now += seconds_per_frame
        bar(done, total)


def test_into_a_log_a_line_per_tenth_and_no_carriage_returns():
    log = io.StringIO()
    _feed(ProgressBar("render", log, interactive=False), 450)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert [int(re.search(r"(\d+)%", line)[1]) for line in lines] == list(range(10, 101, 10))
    assert lines[-1].startswith("render [##############################] 100% 450/450 frames")


def test_a_stream_that_is_not_a_terminal_is_a_log():
    assert not ProgressBar("render", io.StringIO()).interactive


def test_on_a_terminal_one_line_redrawn_in_place():
    screen = io.StringIO()
    _feed(ProgressBar("render", screen, interactive=True), 450)
    drawn = screen.getvalue()
    assert drawn.count("\r") == 101 and drawn.count("\n") == 1  # each percent from 0 to 100, one line
    assert "100% 450/450 frames" in drawn.rsplit("\r", 1)[1] and drawn.endswith(" fps\n")


def test_the_rate_is_measured_from_the_first_frame_not_from_start_up(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    log = io.StringIO()
    bar = ProgressBar("render", log, interactive=False)
    clock.now = 30.0  # loading, probing and opening the encoder took 30 s before the first frame
    _feed(bar, 100, clock, seconds_per_frame=0.1)  # then 10 frames a second
    rates = [float(rate) for rate in re.findall(r"([\d.]+) fps", log.getvalue())]
    assert rates and all(abs(rate - 10.0) < 0.01 for rate in rates), rates


def test_a_closed_stream_stops_the_bar_not_the_export():
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    bar = ProgressBar("render", Closed(), interactive=False)
    _feed(bar, 50)  # no exception reaches the exporter


def test_a_render_logged_to_a_file_has_no_carriage_returns(still_project, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kijkocut.cli",
            "render",
            str(still_project),
            "-o",
            str(tmp_path / "out.mp4"),
            "--end",
            "2",
            "--speed",
            "ultrafast",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr
    assert [int(p) for p in re.findall(r"(\d+)% \d+/50 frames", done.stderr)] == list(range(10, 101, 10))
