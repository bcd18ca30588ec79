"""Export progress on stderr, so stdout stays clean for piping. On a terminal one line is redrawn in place; into
a log or a CI console (not a terminal) a plain line is written at each tenth, so logs hold no carriage returns.
The rate is measured from the first frame the export reports: loading, probing and opening the encoder are not
frames."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, *, interactive: bool | None = None):
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = _is_terminal(self.stream) if interactive is None else interactive
        self._first: tuple[float, int] | None = None  # (monotonic time, frames done) at the first report
        self._shown = -1  # the last percent (terminal) or tenth (log) written
        self._closed = False  # the stream went away (a closed pipe): the export goes on without a bar

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self._first is None:
            self._first = (now, done)
        percent = 100 * done // max(1, total)
        mark = percent if self.interactive else percent // 10
        if self._closed or mark == self._shown or (mark == 0 and not self.interactive):
            return
        self._shown = mark
        line = self.line(done, total, now)
        self._write(f"\r{line}" + ("\n" if done >= total else "") if self.interactive else f"{line}\n")

    def line(self, done: int, total: int, now: float) -> str:
        percent = 100 * done // max(1, total)
        filled = percent * BAR_WIDTH // 100
        started, frames_then = self._first or (now, done)
        elapsed = now - started
        rate = f"{(done - frames_then) / elapsed:5.1f} fps" if elapsed > 0 else "  ... fps"
        return (
            f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}% "
            f"{done}/{total} frames {rate}"
        )

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (BrokenPipeError, ValueError):  # a closed pipe or stream must not stop the export
            self._closed = True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
