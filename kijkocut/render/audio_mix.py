"""Audio mixing: every audible element (audio-track clips and the sound of video clips) at the project's rate
and layout, at its speed and direction, with gain and pan (both keyframable), fades and transition
crossfades; tracks summed with mute, solo and ducking. Sample-accurate and streaming: `AudioMixer.mix` renders
any range in float32, chunk by chunk, with the same result however the timeline is chunked.

Where a transition holds the edge frames because the media runs out, the sound past the media is silence (the
readers read silence outside a file): a held sample would be a click, not sound, so such a crossfade runs
through silence, 6 dB down at the cut of a centred transition with no media beyond the edges."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from kijkocut.animation import Keyframe, value_at
from kijkocut.audio.clip_sound import ClipSound
from kijkocut.audio.ducking import Ducker
from kijkocut.audio.levels import db_to_gain
from kijkocut.audio.master import MasterBus, measure
from kijkocut.audio.pan import pan_stereo
from kijkocut.model import ClipElement, Project, Track
from kijkocut.project_io import resolve_media_path
from kijkocut.validate import check_project, check_render_range

__all__ = ["AudioMixer", "AudioSegment", "audible_tracks", "db_to_gain", "master_bus", "render_audio"]

SOUND_TRACKS = ("video", "overlay", "audio")
KEYFRAME_STEP = (
    64  # samples between evaluations of gain and pan keyframes; linear in between (1.3 ms at 48 kHz)
)


@dataclass(frozen=True)
class AudioSegment:
    """One element's contribution: a sample range on the timeline and how to weight it."""

    element: ClipElement
    track_id: str
    first: int  # first timeline sample (inclusive), handles included
    last: int  # last timeline sample (exclusive)
    crossfades: tuple[tuple[int, int, bool], ...]  # (start, end, fading_in) sample spans of transitions
    mono_source: bool  # panned with the mono law (see kijkocut.audio.pan)


def audible_tracks(project: Project) -> list[Track]:
    """Tracks that sound: not muted and, when any track is soloed, soloed."""
    sound = [track for track in project.tracks if track.kind in SOUND_TRACKS]
    soloing = any(track.solo for track in sound)
    return [track for track in sound if not track.muted and (track.solo or not soloing)]


def _segments(project: Project, track: Track, rate: int) -> list[AudioSegment]:
    by_id = {e.id: e for e in track.elements}
    extend: dict[str, list[Fraction]] = {e.id: [e.start, e.end] for e in track.elements}
    spans: dict[str, list[tuple[int, int, bool]]] = {e.id: [] for e in track.elements}
    for transition in track.transitions:
        left, right = by_id.get(transition.from_id), by_id.get(transition.to_id)
        if left is None or right is None or not transition.audio:
            continue  # detached from the picture's transition: the sound cuts hard at the cut
        begin, finish = transition.span(left.end)
        extend[left.id][1] = max(extend[left.id][1], finish)
        extend[right.id][0] = min(extend[right.id][0], begin)
        span = (round(begin * rate), round(finish * rate))
        spans[left.id].append((*span, False))
        spans[right.id].append((*span, True))
    segments = []
    for element in track.elements:
        if not isinstance(element, ClipElement) or element.audio_muted or element.freeze_frame:
            continue
        media = project.media.get(element.media_id)
        if media is None or media.info.audio is None:
            continue
        first, last = extend[element.id]
        segments.append(
            AudioSegment(
                element,
                track.id,
                round(first * rate),
                round(last * rate),
                tuple(spans[element.id]),
                media.info.audio.channels == 1,
            )
        )
    return segments


def _automation(keys: list[Keyframe], element: ClipElement, lo: int, hi: int, rate: int) -> np.ndarray:
    """A keyframed value for every sample of [lo, hi), from evaluations on a fixed grid of timeline samples
    (so chunking does not change the result)."""
    grid = np.arange(lo - lo % KEYFRAME_STEP, hi + KEYFRAME_STEP, KEYFRAME_STEP)
    values = [value_at(keys, Fraction(int(g), rate) - element.start) for g in grid]
    return np.interp(np.arange(lo, hi), grid, values)


def _envelope(segment: AudioSegment, lo: int, hi: int, rate: int) -> np.ndarray | float:
    """Per-sample weight over [lo, hi): gain (keyframed or fixed) x fades x transition crossfade ramps."""
    element = segment.element
    keys = element.keyframes.get("gain_db")
    gain = (
        db_to_gain(element.gain_db) if keys is None else 10 ** (_automation(keys, element, lo, hi, rate) / 20)
    )
    fade_in, fade_out = element.fade_in * rate, element.fade_out * rate
    start, end = element.start * rate, element.end * rate
    if not fade_in and not fade_out and not segment.crossfades:
        return gain if isinstance(gain, float) else gain.astype(np.float32)
    index = np.arange(lo, hi, dtype=np.float64)
    weight = np.ones(hi - lo)
    if fade_in:
        weight = np.minimum(weight, np.clip((index - float(start)) / float(fade_in), 0, 1))
    if fade_out:
        weight = np.minimum(weight, np.clip((float(end) - index) / float(fade_out), 0, 1))
    for span_start, span_end, fading_in in segment.crossfades:
        ramp = np.clip((index - span_start) / max(1, span_end - span_start), 0, 1)
        weight = weight * (ramp if fading_in else 1 - ramp)
    return (weight * gain).astype(np.float32)


