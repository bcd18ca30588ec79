"""Sequential audio reading at the project's rate and layout, sample-accurate by presentation time."""

from __future__ import annotations

import os
from fractions import Fraction

import av
import numpy as np

from kijkocut.errors import MediaError
from kijkocut.media.probe import (
    container_origin,
    declared_duration,
    is_truncated,
    next_packet,
    open_container,
)

SEEK_AHEAD_SECONDS = 5
# AAC, MP3 and Opus need some decoded audio before a seek point to produce clean samples at it (Opus asks for
# 80 ms, MP3's bit reservoir reaches back a few frames); decoding a little early costs next to nothing.
PREROLL = Fraction(1, 5)
MAX_BAD_PACKETS = 8


class AudioReader:
    """`read(t, n)` returns n samples starting at media time t as float32 (channels, n), resampled to
    `sample_rate` and mixed to `channels` with libswresample's default matrix (mono -> L = R = -3 dB).
    Times before the first sample or after the last read as silence; a file whose audio stops well before
    its declared duration raises `MediaError` when asked for that missing stretch."""

    def __init__(self, path: str | os.PathLike[str], sample_rate: int, channels: int):
        self.path = str(path)
        self.sample_rate = sample_rate
        self.channels = channels
        self._container = open_container(self.path)
        if not self._container.streams.audio:
            self._container.close()
            raise MediaError(self.path, "has no audio stream")
        self._stream = self._container.streams.audio[0]
        self._decoder = self._stream.codec_context
        if self._decoder is None or self._decoder.codec is None:
            self._container.close()
            raise MediaError(self.path, "unsupported audio codec: this FFmpeg build cannot decode it")
        self._time_base = Fraction(self._stream.time_base)
        self._origin = container_origin(self._container)
        self.duration = declared_duration(self._container, self._stream)
        self._layout = "mono" if channels == 1 else "stereo"
        self._packets = None
        self._buffer = np.zeros((channels, 0), np.float32)
        self._buffer_start: int | None = 0  # sample index (at our rate, from the origin) of buffer[:, 0]
        self._valid_from = 0  # reads from here on need no seek (a stream may start later than asked)
        self._exhausted = False
        self._damage: str | None = None

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> AudioReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _restart(self, sample: int) -> None:
        # No clamp at 0: AAC's priming packet sits before time 0, and skipping it fades the first frame in.
        seconds = Fraction(sample, self.sample_rate) - PREROLL + self._origin
        target = int(seconds / self._time_base)
        try:
            try:
                self._container.seek(target, stream=self._stream, backward=True)
            except av.error.FFmpegError:
                if target >= 0:
                    raise
                self._container.seek(0, stream=self._stream, backward=True)  # MP3 refuses negative times
        except av.error.FFmpegError as exc:
            raise MediaError(
                self.path, f"cannot seek audio to {float(seconds):.3f} s ({exc.strerror})"
            ) from None
        try:
            self._decoder.flush_buffers()
        except (AttributeError, av.error.FFmpegError):
            pass
        self._resampler = av.AudioResampler(format="fltp", layout=self._layout, rate=self.sample_rate)
        self._packets = self._container.demux(self._stream)
        self._buffer = np.zeros((self.channels, 0), np.float32)
        self._buffer_start = None
        self._valid_from = sample
        self._exhausted = False

    def _next_packet(self) -> av.Packet | None:
        packet, damage = next_packet(self._packets)
        self._damage = damage or self._damage
        return packet

    def _decode_some(self) -> list[av.AudioFrame]:
        """The frames of the next packet that decodes, or [] at the end."""
        bad_packets = 0
        while not self._exhausted:
            packet = self._next_packet()
            if packet is None or not packet.size:
                self._exhausted = True
                packet = None
            try:
                frames = self._decoder.decode(packet)
            except av.error.EOFError:
                return []
            except av.error.FFmpegError as exc:
                bad_packets += 1
                if bad_packets >= MAX_BAD_PACKETS:
                    raise MediaError(self.path, f"audio decoding failed ({exc.strerror or exc})") from None
                self._damage = exc.strerror or type(exc).__name__
                continue
            if frames:
                return frames
        return []

    def _pull(self) -> bool:
        """Decode one more packet into the buffer; False at the end of the stream."""
        if self._exhausted:
            return False
        frames = self._decode_some()
        if self._buffer_start is None and frames:
            first = frames[0]
            if first.pts is not None:
                self._buffer_start = round((first.pts * self._time_base - self._origin) * self.sample_rate)
            else:
                self._buffer_start = 0
        resampled = [out for frame in frames for out in self._resampler.resample(frame)]
        if self._exhausted:
            resampled += self._resampler.resample(None)
        chunks = [f.to_ndarray().astype(np.float32, copy=False) for f in resampled]
        if chunks:
            self._buffer = np.concatenate([self._buffer, *chunks], axis=1)
        return not self._exhausted or bool(chunks)

    def _check_missing(self, start: int, end: int) -> None:
        if not self.duration:
            return
        data_end = (
            self._valid_from if self._buffer_start is None else self._buffer_start + self._buffer.shape[1]
        )
        declared = round(self.duration * self.sample_rate)
        data_seconds = Fraction(data_end, self.sample_rate)
        if (
            end > data_end + self.sample_rate // 2
            and start < declared
            and is_truncated(self.duration, data_seconds)
        ):
            detail = f" ({self._damage})" if self._damage else ""
            raise MediaError(
                self.path,
                f"truncated or damaged: no audio after {float(data_seconds):.2f} s of "
                f"{float(self.duration):.2f} s{detail}",
            )

    def read(self, t: Fraction, count: int) -> np.ndarray:
        start = round(t * self.sample_rate)
        end = start + count
        buffer_end = None if self._buffer_start is None else self._buffer_start + self._buffer.shape[1]
        if (
            self._packets is None
            or self._buffer_start is None
            and self._exhausted
            or start < self._valid_from
            or (buffer_end is not None and start > buffer_end + SEEK_AHEAD_SECONDS * self.sample_rate)
        ):
            self._restart(start)
        while (
            self._buffer_start is None or self._buffer_start + self._buffer.shape[1] < end
        ) and self._pull():
            pass
        if self._exhausted:
            self._check_missing(start, end)
        out = np.zeros((self.channels, count), np.float32)
        if self._buffer_start is None:
            return out
        lo, hi = max(start, self._buffer_start), min(end, self._buffer_start + self._buffer.shape[1])
        if hi > lo:
            out[:, lo - start : hi - start] = self._buffer[
                :, lo - self._buffer_start : hi - self._buffer_start
            ]
        # Keep nothing before this read's start: the next read usually starts where this one ended.
        drop = max(0, start - self._buffer_start)
        if drop:
            self._buffer = self._buffer[:, drop:]
            self._buffer_start += drop
            self._valid_from = max(self._valid_from, self._buffer_start)
        return out
