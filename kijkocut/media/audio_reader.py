"""Sequential audio reading at the project's rate and layout, sample-accurate by presentation time."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from kijkocut.errors import MediaError

SEEK_AHEAD_SECONDS = 5


class AudioReader:
    """`read(t, n)` returns n samples starting at media time t as float32 (channels, n), resampled to
    `sample_rate` and mixed to `channels` with libswresample's default matrix (mono -> L = R = -3 dB).
    Times before the first sample or after the last read as silence."""

    def __init__(self, path: str | Path, sample_rate: int, channels: int):
        self.path = str(path)
        self.sample_rate = sample_rate
        self.channels = channels
        try:
            self._container = av.open(self.path, metadata_errors="ignore")
        except av.error.FFmpegError as exc:
            raise MediaError(self.path, f"cannot open audio ({exc})") from None
        if not self._container.streams.audio:
            self._container.close()
            raise MediaError(self.path, "has no audio stream")
        self._stream = self._container.streams.audio[0]
        self._time_base = Fraction(self._stream.time_base)
        start = self._container.start_time
        self._origin = Fraction(start, av.time_base) if start is not None else Fraction(0)
        self._layout = "mono" if channels == 1 else "stereo"
        self._frames = None
        self._buffer = np.zeros((channels, 0), np.float32)
        self._buffer_start = 0  # sample index (at our rate, from the origin) of buffer[:, 0]
        self._exhausted = False

    def close(self) -> None:
        self._container.close()

    def _restart(self, sample: int) -> None:
        seconds = Fraction(max(sample, 0), self.sample_rate) + self._origin
        try:
            self._container.seek(int(seconds / self._time_base), stream=self._stream, backward=True)
        except av.error.FFmpegError as exc:
            raise MediaError(self.path, f"cannot seek audio to {float(seconds):.3f} s ({exc})") from None
        self._resampler = av.AudioResampler(format="fltp", layout=self._layout, rate=self.sample_rate)
        self._frames = self._container.decode(self._stream)
        self._buffer = np.zeros((self.channels, 0), np.float32)
        self._buffer_start = None
        self._exhausted = False

    def _pull(self) -> bool:
        """Decode one more frame into the buffer; False at the end of the stream."""
        if self._exhausted:
            return False
        try:
            frame = next(self._frames)
            resampled = self._resampler.resample(frame)
        except StopIteration:
            self._exhausted = True
            resampled = self._resampler.resample(None)
            frame = None
        except av.error.FFmpegError as exc:
            raise MediaError(self.path, f"audio decoding failed ({exc})") from None
        if self._buffer_start is None and frame is not None:
            if frame.pts is not None:
                first = (frame.pts * self._time_base - self._origin) * self.sample_rate
                self._buffer_start = round(first)
            else:
                self._buffer_start = 0
        chunks = [f.to_ndarray().astype(np.float32, copy=False) for f in resampled]
        if chunks:
            self._buffer = np.concatenate([self._buffer, *chunks], axis=1)
        return not self._exhausted or bool(chunks)

    def read(self, t: Fraction, count: int) -> np.ndarray:
        start = round(t * self.sample_rate)
        end = start + count
        buffer_end = None if self._buffer_start is None else self._buffer_start + self._buffer.shape[1]
        if (self._frames is None or self._buffer_start is None and self._exhausted
                or (self._buffer_start is not None and start < self._buffer_start)
                or (buffer_end is not None and start > buffer_end + SEEK_AHEAD_SECONDS * self.sample_rate)):
            self._restart(start)
        while (self._buffer_start is None or self._buffer_start + self._buffer.shape[1] < end) and self._pull():
            pass
        out = np.zeros((self.channels, count), np.float32)
        if self._buffer_start is None:
            return out
        lo, hi = max(start, self._buffer_start), min(end, self._buffer_start + self._buffer.shape[1])
        if hi > lo:
            out[:, lo - start : hi - start] = self._buffer[:, lo - self._buffer_start : hi - self._buffer_start]
        # Keep a little history: the next read usually starts where this one ended.
        drop = max(0, min(start, end) - self._buffer_start)
        if drop:
            self._buffer = self._buffer[:, drop:]
            self._buffer_start += drop
        return out
