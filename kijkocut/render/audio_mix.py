"""Audio mixing: every audible element (audio-track clips and the sound of video clips) resampled to the
project layout, with gain, fades and transition crossfades, summed sample-accurately in float32."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from kijkocut.media.audio_reader import AudioReader
from kijkocut.model import ClipElement, Project, Track
from kijkocut.project_io import resolve_media_path
from kijkocut.validate import check_project


@dataclass(frozen=True)
class AudioSegment:
    """One element's contribution: a sample range on the timeline and how to weight it."""

    element: ClipElement
    first: int  # first timeline sample (inclusive), handles included
    last: int  # last timeline sample (exclusive)
    gain: float
    crossfades: tuple[tuple[int, int, bool], ...]  # (start, end, fading_in) sample spans of transitions


def db_to_gain(db: float) -> float:
    return 10 ** (db / 20)


def _segments(project: Project, track: Track, rate: int) -> list[AudioSegment]:
    by_id = {e.id: e for e in track.elements}
    extend: dict[str, list[Fraction]] = {e.id: [e.start, e.end] for e in track.elements}
    spans: dict[str, list[tuple[int, int, bool]]] = {e.id: [] for e in track.elements}
    for transition in track.transitions:
        left, right = by_id.get(transition.from_id), by_id.get(transition.to_id)
        if left is None or right is None:
            continue
        begin, finish = transition.span(left.end)
        extend[left.id][1] = max(extend[left.id][1], finish)
        extend[right.id][0] = min(extend[right.id][0], begin)
        span = (round(begin * rate), round(finish * rate))
        spans[left.id].append((*span, False))
        spans[right.id].append((*span, True))
    segments = []
    for element in track.elements:
        if not isinstance(element, ClipElement) or element.audio_muted:
            continue
        media = project.media.get(element.media_id)
        if media is None or media.info.audio is None:
            continue
        first, last = extend[element.id]
        segments.append(AudioSegment(element, round(first * rate), round(last * rate), db_to_gain(element.gain_db),
                                     tuple(spans[element.id])))
    return segments


def _envelope(segment: AudioSegment, lo: int, hi: int, rate: int) -> np.ndarray | float:
    """Per-sample weight over [lo, hi): gain x fades x transition crossfade ramps."""
    element = segment.element
    fade_in, fade_out = element.fade_in * rate, element.fade_out * rate
    start, end = element.start * rate, element.end * rate
    if not fade_in and not fade_out and not segment.crossfades:
        return segment.gain
    index = np.arange(lo, hi, dtype=np.float64) + 0.0
    weight = np.ones(hi - lo)
    if fade_in:
        weight = np.minimum(weight, np.clip((index - float(start)) / float(fade_in), 0, 1))
    if fade_out:
        weight = np.minimum(weight, np.clip((float(end) - index) / float(fade_out), 0, 1))
    for span_start, span_end, fading_in in segment.crossfades:
        ramp = np.clip((index - span_start) / max(1, span_end - span_start), 0, 1)
        weight = weight * (ramp if fading_in else 1 - ramp)
    return (weight * segment.gain).astype(np.float32)


class AudioMixer:
    def __init__(self, project: Project, *, project_dir: str | os.PathLike | None = None):
        self.project = project
        self.rate = project.settings.sample_rate
        self.channels = project.settings.channels
        self.project_dir = project_dir
        audible = [t for t in project.tracks if not t.muted and t.kind in ("video", "overlay", "audio")]
        self.segments = [s for track in audible for s in _segments(project, track, self.rate)]
        self._readers: dict[str, AudioReader] = {}

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()

    def __enter__(self) -> AudioMixer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _reader(self, segment: AudioSegment) -> AudioReader:
        # One reader per element: two elements of one file (a split clip) read different places.
        key = segment.element.id
        if key not in self._readers:
            media = self.project.media[segment.element.media_id]
            self._readers[key] = AudioReader(resolve_media_path(media.path, self.project_dir), self.rate,
                                             self.channels)
        return self._readers[key]

    def mix(self, first_sample: int, count: int) -> np.ndarray:
        """Timeline samples [first_sample, first_sample + count) as float32 (channels, count)."""
        out = np.zeros((self.channels, count), np.float32)
        last_sample = first_sample + count
        for segment in self.segments:
            lo, hi = max(first_sample, segment.first), min(last_sample, segment.last)
            if hi <= lo:
                continue
            element = segment.element
            media_time = element.source_in + Fraction(lo, self.rate) - element.start
            samples = self._reader(segment).read(media_time, hi - lo)
            out[:, lo - first_sample : hi - first_sample] += samples * _envelope(segment, lo, hi, self.rate)
        return out


def render_audio(project: Project, *, start: Fraction | None = None, end: Fraction | None = None,
                 project_dir: str | os.PathLike | None = None) -> np.ndarray:
    """The mix of [start, end) as float32 (channels, samples) at the project's sample rate."""
    check_project(project)
    rate = project.settings.sample_rate
    start = Fraction(0) if start is None else start
    end = project.duration() if end is None else end
    first, last = math.floor(start * rate), math.floor(end * rate)
    with AudioMixer(project, project_dir=project_dir) as mixer:
        return mixer.mix(first, max(0, last - first))
