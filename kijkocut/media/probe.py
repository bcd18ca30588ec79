"""Probing media files: what they contain, whether they decode, and a cheap content hash. Every failure is a
`MediaError` naming the file and the problem, so a bad file never takes the rest of a project down. The small
PyAV helpers here (opening, declared duration, truncation check) are shared with the readers."""

from __future__ import annotations

import hashlib
import os
import statistics
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageOps, UnidentifiedImageError

from kijkocut import limits
from kijkocut.errors import MediaError
from kijkocut.media.info import (
    LARGE_FILE_BYTES,
    LONG_MEDIA_SECONDS,
    AudioStreamInfo,
    MediaInfo,
    VideoStreamInfo,
)
from kijkocut.model import MediaRef, new_id
from kijkocut.vault.header import is_sealed_file

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}
VIDEO_EXTENSIONS = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".m4v", ".gif", ".mxf", ".ts", ".mts"}
AUDIO_EXTENSIONS = {".mp3", ".wav", ".aac", ".m4a", ".flac", ".ogg", ".opus", ".wma", ".aiff", ".aif"}
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | VIDEO_EXTENSIONS | AUDIO_EXTENSIONS

_HASH_CHUNK = 1024 * 1024
# FFmpeg names demuxer families ("mov,mp4,m4a,..."); users know the file type, so the extension wins there.
_MOV_FAMILY = {"mp4", "m4v", "m4a", "mov", "3gp", "3g2"}
_VFR_SAMPLE_PACKETS = 120
_TAIL_SCAN_PACKETS = 2000
_TAIL_WINDOW = Fraction(3)


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


def probe_warnings(size_bytes: int, duration: Fraction | None) -> list[str]:
    """Huge or very long files are accepted; the probe only says so, for the UI to warn about."""
    warnings = []
    if size_bytes > LARGE_FILE_BYTES:
        warnings.append(f"large file: {size_bytes / 1024**3:.1f} GiB")
    if duration is not None and duration > LONG_MEDIA_SECONDS:
        warnings.append(f"long media: {float(duration) / 3600:.1f} h")
    return warnings


def is_truncated(declared_end: Fraction | None, data_end: Fraction | None) -> bool:
    """Whether media data stops well before the declared duration. The slack absorbs estimated durations (MP3
    without a Xing header) and container rounding; a real cut is far larger."""
    if declared_end is None or data_end is None:
        return False
    return data_end < declared_end * Fraction(9, 10) - Fraction(1, 4)


def _is_sealed(path: str | os.PathLike[str]) -> bool:
    try:
        return is_sealed_file(path)
    except OSError:
        return False  # unreadable: av.open below says why


def open_container(path: str | os.PathLike[str]):
    """The media file opened for demuxing; a file sealed by the vault (an encrypted preview proxy) is decrypted
    chunk by chunk as FFmpeg reads and seeks it."""
    try:
        if _is_sealed(path):
            from kijkocut.vault.reader import open_sealed

            return av.open(open_sealed(path), metadata_errors="ignore")
        return av.open(str(path), metadata_errors="ignore")
    except FileNotFoundError:  # PyAV's FFmpeg error subclasses the builtin one
        raise MediaError(str(path), "missing (moved, renamed or deleted since import)") from None
    except av.error.FFmpegError as exc:
        reason = exc.strerror or type(exc).__name__
        raise MediaError(
            str(path), f"not a media file FFmpeg can read: corrupt, truncated or unsupported ({reason})"
        ) from None


def next_packet(packets) -> tuple[av.Packet | None, str | None]:
    """The next demuxed packet, or None at the end with the demuxer's complaint if it ended on damage: a demuxer
    error is where the readable data stops, and what that means is for the reader to judge."""
    try:
        return next(packets), None
    except StopIteration:
        return None, None
    except av.error.FFmpegError as exc:
        return None, exc.strerror or type(exc).__name__


def declared_duration(container, stream=None) -> Fraction | None:
    """The duration the header claims: the stream's own, else the container's."""
    if stream is not None and stream.duration and stream.time_base:
        return Fraction(stream.duration) * Fraction(stream.time_base)
    if container.duration:
        return Fraction(container.duration, av.time_base)
    return None


def container_origin(container) -> Fraction:
    start = container.start_time
    return Fraction(start, av.time_base) if start is not None else Fraction(0)


