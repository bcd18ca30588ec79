"""How often a long call tells its client how far it is: at most one progress notification a second (a
client renders each one, and a job's progress changes many times a second), the finished state always."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

MIN_INTERVAL_SECONDS = 1.0


@dataclass
class ProgressThrottle:
    clock: Callable[[], float] = time.monotonic
    interval: float = MIN_INTERVAL_SECONDS
    _last_sent: float | None = field(default=None, init=False)
    _last_value: tuple[float, str] | None = field(default=None, init=False)

    def should_send(self, progress: float, message: str, *, final: bool = False) -> bool:
        """True when this state is new and (it is final or) a second has passed since the last one sent."""
        now = self.clock()
        if (progress, message) == self._last_value:
            return False
        if not final and self._last_sent is not None and now - self._last_sent < self.interval:
            return False
        self._last_sent, self._last_value = now, (progress, message)
        return True
