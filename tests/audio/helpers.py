"""Small timelines for the audio tests, built through the edit layer like any front end would."""

from __future__ import annotations

import numpy as np

from kijkocut import samples
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project

RATE = 48000


def audio_editor(*track_ids: str) -> Editor:
    editor = Editor(Project())
    for track_id in track_ids or ("a1",):
        editor.apply(AddTrack(kind="audio", track_id=track_id))
    return editor


def place(editor: Editor, path, media_id: str, track: str = "a1", **element) -> ClipElement:
    if media_id not in editor.project.media:
        editor.apply(AddMedia(media=import_media(path, media_id=media_id)))
    clip = ClipElement(media_id=media_id, **element)
    editor.apply(AddElement(track_id=track, element=clip))
    return editor.project.element(clip.id)


def impulse_wav(path, at: int, *, seconds: float = 2.0, channels: int = 2):
    data = np.zeros((channels, int(RATE * seconds)), np.float32)
    data[:, at] = 0.5
    return samples.write_audio(path, data, RATE)


def dominant_hz(signal: np.ndarray, rate: int = RATE) -> float:
    windowed = signal * np.hanning(signal.size)
    return float(np.argmax(np.abs(np.fft.rfft(windowed))) * rate / signal.size)


def rms_db(signal: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(signal, dtype=np.float64)) + 1e-30))
