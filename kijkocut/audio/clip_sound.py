"""The sound of one clip element as timeline samples, before gain, fades and pan: its media read forwards or
backwards, at its speed (time-stretched with the pitch kept, or resampled so the pitch follows the speed).

Timeline sample k of an element maps to the media position source_in + (k / rate - start) * speed (mirrored
from source_out when reversed), the same mapping the picture uses. Reads are sequential in the normal case;
a jump (a seek) restarts the stretcher, so any range can be asked for."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np

from kijkocut.audio.stretch import TempoStretcher
from kijkocut.media.audio_reader import AudioReader
from kijkocut.model import ClipElement

BACKWARD_BLOCK = 1.0  # seconds of media decoded at a time when playing backwards
STRETCH_FEED = 4096  # input samples pushed into the stretcher at a time
STRETCH_PREROLL = 8192  # output samples made before the first one needed: atempo fades in from silence


class BackwardReader:
    """Reads a file backwards: blocks of media decoded forwards (one seek each) and kept until the playhead
    leaves them, so reading in reverse costs one seek per block rather than one per chunk."""

    def __init__(self, reader: AudioReader, block: int):
        self._reader = reader
        self._block = block
        self._start = 0
        self._samples = np.zeros((reader.channels, 0), np.float32)

    def read(self, first: int, count: int) -> np.ndarray:
        """Media samples [first, first + count) at the reader's rate, in forward order."""
        end = first + count
        if first < self._start or end > self._start + self._samples.shape[1]:
            size = max(self._block, count)
            self._start = end - size
            self._samples = self._reader.read(Fraction(self._start, self._reader.sample_rate), size)
        return self._samples[:, first - self._start : end - self._start]


class ClipSound:
    def __init__(self, element: ClipElement, path: str | Path, rate: int, channels: int):
        self.element = element
        self.rate = rate
        self.channels = channels
        self.speed = Fraction(element.speed).limit_denominator(10**6)  # as ClipElement.media_time does
        self.stretch = element.preserve_pitch and self.speed != 1
        # Without pitch correction, reading the media at rate / speed and playing it at `rate` is the speed
        # change; libswresample does the band-limited resampling. An integer rate is exact for the usual speeds
        # (0.25, 0.5, 1.5, 2, 3, ...); otherwise the playhead re-syncs every chunk, so it never drifts.
        self.media_rate = rate if self.stretch else round(rate / self.speed)
        self._reader = AudioReader(path, self.media_rate, channels)
        self._backward = (
            BackwardReader(self._reader, round(BACKWARD_BLOCK * self.media_rate)) if element.reverse else None
        )
        self._stretcher: TempoStretcher | None = None
        self._next: int | None = None  # timeline sample the stretcher's output continues at
        self._fed = 0  # next playback sample to feed the stretcher
        self._pending = np.zeros((channels, 0), np.float32)

    def close(self) -> None:
        self._reader.close()

    def _playback_offset(self, sample: int) -> Fraction:
        """Media seconds from the element's first sample (in playing order) to timeline sample `sample`."""
        return (Fraction(sample, self.rate) - self.element.start) * self.speed

    def _media(self, offset: Fraction, count: int) -> np.ndarray:
        """`count` samples at media_rate in playing order, from `offset` media seconds into the element."""
        if self._backward is None:
            return self._reader.read(self.element.source_in + offset, count)
        end = round((self.element.source_out - offset) * self.media_rate)
        return self._backward.read(end - count, count)[:, ::-1]

    def read(self, first: int, count: int) -> np.ndarray:
        """Timeline samples [first, first + count) as float32 (channels, count)."""
        if self.element.freeze_frame:
            return np.zeros((self.channels, count), np.float32)
        if not self.stretch:
            return np.ascontiguousarray(self._media(self._playback_offset(first), count))
        stretcher = self._stretcher
        if stretcher is None or first != self._next:
            stretcher = self._restart(first)
        self._feed_until(stretcher, count)
        out, self._pending = self._pending[:, :count], self._pending[:, count:]
        self._next = first + count
        return out

    def _restart(self, first: int) -> TempoStretcher:
        """Start stretching so that the next output sample is timeline sample `first`."""
        stretcher = self._stretcher = TempoStretcher(self.rate, self.channels, float(self.speed))
        position = self._playback_offset(first) * self.rate  # in playback samples
        self._fed = int(position // 1) - math.ceil((STRETCH_PREROLL + stretcher.lead) * self.speed)
        # Output i stands for input i * speed, `lead` samples early: drop what comes before `first`.
        skip = round((position - self._fed) / self.speed - Fraction(stretcher.lead))
        self._pending = np.zeros((self.channels, 0), np.float32)
        self._feed_until(stretcher, skip + 1)
        self._pending = self._pending[:, skip:]
        return stretcher

    def _feed_until(self, stretcher: TempoStretcher, count: int) -> None:
        """Stretch more media until `count` output samples are pending."""
        while self._pending.shape[1] < count:
            block = self._media(Fraction(self._fed, self.rate), STRETCH_FEED)
            self._fed += STRETCH_FEED
            self._pending = np.concatenate([self._pending, stretcher.push(block)], axis=1)