def _check_file(path: Path) -> int:
    if not path.exists():
        raise MediaError(str(path), "file not found")
    if not path.is_file():
        raise MediaError(str(path), "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(str(path), "file is empty (0 bytes)")
    return size


def _probe_image(path: Path, size: int) -> MediaInfo:
    try:
        with Image.open(path) as image:
            image.load()  # forces a full decode: catches truncated files
            oriented = ImageOps.exif_transpose(image) or image
            width, height = oriented.size
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            fmt = (image.format or path.suffix.lstrip(".")).lower()
            mode = image.mode.lower()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise MediaError(str(path), f"not a readable image ({exc})") from None
    # StillReader applies the EXIF orientation itself, so the sizes are the upright ones and rotation stays 0.
    video = VideoStreamInfo(
        codec=fmt,
        width=width,
        height=height,
        display_width=width,
        display_height=height,
        pixel_format=mode,
        has_alpha=has_alpha,
    )
    return MediaInfo(kind="image", container=fmt, size_bytes=size, video=video)


def display_rotation(frame_rotation: float) -> int:
    """Clockwise display rotation from `VideoFrame.rotation`, which is FFmpeg's counter-clockwise display-matrix
    angle; FFmpeg's own player negates it the same way (fftools get_rotation, transpose=clock for 90)."""
    return int(round(-frame_rotation / 90) * 90) % 360


def _rotation(stream, first_frame) -> int:
    degrees = getattr(first_frame, "rotation", 0) or 0
    if degrees:
        return display_rotation(degrees)
    # Older FFmpeg exported a "rotate" tag instead, already clockwise.
    try:
        return int(round(float(stream.metadata.get("rotate", 0) or 0) / 90) * 90) % 360
    except ValueError:
        return 0


def display_size(width: int, height: int, sample_aspect: Fraction, rotation: int) -> tuple[int, int]:
    """The upright picture size: non-square pixels stretch the width, a quarter turn swaps the sides."""
    display_width = max(1, round(width * sample_aspect)) if sample_aspect != 1 else width
    return (height, display_width) if rotation in (90, 270) else (display_width, height)


def is_variable_rate(pts: list[int]) -> bool:
    """Whether presentation times step unevenly. Ticks of a coarse time base (1 ms in Matroska) jitter by one;
    a single dropped frame is not enough to call a stream variable."""
    steps = [b - a for a, b in zip(pts, pts[1:]) if b > a]
    if len(steps) < 2:
        return False
    typical = statistics.median(steps)
    uneven = [s for s in steps if abs(s - typical) > max(1, typical / 10)]
    return len(uneven) > max(1, len(steps) // 20)


def _packet_pts(container, stream, limit: int) -> list[int]:
    pts = []
    try:
        for packet in container.demux(stream):
            if packet.pts is not None:
                pts.append(packet.pts)
            if len(pts) >= limit:
                break
    except av.error.FFmpegError:
        pass  # damage is reported by the decode and tail checks
    return sorted(pts)


def _format_has_alpha(pixel_format: str | None) -> bool:
    if not pixel_format:
        return False
    return pixel_format.lower().startswith(("yuva", "rgba", "bgra", "argb", "abgr", "ya", "gbrap", "pal8"))


def _video_info(stream, first_frame, packet_pts: list[int]) -> VideoStreamInfo:
    ctx = stream.codec_context
    sar = Fraction(stream.sample_aspect_ratio or ctx.sample_aspect_ratio or 1) or Fraction(1)
    rotation = _rotation(stream, first_frame)
    width, height = first_frame.width, first_frame.height
    display_width, display_height = display_size(width, height, sar, rotation)
    pixel_format = first_frame.format.name
    # WebM keeps VP9 alpha in a side channel the native decoder ignores: the tag is the only sign of it.
    alpha_mode = str(stream.metadata.get("alpha_mode", stream.metadata.get("ALPHA_MODE", ""))) == "1"
    average = Fraction(stream.average_rate) if stream.average_rate else None
    guessed = stream.guessed_rate or stream.base_rate
    return VideoStreamInfo(
        codec=ctx.codec.canonical_name,
        width=width,
        height=height,
        display_width=display_width,
        display_height=display_height,
        frame_rate=average or (Fraction(guessed) if guessed else None),
        frame_count=stream.frames or None,
        pixel_format=pixel_format,
        has_alpha=alpha_mode or _format_has_alpha(pixel_format),
        rotation=rotation,
        sample_aspect_ratio=sar if sar != 1 else None,
        variable_frame_rate=is_variable_rate(packet_pts),
    )


def _layout_name(ctx) -> str | None:
    # WAV without a channel mask decodes as "2 channels"; name it by FFmpeg's default layout for that count.
    name = ctx.layout.name if ctx.layout else None
    if (name is None or name.endswith("channels")) and ctx.channels:
        try:
            return av.AudioLayout(f"{ctx.channels}c").name
        except (ValueError, av.error.FFmpegError):
            return name
    return name


def _audio_info(stream) -> AudioStreamInfo:
    ctx = stream.codec_context
    return AudioStreamInfo(
        codec=ctx.codec.canonical_name,
        sample_rate=ctx.sample_rate or stream.rate,
        channels=ctx.channels or len(ctx.layout.channels),
        layout=_layout_name(ctx),
    )


def _first_frame(container, stream, path: Path):
    container.seek(0)
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise MediaError(str(path), f"cannot decode the {stream.type} stream ({exc.strerror})") from None
    raise MediaError(str(path), f"the {stream.type} stream has no decodable frames (truncated file?)")


def _check_decoder(stream, path: Path) -> None:
    ctx = stream.codec_context
    if ctx is None or ctx.codec is None or not ctx.codec.is_decoder:
        name = getattr(getattr(ctx, "codec", None), "name", None) or "unknown"
        raise MediaError(
            str(path), f"unsupported {stream.type} codec '{name}': this FFmpeg build cannot decode it"
        )


def data_end(container, streams: list, declared: Fraction) -> Fraction | None:
    """Where the packets near the declared end actually stop (seconds from the origin), or None when that
    cannot be told (no seeking, or the scan budget ran out before the end)."""
    origin = container_origin(container)
    target = max(Fraction(0), declared - _TAIL_WINDOW) + origin
    try:
        container.seek(int(target * av.time_base), backward=True, any_frame=True)
    except av.error.FFmpegError:
        return None
    end = None
    try:
        for count, packet in enumerate(container.demux(streams)):
            if packet.pts is None or packet.time_base is None:
                continue
            packet_end = (packet.pts + (packet.duration or 0)) * Fraction(packet.time_base) - origin
            end = packet_end if end is None else max(end, packet_end)
            if end >= declared:
                return end
            if count >= _TAIL_SCAN_PACKETS:
                return None
    except av.error.FFmpegError:
        pass  # a damaged tail ends the data where it breaks
    return end if end is not None else Fraction(0)


def _container_name(container, path: Path) -> str:
    families = container.format.name.split(",")
    extension = path.suffix.lower().lstrip(".")
    if "mov" in families and extension in _MOV_FAMILY:
        return extension
    if "matroska" in families:
        return "webm" if extension == "webm" else "matroska"
    return families[0]


def probe_media(path: str | os.PathLike[str]) -> MediaInfo:
    path = Path(path)
    size = _check_file(path)
    if path.suffix.lower() in IMAGE_EXTENSIONS:
        return _probe_image(path, size)
    with open_container(path) as container:
        video = next(iter(container.streams.video), None)
        audio = next(iter(container.streams.audio), None)
        if video is None and audio is None:
            raise MediaError(str(path), "contains no video or audio stream")
        video_info = audio_info = None
        if video is not None:
            _check_decoder(video, path)
            video.thread_type = "AUTO"
            packet_pts = _packet_pts(container, video, _VFR_SAMPLE_PACKETS)
            video_info = _video_info(video, _first_frame(container, video, path), packet_pts)
        if audio is not None:
            _check_decoder(audio, path)
            _first_frame(container, audio, path)
            audio_info = _audio_info(audio)
        durations = [
            d for d in (declared_duration(container, video), declared_duration(container, audio)) if d
        ]
        duration = max(durations) if durations else declared_duration(container)
        if duration:
            end = data_end(container, [s for s in (video, audio) if s is not None], duration)
            if end is not None and is_truncated(duration, end):
                raise MediaError(
                    str(path),
                    f"truncated: the media data stops at {float(end):.2f} s but the file "
                    f"declares {float(duration):.2f} s",
                )
        fmt = _container_name(container, path)
    kind = "video" if video_info is not None else "audio"
    if duration is None and kind == "audio":
        raise MediaError(str(path), "cannot determine the duration (truncated file?)")
    if duration is not None and duration > limits.MAX_SECONDS:
        raise MediaError(
            str(path),
            f"{limits.clock(duration)} long; media may be at most 24 h, the longest a timeline may be",
        )
    return MediaInfo(
        kind=kind,
        container=fmt,
        size_bytes=size,
        duration=duration,
        video=video_info,
        audio=audio_info,
        warnings=probe_warnings(size, duration),
    )


def import_media(
    path: str | os.PathLike[str], media_id: str | None = None, *, name: str | None = None
) -> MediaRef:
    """Probe a file and describe it for the media pool (absolute path, probe info, content hash, and the
    modification time that exports compare to notice a file changed since)."""
    absolute = Path(path).expanduser().resolve()
    info = probe_media(absolute)
    return MediaRef(
        id=media_id or new_id("med"),
        path=str(absolute),
        name=name or absolute.name,
        info=info,
        content_hash=content_hash(absolute),
        mtime_ns=absolute.stat().st_mtime_ns,
    )
