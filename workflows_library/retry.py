"""Resilience primitives: exponential backoff with jitter, deadlines, and a per-server circuit breaker."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.5  # fraction of each delay that is randomised, so clients do not retry in lockstep

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (0-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        spread = (rng or random).uniform(1.0 - self.jitter, 1.0)
        return ceiling * spread


@dataclass
class Deadline:
    """A time budget started now: how long a wait has lasted and whether it is spent."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    started: float | None = None  # clock reading it counts from; None: now

    def __post_init__(self) -> None:
        if self.started is None:
            self.started = self.clock()

    @property
    def elapsed(self) -> float:
        assert self.started is not None
        return self.clock() - self.started

    @property
    def remaining(self) -> float:
        return max(0.0, self.seconds - self.elapsed)

    @property
    def expired(self) -> bool:
        return self.elapsed >= self.seconds


class BreakerState(str, Enum):
    closed = "closed"
    open = "open"
    half_open = "half_open"


@dataclass
class CircuitBreaker:
    """Stops hammering a dead server: opens after `failure_threshold` consecutive failures, lets one
    probe through after `reset_after` seconds, and closes again on the first success."""

    failure_threshold: int = 3
    reset_after: float = 15.0
    clock: Callable[[], float] = time.monotonic
    _failures: int = 0
    _opened_at: float | None = None
    _probing: bool = field(default=False, repr=False)

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.closed
        if self.clock() - self._opened_at >= self.reset_after:
            return BreakerState.half_open
        return BreakerState.open

    def allow(self) -> bool:
        state = self.state
        if state is BreakerState.closed:
            return True
        if state is BreakerState.half_open and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        self._failures += 1
        self._probing = False
        if self._failures >= self.failure_threshold or self._opened_at is not None:
            self._opened_at = self.clock()

    def retry_in(self) -> float:
        return (
            0.0 if self._opened_at is None else max(0.0, self.reset_after - (self.clock() - self._opened_at))
        )
