"""Vertical-video platforms and the parts of the frame their apps draw over.

TikTok, Instagram Reels and YouTube Shorts lay the same furniture over a 9:16 video: the caption, account name
and sound title along the bottom, and a column of buttons (like, comment, share, profile) down the right edge.
The margins below are the conservative figures of the platforms' creative guides, as fractions of the frame:
on 1080x1920, the bottom 384 px and the right 162 px. Text or an overlay placed there is hidden by the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Platform = Literal["tiktok", "reels", "shorts"]


@dataclass(frozen=True)
class UiMargins:
    """Fractions of the frame covered by the app's interface along each edge."""

    bottom: float
    right: float


UI_MARGINS: dict[str, UiMargins] = {
    "tiktok": UiMargins(bottom=0.20, right=0.15),
    "reels": UiMargins(bottom=0.20, right=0.15),
    "shorts": UiMargins(bottom=0.20, right=0.15),
}
PLATFORM_NAMES = {"tiktok": "TikTok", "reels": "Instagram Reels", "shorts": "YouTube Shorts"}
