"""SIGTERM handled like Ctrl+C: `kill`, `timeout`, systemd and container stops send SIGTERM, whose default
action ends the process on the spot, leaving partial export files behind. Raising instead lets the cleanup
that already runs for KeyboardInterrupt (remove the partial file, cancel render jobs) run for it too."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

TERMINATED_EXIT_CODE = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM."""


def _raise_terminated(signum: int, frame) -> None:
    # Once only: a second SIGTERM must not interrupt the cleanup the first one started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated(f"terminated by signal {signum}")


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While the block runs, SIGTERM raises `Terminated` in the main thread; the previous handler comes back
    afterwards. From another thread, where Python cannot install signal handlers, it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
