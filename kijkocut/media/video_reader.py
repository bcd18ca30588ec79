"""Sequential video decoding by presentation time. A reader decodes forward and seeks only when asked for a
time behind it or far ahead, so rendering a timeline reads each source roughly once."""

from __future__ import annotations

import os
from collections import deque
from fractions import Fraction

import av
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from kijkocut.errors import MediaError
from kijkocut.media.probe import (
    container_origin,
    declared_duration,
    is_truncated,
    next_packet,
    open_container,
)

# Decoding forward is cheaper than a seek plus a GOP of decoding for short jumps.
SEEK_AHEAD = Fraction(3)
# Frames kept for reverse playback (about 80 frames of 1080p); forward playback keeps none.
HISTORY_BYTES = 256 * 1024 * 1024
# Decoders fail on single damaged packets; players skip them, and so do we, up to a point.
MAX_BAD_PACKETS = 8


class VideoReader:
    """`frame_at(t)` returns the frame on screen at media time t (seconds from the file's start): the latest
    frame whose presentation time is at or before t, so variable frame rates map by time, not by count.
    Times after the last frame hold it; a file whose pictures stop well before its declared duration raises
    `MediaError` when asked for that missing stretch."""

    def __init__(self, path: str | os.PathLike[str], *, alpha: bool = False):
        self.path = str(path)
        self._container = open_container(self.path)
        if not self._container.streams.video:
            self._container.close()
            raise MediaError(self.path, "has no video stream")
        self._stream = self._container.streams.video[0]
        self._time_base = Fraction(self._stream.time_base)
        self._origin = container_origin(self._container)
        self.duration = declared_duration(self._container, self._stream)
        self._decoder = self._make_decoder(alpha)
        rate = Fraction(self._stream.average_rate or self._stream.guessed_rate or 30)
        self._frame_interval = 1 / rate
        # Container timestamps are quantised (1 ms in Matroska); accept that much lateness, at most half a frame.
        self._tolerance = min(Fraction(1, 500), self._frame_interval / 2)
        self._packets = None
        self._pending: list[av.VideoFrame] = []
        self._current: av.VideoFrame | None = None
        self._history: deque[tuple[Fraction, av.VideoFrame]] = deque()
        self._keep_history = False
        self._current_t = Fraction(-1)
        self._upcoming: tuple[av.VideoFrame, Fraction] | None = None  # the next decoded frame and its time
        self._exhausted = False
        self._damage: str | None = None

    def _make_decoder(self, alpha: bool):
        ctx = self._stream.codec_context
        if ctx is None or ctx.codec is None:
            self._container.close()
            raise MediaError(self.path, "unsupported video codec: this FFmpeg build cannot decode it")
        # FFmpeg's native VP9 decoder drops the alpha layer of WebM files; libvpx keeps it.
        if alpha and ctx.name == "vp9" and "libvpx-vp9" in av.codecs_available:
            custom = av.CodecContext.create("libvpx-vp9", "r")
            if ctx.extradata:
                custom.extradata = ctx.extradata
            ctx = custom
        ctx.thread_type = "AUTO"
        return ctx

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _time_of(self, frame: av.VideoFrame, previous: Fraction | None) -> Fraction:
        if frame.pts is None:
            return previous + self._frame_interval if previous is not None else Fraction(0)
        return frame.pts * self._time_base - self._origin

    def _next_packet(self) -> av.Packet | None:
        packet, damage = next_packet(self._packets)
        self._damage = damage or self._damage
        return packet

    def _decode_next(self) -> av.VideoFrame | None:
        bad_packets = 0
        while not self._pending:
            if self._exhausted:
                return None
            packet = self._next_packet()
            if packet is None or not packet.size:
                self._exhausted = True
                packet = None  # flush the decoder
            try:
                self._pending.extend(self._decoder.decode(packet))
                bad_packets = 0
            except av.error.EOFError:
                self._exhausted = True
            except av.error.FFmpegError as exc:
                bad_packets += 1
                if bad_packets >= MAX_BAD_PACKETS or packet is None:
                    raise MediaError(
                        self.path,
                        f"decoding failed near {float(self._current_t):.3f} s ({exc.strerror or exc})",
                    ) from None
        return self._pending.pop(0)

    def _restart(self, t: Fraction) -> None:
        target = int((t + self._origin) / self._time_base)
        try:
            self._container.seek(max(target, 0), stream=self._stream, backward=True, any_frame=False)
        except av.error.FFmpegError as exc:
            raise MediaError(self.path, f"cannot seek to {float(t):.3f} s ({exc.strerror or exc})") from None
        try:
            self._decoder.flush_buffers()  # drop frames decoded before the seek
        except (AttributeError, av.error.FFmpegError):
            pass
        self._packets = self._container.demux(self._stream)
        self._pending.clear()
        self._exhausted = False
        self._current = self._decode_next()
        if self._current is None:
            raise MediaError(
                self.path, f"no picture at or after {float(t):.3f} s (truncated or damaged file)"
            )
        self._current_t = self._time_of(self._current, None)
        self._load_next()

    def _load_next(self) -> None:
        frame = self._decode_next()
        self._upcoming = None if frame is None else (frame, self._time_of(frame, self._current_t))

    def _check_missing(self, t: Fraction) -> None:
        """After the last decodable frame: fine past the declared end, an error inside it."""
        last_end = self._current_t + self._frame_interval
        if (
            t > last_end + Fraction(1, 2)
            and self.duration
            and t < self.duration
            and is_truncated(self.duration, last_end)
        ):
            detail = f" ({self._damage})" if self._damage else ""
            raise MediaError(
                self.path,
                f"truncated or damaged: no picture after {float(last_end):.2f} s of "
                f"{float(self.duration):.2f} s{detail}",
            )

    def frame_at(self, t: Fraction) -> av.VideoFrame:
        if self._current is not None and t < self._current_t - self._tolerance:
            # Playing backwards: keep the frames decoded on the way to each target, so reverse playback
            # decodes every GOP once instead of seeking for every frame.
            self._keep_history = True
            remembered = self._from_history(t)
            if remembered is not None:
                return remembered
        if self._packets is None or t < self._current_t - self._tolerance or t > self._current_t + SEEK_AHEAD:
            self._history.clear()
            self._restart(t)
        current = self._current
        if current is None:  # _restart decodes a frame or raises
            raise MediaError(self.path, f"no picture at {float(t):.3f} s")
        while self._upcoming is not None and self._upcoming[1] <= t + self._tolerance:
            if self._keep_history:
                self._remember(self._current_t, current)
            current, self._current_t = self._upcoming
            self._current = current
            self._load_next()
        if self._upcoming is None:
            self._check_missing(t)
        return current

    def frame_pair(self, t: Fraction) -> tuple[av.VideoFrame, av.VideoFrame | None, float]:
        """The frame at t, the one after it and how far t lies between them (for frame blending)."""
        frame = self.frame_at(t)
        if frame is not self._current or self._upcoming is None or self._upcoming[1] <= self._current_t:
            return frame, None, 0.0
        following, following_t = self._upcoming
        weight = float((t - self._current_t) / (following_t - self._current_t))
        return frame, following, min(max(weight, 0.0), 1.0)

    def _remember(self, time: Fraction, frame: av.VideoFrame) -> None:
        self._history.append((time, frame))
        frame_bytes = frame.width * frame.height * 3 // 2
        while len(self._history) > 1 and len(self._history) * frame_bytes > HISTORY_BYTES:
            self._history.popleft()

    def _from_history(self, t: Fraction) -> av.VideoFrame | None:
        if not self._history or t < self._history[0][0] - self._tolerance:
            return None
        best = None
        for time, frame in self._history:
            if time <= t + self._tolerance:
                best = frame
            else:
                break
        return best


class StillReader:
    """A still image as a video source: decoded once (EXIF orientation applied), the same frame at every time."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = str(path)
        try:
            with Image.open(self.path) as image:
                image = ImageOps.exif_transpose(image) or image
                has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                pixels = np.asarray(image.convert("RGBA" if has_alpha else "RGB"))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise MediaError(self.path, f"cannot read image ({exc})") from None
        self._frame = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(pixels), format="rgba" if has_alpha else "rgb24"
        )

    def frame_at(self, t: Fraction) -> av.VideoFrame:
        return self._frame

    def frame_pair(self, t: Fraction) -> tuple[av.VideoFrame, None, float]:
        return self._frame, None, 0.0

    def close(self) -> None:
        pass

    def __enter__(self) -> StillReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
