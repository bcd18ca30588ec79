"""Export settings and platform presets."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kijkocut.model import parse_colour
from kijkocut.render.geometry import ReframeMode
from kijkocut.render.platforms import Platform
from kijkocut.timebase import FrameRate, Time

Container = Literal["mp4", "mov", "mkv", "webm", "gif"]
VideoCodec = Literal["h264", "h265", "av1", "vp9", "prores", "gif"]
AudioCodec = Literal["aac", "opus", "flac", "pcm"]
SpeedPreset = Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower"]

# Encoder name in FFmpeg, pixel format, and which containers can hold it.
VIDEO_ENCODERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "h264": ("libx264", "yuv420p", ("mp4", "mov", "mkv")),
    "h265": ("libx265", "yuv420p", ("mp4", "mov", "mkv")),
    "av1": ("libsvtav1", "yuv420p", ("mp4", "mkv", "webm")),
    "vp9": ("libvpx-vp9", "yuv420p", ("mkv", "webm")),
    "prores": ("prores_ks", "yuv422p10le", ("mov", "mkv")),
    "gif": ("gif", "pal8", ("gif",)),
}
# Encoder name in FFmpeg and which containers can hold it; flac and pcm (24-bit) are lossless, for masters.
AUDIO_ENCODERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "aac": ("aac", ("mp4", "mov", "mkv")),
    "opus": ("libopus", ("mp4", "mkv", "webm")),
    "flac": ("flac", ("mp4", "mkv")),
    "pcm": ("pcm_s24le", ("mov", "mkv")),
}
DEFAULT_AUDIO_CODEC = {"mp4": "aac", "mov": "aac", "mkv": "aac", "webm": "opus"}
DEFAULT_CODEC = {"mp4": "h264", "mov": "h264", "mkv": "h264", "webm": "vp9", "gif": "gif"}
# The names reframe had before the blurred fill: 'cover' cropped, 'contain' letterboxed.
_REFRAME_ALIASES = {"cover": "crop", "contain": "fit_color"}


class ExportSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    container: Container = "mp4"
    video_codec: VideoCodec | None = Field(None, description="None = the container's usual codec")
    crf: int | None = Field(20, ge=0, le=63, description="constant quality; lower is better")
    bitrate: int | None = Field(None, ge=10_000, description="video bits/s; overrides crf when set")
    speed: SpeedPreset = "veryfast"
    width: int | None = Field(None, ge=16, le=8192, description="output size; None = canvas size")
    height: int | None = Field(None, ge=16, le=8192)
    reframe: ReframeMode = Field(
        "fit_color",
        description=(
            "when the output aspect differs from the canvas: crop (fill the frame, cutting the sides), fit_blur "
            "(the whole picture over a blurred, darkened copy of itself) or fit_color (the whole picture on "
            "reframe_color)"
        ),
    )
    reframe_color: str | None = Field(
        None, description="'#rrggbb' around the picture with fit_color; None = the project's background"
    )
    safe_area: Platform | None = Field(
        None,
        description="warn about titles and overlays under this platform's on-screen buttons and captions",
    )
    frame_rate: FrameRate | None = Field(None, description="None = project frame rate; 1..240 fps")
    start: Time | None = Field(None, description="range start on the timeline; None = 0")
    end: Time | None = Field(None, description="range end; None = end of the timeline")
    audio: bool = True
    audio_codec: AudioCodec | None = Field(
        None, description="None = the container's usual codec (AAC; Opus in WebM); flac and pcm are lossless"
    )
    audio_bitrate: int = Field(192_000, ge=32_000, le=512_000, description="bits/s for AAC and Opus")
    loudness_lufs: float | None = Field(
        None,
        ge=-70,
        le=-1,
        description="normalise the mix to this integrated "
        "loudness (ITU-R BS.1770), e.g. -14 for web, -23 for broadcast; "
        "None = as mixed",
    )
    limiter: bool = Field(True, description="true-peak limiter on the master, so the mix never clips")
    limiter_ceiling_db: float = Field(-1.0, ge=-20, le=0, description="limiter ceiling in dBTP (true peak)")
    threads: int = Field(0, ge=0, description="encoder threads; 0 = all cores")

    @field_validator("reframe", mode="before")
    @classmethod
    def _old_reframe_names(cls, value: object) -> object:
        return _REFRAME_ALIASES.get(value, value) if isinstance(value, str) else value

    @field_validator("reframe_color")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None:
            parse_colour(value)
        return value

    @model_validator(mode="after")
    def _compatible(self) -> ExportSettings:
        _check_fits(self.container, "video", self.codec, VIDEO_ENCODERS[self.codec][2])
        if self.audio_codec_name is not None:
            _check_fits(
                self.container, "audio", self.audio_codec_name, AUDIO_ENCODERS[self.audio_codec_name][1]
            )
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    @property
    def codec(self) -> str:
        return self.video_codec or DEFAULT_CODEC[self.container]

    @property
    def audio_codec_name(self) -> str | None:
        """The audio codec the file gets; None for containers without audio (GIF)."""
        return self.audio_codec or DEFAULT_AUDIO_CODEC.get(self.container)


def _check_fits(container: str, kind: str, codec: str, containers: tuple[str, ...]) -> None:
    if container not in containers:
        raise ValueError(f"{codec} {kind} cannot go in a {container} file (use {', '.join(containers)})")


PRESETS: dict[str, ExportSettings] = {
    "default": ExportSettings(),
    "youtube_1080p": ExportSettings(width=1920, height=1080, crf=18, speed="fast"),
    "youtube_4k": ExportSettings(width=3840, height=2160, crf=18, speed="fast"),
    # Social presets: the whole picture on a blurred fill (crop cuts titles; it warns when asked for), at the
    # platforms' loudness (-14 LUFS integrated, -1 dBTP true peak).
    "tiktok": ExportSettings(
        width=1080,
        height=1920,
        crf=20,
        reframe="fit_blur",
        safe_area="tiktok",
        loudness_lufs=-14,
        limiter_ceiling_db=-1,
    ),
    "reels": ExportSettings(
        width=1080,
        height=1920,
        crf=20,
        reframe="fit_blur",
        safe_area="reels",
        loudness_lufs=-14,
        limiter_ceiling_db=-1,
    ),
    "shorts": ExportSettings(
        width=1080,
        height=1920,
        crf=20,
        reframe="fit_blur",
        safe_area="shorts",
        loudness_lufs=-14,
        limiter_ceiling_db=-1,
    ),
    "instagram_square": ExportSettings(
        width=1080, height=1080, crf=20, reframe="fit_blur", loudness_lufs=-14, limiter_ceiling_db=-1
    ),
    "prores_master": ExportSettings(container="mov", video_codec="prores", crf=None, audio_codec="pcm"),
    "webm_vp9": ExportSettings(container="webm", video_codec="vp9", crf=32),
    "av1": ExportSettings(container="mkv", video_codec="av1", crf=35),
    "hevc": ExportSettings(container="mp4", video_codec="h265", crf=24),
    "gif": ExportSettings(container="gif", width=480, frame_rate=15, audio=False, crf=None),
}


def settings_for(preset: str | None = None, **overrides) -> ExportSettings:
    """A preset with overrides applied (unknown preset names are a clear error)."""
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"unknown export preset {preset!r}; choose one of {', '.join(sorted(PRESETS))}")
    base = PRESETS[preset or "default"].model_dump()
    base.update({k: v for k, v in overrides.items() if v is not None})
    return ExportSettings.model_validate(base)
