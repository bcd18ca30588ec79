"""Probing media files: what they contain, whether they decode, and a cheap content hash. Every failure is a
`MediaError` naming the file and the problem, so a bad file never takes the rest of a project down."""

from __future__ import annotations

import hashlib
import os
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageOps, UnidentifiedImageError

from kijkocut.errors import MediaError
from kijkocut.media.info import (
    LARGE_FILE_BYTES,
    LONG_MEDIA_SECONDS,
    AudioStreamInfo,
    MediaInfo,
    VideoStreamInfo,
)
from kijkocut.model import MediaRef, new_id

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}
VIDEO_EXTENSIONS = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".m4v", ".gif", ".mxf", ".ts", ".mts"}
AUDIO_EXTENSIONS = {".mp3", ".wav", ".aac", ".m4a", ".flac", ".ogg", ".opus", ".wma", ".aiff", ".aif"}
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | VIDEO_EXTENSIONS | AUDIO_EXTENSIONS

_HASH_CHUNK = 1024 * 1024


def content_hash(path: str | os.PathLike[str]) -> str:
    """sha256 over the size and the first and last MiB: identifies a file without reading gigabytes."""
    digest = hashlib.sha256()
    size = os.path.getsize(path)
    digest.update(str(size).encode())
    with open(path, "rb") as handle:
        digest.update(handle.read(_HASH_CHUNK))
        if size > _HASH_CHUNK:
            handle.seek(max(_HASH_CHUNK, size - _HASH_CHUNK))
            digest.update(handle.read(_HASH_CHUNK))
    return digest.hexdigest()


def _check_file(path: Path) -> int:
    if not path.exists():
        raise MediaError(str(path), "file not found")
    if not path.is_file():
        raise MediaError(str(path), "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(str(path), "file is empty (0 bytes)")
    return size


def _warnings(size: int, duration: Fraction | None) -> list[str]:
    warnings = []
    if size > LARGE_FILE_BYTES:
        warnings.append(f"large file: {size / 1024**3:.1f} GiB")
    if duration is not None and duration > LONG_MEDIA_SECONDS:
        warnings.append(f"long media: {float(duration) / 3600:.1f} h")
    return warnings


def _probe_image(path: Path, size: int) -> MediaInfo:
    try:
        with Image.open(path) as image:
            image.load()  # forces a full decode: catches truncated files
            oriented = ImageOps.exif_transpose(image) or image
            width, height = oriented.size
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
            fmt = (image.format or path.suffix.lstrip(".")).lower()
            exif_rotation = {3: 180, 6: 90, 8: 270}.get(image.getexif().get(0x0112, 1), 0)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise MediaError(str(path), f"not a readable image ({exc})") from None
    video = VideoStreamInfo(codec=fmt, width=image.width, height=image.height, display_width=width,
                            display_height=height, pixel_format=image.mode.lower(), has_alpha=has_alpha,
                            rotation=exif_rotation)
    return MediaInfo(kind="image", container=fmt, size_bytes=size, video=video)


def _rotation(stream, first_frame) -> int:
    degrees = getattr(first_frame, "rotation", 0) or 0
    if not degrees:
        degrees = int(float(stream.metadata.get("rotate", 0) or 0))
    # PyAV reports the display-matrix angle counter-clockwise; editors talk clockwise.
    return int((-degrees) % 360)


def _video_info(stream, first_frame) -> VideoStreamInfo:
    ctx = stream.codec_context
    sar = stream.sample_aspect_ratio or Fraction(1)
    sar = Fraction(sar) if sar else Fraction(1)
    rotation = _rotation(stream, first_frame)
    width, height = ctx.width or first_frame.width, ctx.height or first_frame.height
    display_width = max(2, round(width * sar)) if sar and sar != 1 else width
    display_height = height
    if rotation in (90, 270):
        display_width, display_height = display_height, display_width
    pixel_format = first_frame.format.name if first_frame is not None else (ctx.pix_fmt or None)
    alpha_mode = str(stream.metadata.get("alpha_mode", stream.metadata.get("ALPHA_MODE", ""))) == "1"
    has_alpha = alpha_mode or _format_has_alpha(pixel_format)
    average = Fraction(stream.average_rate) if stream.average_rate else None
    guessed = stream.guessed_rate or stream.base_rate
    guessed = Fraction(guessed) if guessed else None
    variable = bool(average and guessed and abs(float(average) - float(guessed)) > 0.01 * float(guessed))
    return VideoStreamInfo(
        codec=ctx.name, width=width, height=height, display_width=display_width, display_height=display_height,
        frame_rate=average or guessed, frame_count=stream.frames or None, pixel_format=pixel_format,
        has_alpha=has_alpha, rotation=rotation, sample_aspect_ratio=sar if sar != 1 else None,
        variable_frame_rate=variable)


def _format_has_alpha(pixel_format: str | None) -> bool:
    if not pixel_format:
        return False
    name = pixel_format.lower()
    return name.startswith(("yuva", "rgba", "bgra", "argb", "abgr", "ya", "gbrap")) or name in ("pal8",)


def _first_frame(container, stream, path: Path):
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise MediaError(str(path), f"cannot decode {stream.type} stream ({exc})") from None
    raise MediaError(str(path), f"the {stream.type} stream has no decodable frames (truncated file?)")


def _duration(container, stream) -> Fraction | None:
    if stream is not None and stream.duration and stream.time_base:
        return Fraction(stream.duration) * Fraction(stream.time_base)
    if container.duration:
        return Fraction(container.duration, av.time_base)
    return None


def probe_media(path: str | os.PathLike[str]) -> MediaInfo:
    path = Path(path)
    size = _check_file(path)
    if path.suffix.lower() in IMAGE_EXTENSIONS:
        return _probe_image(path, size)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise MediaError(str(path), f"not a supported media file or corrupt ({exc})") from None
    with container:
        video = next((s for s in container.streams.video), None)
        audio = next((s for s in container.streams.audio), None)
        if video is None and audio is None:
            raise MediaError(str(path), "contains no video or audio stream")
        video_info = audio_info = None
        if video is not None:
            video.thread_type = "AUTO"
            video_info = _video_info(video, _first_frame(container, video, path))
        if audio is not None:
            container.seek(0) if video is not None else None
            _first_frame(container, audio, path)
            ctx = audio.codec_context
            audio_info = AudioStreamInfo(codec=ctx.name, sample_rate=ctx.sample_rate or audio.rate,
                                         channels=ctx.channels or len(ctx.layout.channels),
                                         layout=ctx.layout.name if ctx.layout else None)
        durations = [d for d in (_duration(container, video), _duration(container, audio)) if d]
        duration = max(durations) if durations else _duration(container, None)
        fmt = container.format.name.split(",")[0]
    kind = "video" if video_info is not None else "audio"
    if duration is None and kind == "audio":
        raise MediaError(str(path), "cannot determine the duration (truncated file?)")
    return MediaInfo(kind=kind, container=fmt, size_bytes=size, duration=duration, video=video_info,
                     audio=audio_info, warnings=_warnings(size, duration))


def import_media(path: str | os.PathLike[str], media_id: str | None = None, *, name: str | None = None) -> MediaRef:
    """Probe a file and describe it for the media pool (absolute path, probe info, content hash)."""
    absolute = Path(path).expanduser().resolve()
    info = probe_media(absolute)
    return MediaRef(id=media_id or new_id("med"), path=str(absolute), name=name or absolute.name, info=info,
                    content_hash=content_hash(absolute))
