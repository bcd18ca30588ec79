"""The workflow cards a generated shot can be made with, as the Budget Solver's options: each card at each
resolution tier, with its GPU-minutes (from the card's time estimate) and a planned quality score.

The cards carry time and VRAM estimates but no quality rating, so the quality of each video model is kept
here, on a 1-10 scale from its published comparisons; a card missing here is offered at a neutral 5."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

QUALITY: dict[str, float] = {
    "wan22_14b_t2v": 9.0,
    "wan22_14b_i2v": 9.0,
    "wan22_14b_flf2v": 8.5,
    "hunyuan_video_text_to_video": 8.0,
    "wan22_14b_t2v_lightx2v_4step": 7.5,
    "wan22_14b_i2v_lightx2v_4step": 7.5,
    "cosmos_predict2_video2world": 7.0,
    "mochi_text_to_video": 7.0,
    "wan22_5b_text_to_video": 6.5,
    "wan22_5b_image_to_video": 6.5,
    "ltxv_text_to_video": 5.0,
    "ltxv_image_to_video": 5.0,
    "image_to_still_clip": 2.0,
}
# Resolution tiers: (factor on the card's time estimate at its default 720p, factor on quality)
TIERS: dict[str, tuple[float, float]] = {"480p": (0.45, 0.75), "720p": (1.0, 1.0), "1080p": (2.25, 1.12)}
CLIP_SECONDS = 5.0  # what one run of a video card makes at its defaults; longer shots take more runs
SHOT_TASKS = ("text-to-video", "image-to-video", "first-last-frame-to-video")


@dataclass(frozen=True)
class Option:
    workflow_id: str
    title: str
    resolution: str
    gpu_minutes: float
    quality: float


@lru_cache(maxsize=1)
def _cards() -> tuple[dict[str, Any], ...]:
    from workflows_library.loader import load_library

    return tuple(
        {
            "id": card.id,
            "title": card.title,
            "tasks": [t.value for t in card.tasks],
            "seconds": card.estimates.seconds,
        }
        for card in load_library().cards.values()
        if card.category.value in ("generation", "composition")
    )


def card_ids() -> set[str]:
    return {card["id"] for card in _cards()}


def task_for(shot: dict[str, Any]) -> str:
    """What a generated shot asks of a workflow: its reference images make it image-to-video."""
    return "image-to-video" if shot.get("reference_images") else "text-to-video"


def cards_for(task: str) -> list[dict[str, Any]]:
    return [card for card in _cards() if task in card["tasks"] and card["seconds"] is not None]


def best_card(task: str) -> str | None:
    cards = cards_for(task)
    return max(cards, key=lambda c: (QUALITY.get(c["id"], 5.0), c["id"]))["id"] if cards else None


def options_for(shot: dict[str, Any]) -> list[Option]:
    runs = max(1, math.ceil(shot["duration_s"] / CLIP_SECONDS - 1e-9))
    options = []
    for card in cards_for(task_for(shot)):
        for resolution, (time_factor, quality_factor) in TIERS.items():
            options.append(
                Option(
                    workflow_id=card["id"],
                    title=card["title"],
                    resolution=resolution,
                    gpu_minutes=round(card["seconds"] / 60 * runs * time_factor, 2),
                    quality=round(QUALITY.get(card["id"], 5.0) * quality_factor, 2),
                )
            )
    return options
