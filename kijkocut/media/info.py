"""What a probe learns about a media file. Plain data, no PyAV, so the project model can embed it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from kijkocut.timebase import Rate, Time

MediaKind = Literal["video", "audio", "image"]

LARGE_FILE_BYTES = 2 * 1024**3
LONG_MEDIA_SECONDS = 4 * 3600


class VideoStreamInfo(BaseModel):
    codec: str
    width: int = Field(description="coded width in pixels")
    height: int
    display_width: int = Field(description="width after pixel aspect ratio and rotation")
    display_height: int
    frame_rate: Rate | None = Field(None, description="average frame rate")
    frame_count: int | None = None
    pixel_format: str | None = None
    has_alpha: bool = False
    rotation: int = Field(0, description="clockwise degrees to apply for display (0, 90, 180, 270)")
    sample_aspect_ratio: Rate | None = None
    variable_frame_rate: bool = False


class AudioStreamInfo(BaseModel):
    codec: str
    sample_rate: int
    channels: int
    layout: str | None = None


class MediaInfo(BaseModel):
    kind: MediaKind
    container: str
    size_bytes: int
    duration: Time | None = Field(None, description="None for still images")
    video: VideoStreamInfo | None = None
    audio: AudioStreamInfo | None = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def width(self) -> int | None:
        return self.video.display_width if self.video else None

    @property
    def height(self) -> int | None:
        return self.video.display_height if self.video else None
