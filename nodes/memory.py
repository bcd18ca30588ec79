"""Memory planning for Render Timeline: an IMAGE batch is float32 (frames, H, W, 3) and lives in RAM whole, so
the size is checked before anything is allocated, and a refusal says which range would fit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

BYTES_PER_SAMPLE = 4  # float32, for IMAGE pixels and AUDIO samples alike
# Leave room for ComfyUI, the decoders and downstream nodes: use at most this share of the free memory.
BUDGET_SHARE = 0.5


def available_memory() -> int:
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:  # psutil ships with ComfyUI; this is for bare test environments
        import os

        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class RenderPlan:
    frames: int
    width: int
    height: int
    audio_samples: int
    channels: int

    @property
    def image_bytes(self) -> int:
        return self.frames * self.width * self.height * 3 * BYTES_PER_SAMPLE

    @property
    def total_bytes(self) -> int:
        return self.image_bytes + self.audio_samples * self.channels * BYTES_PER_SAMPLE


class RenderTooLarge(MemoryError):
    pass


def _gib(n: float) -> str:
    return f"{n / 1024**3:.2f} GiB"


def check_fits(plan: RenderPlan, *, start: Fraction, frame_step: Fraction, budget: int | None = None) -> None:
    """Raise RenderTooLarge when the plan needs more than the budget; `frame_step` is the timeline time one
    output frame advances (every_nth / frame rate), used to suggest an end time that would fit."""
    budget = int(available_memory() * BUDGET_SHARE) if budget is None else budget
    if plan.total_bytes <= budget:
        return
    per_frame = plan.total_bytes / max(1, plan.frames)
    fitting = max(0, math.floor(budget / per_frame))
    suggestion = (
        f"for example start={float(start):.2f} end={float(start + fitting * frame_step):.2f} "
        f"({fitting} frames)"
        if fitting
        else "a smaller width/height"
    )
    raise RenderTooLarge(
        f"rendering {plan.frames} frames at {plan.width}x{plan.height} needs {_gib(plan.total_bytes)} of RAM but "
        f"only {_gib(budget)} can be used; render a shorter range, a smaller size or every n-th frame — "
        f"{suggestion} — or use Export Timeline, which streams to a file"
    )