class AudioMixer:
    def __init__(self, project: Project, *, project_dir: str | os.PathLike | None = None):
        self.project = project
        self.rate = project.settings.sample_rate
        self.channels = project.settings.channels
        self.project_dir = project_dir
        self.tracks = audible_tracks(project)
        self.segments = [s for track in self.tracks for s in _segments(project, track, self.rate)]
        audible = {track.id for track in self.tracks}
        # A muted or un-soloed voice is silent, so it ducks nothing.
        self.duckers = {
            track.id: (track.ducking.under_track_id, Ducker(track.ducking, self.rate))
            for track in self.tracks
            if track.ducking and track.ducking.under_track_id in audible - {track.id}
        }
        self._sounds: dict[str, ClipSound] = {}
        self._next: int | None = None

    def close(self) -> None:
        for sound in self._sounds.values():
            sound.close()
        self._sounds.clear()

    def __enter__(self) -> AudioMixer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _sound(self, segment: AudioSegment) -> ClipSound:
        # One reader per element: two elements of one file (a split clip) read different places.
        key = segment.element.id
        if key not in self._sounds:
            media = self.project.media[segment.element.media_id]
            self._sounds[key] = ClipSound(
                segment.element, resolve_media_path(media.path, self.project_dir), self.rate, self.channels
            )
        return self._sounds[key]

    def _track_mix(self, track: Track, first_sample: int, count: int) -> np.ndarray:
        out = np.zeros((self.channels, count), np.float32)
        last_sample = first_sample + count
        for segment in self.segments:
            lo, hi = max(first_sample, segment.first), min(last_sample, segment.last)
            if segment.track_id != track.id or hi <= lo:
                continue
            element = segment.element
            samples = self._sound(segment).read(lo, hi - lo) * _envelope(segment, lo, hi, self.rate)
            pan = element.keyframes.get("pan")
            pan_values = element.pan if pan is None else _automation(pan, element, lo, hi, self.rate)
            if self.channels == 2:
                samples = pan_stereo(samples, pan_values, mono_source=segment.mono_source)
            out[:, lo - first_sample : hi - first_sample] += samples
        return out

    def mix(self, first_sample: int, count: int) -> np.ndarray:
        """Timeline samples [first_sample, first_sample + count) as float32 (channels, count)."""
        if first_sample != self._next:
            for _, ducker in self.duckers.values():
                ducker.reset()  # a seek: ducking starts afresh rather than from another place's state
        self._next = first_sample + count
        tracks = {track.id: self._track_mix(track, first_sample, count) for track in self.tracks}
        out = np.zeros((self.channels, count), np.float32)
        for track_id, signal in tracks.items():
            if track_id in self.duckers:
                under, ducker = self.duckers[track_id]
                signal = signal * ducker.gains(tracks[under]).astype(np.float32)
            out += signal
        return out


def render_audio(
    project: Project,
    *,
    start: Fraction | None = None,
    end: Fraction | None = None,
    project_dir: str | os.PathLike | None = None,
) -> np.ndarray:
    """The mix of [start, end) as float32 (channels, samples) at the project's sample rate."""
    check_project(project)
    rate = project.settings.sample_rate
    start = Fraction(0) if start is None else start
    end = project.duration() if end is None else end
    check_render_range(start, end, project.settings.frame_rate)
    first, last = math.floor(start * rate), math.floor(end * rate)
    with AudioMixer(project, project_dir=project_dir) as mixer:
        return mixer.mix(first, max(0, last - first))


def master_bus(
    project: Project,
    mixer: AudioMixer,
    first: int,
    last: int,
    *,
    loudness_lufs: float | None = None,
    ceiling_db: float | None = -1.0,
    project_dir: str | os.PathLike | None = None,
) -> MasterBus:
    """The export's master bus over timeline samples [first, last). Normalising to `loudness_lufs` needs the
    whole mix's loudness first: a separate pass over the audio alone (no video is decoded)."""
    rate, channels = project.settings.sample_rate, project.settings.channels
    source_loudness = None
    gain_db = 0.0
    if loudness_lufs is not None:
        with AudioMixer(project, project_dir=project_dir) as measuring:
            source_loudness = measure(measuring.mix, first, last, rate, channels).integrated()
        if math.isfinite(source_loudness):  # silence stays silence
            gain_db = loudness_lufs - source_loudness
    return MasterBus(
        mixer.mix, rate, channels, gain_db=gain_db, ceiling_db=ceiling_db, source_loudness=source_loudness
    )
