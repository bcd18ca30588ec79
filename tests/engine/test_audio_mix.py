"""Audio mixing checked sample by sample: placement, gain, fades, resampling, up-mix, mutes, crossfades."""

import math
from fractions import Fraction

import numpy as np
import pytest

from kijkocut import samples
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition, UpdateTrack
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project
from kijkocut.render.audio_mix import render_audio


def _impulse_wav(path, rate=48000, at=4800, seconds=2.0, channels=2):
    data = np.zeros((channels, int(rate * seconds)), np.float32)
    data[:, at] = 0.5
    return samples.write_audio(path, data, rate)


def _editor():
    editor = Editor(Project())
    editor.apply(AddTrack(kind="audio", track_id="a1"))
    editor.apply(AddTrack(kind="audio", track_id="a2"))
    return editor


def _place(editor, path, media_id, track="a1", **element):
    if media_id not in editor.project.media:
        editor.apply(AddMedia(media=import_media(path, media_id=media_id)))
    editor.apply(AddElement(track_id=track, element=ClipElement(media_id=media_id, **element)))


def test_placement_is_sample_accurate(tmp_path):
    editor = _editor()
    _place(editor, _impulse_wav(tmp_path / "click.wav"), "click", id="c", start=Fraction(1), duration=1)
    mix = render_audio(editor.project)
    assert mix.shape == (2, 96000)
    assert np.argmax(np.abs(mix[0])) == 48000 + 4800
    assert np.isclose(mix[0, 52800], 0.5, atol=1e-3)
    # Slipping the source by 1000 samples moves the click 1000 samples earlier.
    editor.project.track("a1").elements[0].source_in = Fraction(1000, 48000)
    assert np.argmax(np.abs(render_audio(editor.project)[0])) == 48000 + 3800


def test_gain_in_db(engine_media):
    editor = _editor()
    _place(editor, engine_media.music, "m", id="loud", start=0, duration=2)
    reference = render_audio(editor.project)
    editor.project.track("a1").elements[0].gain_db = -6
    quieter = render_audio(editor.project)
    assert np.allclose(quieter, reference * 10 ** (-6 / 20), atol=1e-5)


def test_linear_fades(engine_media):
    editor = _editor()
    _place(editor, engine_media.music, "m", id="m", start=0, duration=4, fade_in=1, fade_out=2)
    mix = render_audio(editor.project)
    plain = samples.chord(4)
    rate = 48000
    for t, weight in ((0.25, 0.25), (0.5, 0.5), (1.5, 1.0), (3.0, 0.5), (3.5, 0.25)):
        i = int(t * rate)
        window = slice(i - 200, i + 200)
        ratio = np.abs(mix[0, window]).max() / np.abs(plain[0, window]).max()
        assert math.isclose(ratio, weight, abs_tol=0.03), (t, ratio)
    assert np.abs(mix[:, :10]).max() < 1e-3


def test_resampling_and_mono_upmix(tmp_path):
    rate = 44100
    t = np.arange(rate * 2) / rate
    sine = (0.5 * np.sin(2 * np.pi * 1000 * t))[None, :].astype(np.float32)
    path = samples.write_audio(tmp_path / "mono.wav", sine, rate)
    editor = _editor()
    _place(editor, path, "s", id="s", start=0, duration=1)
    mix = render_audio(editor.project)
    assert mix.shape == (2, 48000)
    assert np.allclose(mix[0], mix[1])
    body = mix[0, 4800:43200]
    assert math.isclose(np.sqrt(np.mean(body**2)), 0.5 * math.sqrt(0.5) / math.sqrt(2), rel_tol=0.02)
    spectrum = np.abs(np.fft.rfft(body))
    assert abs(np.argmax(spectrum) * 48000 / body.size - 1000) < 5


def test_tracks_sum_and_mutes(tmp_path, engine_media):
    editor = _editor()
    _place(editor, engine_media.music, "m", id="m1", start=0, duration=1)
    _place(editor, engine_media.music, "m", track="a2", id="m2", start=0, duration=1)
    both = render_audio(editor.project)
    editor.apply(UpdateTrack(track_id="a2", muted=True))
    one = render_audio(editor.project)
    assert np.allclose(both, 2 * one, atol=1e-5)
    editor.project.track("a1").elements[0].audio_muted = True
    assert np.abs(render_audio(editor.project)).max() == 0


def test_video_clips_play_their_sound(engine_media):
    editor = Editor(Project())
    editor.apply(AddMedia(media=import_media(engine_media.red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="c", media_id="red", start=0, duration=2)))
    mix = render_audio(editor.project)
    spectrum = np.abs(np.fft.rfft(mix[0, 4800:91200]))
    assert abs(np.argmax(spectrum) * 48000 / 86400 - 440) < 5
    editor.project.track("v1").muted = True
    assert np.abs(render_audio(editor.project)).max() == 0


@pytest.mark.parametrize("alignment", ["end", "center"])
def test_transition_crossfades_audio(tmp_path, alignment):
    rate = 48000
    ones = np.full((2, rate * 4), 0.4, np.float32)
    path = samples.write_audio(tmp_path / "dc.wav", ones, rate)
    editor = _editor()
    _place(editor, path, "dc", id="x", start=0, duration=2, source_in=1)
    _place(editor, path, "dc", id="y", start=2, duration=1, source_in=1)
    editor.apply(AddTransition(from_id="x", to_id="y", duration=1, alignment=alignment))
    mix = render_audio(editor.project)
    # Equal-gain linear crossfade of two identical signals sums to the original level throughout.
    assert np.allclose(mix[0, 100 : 3 * rate - 100], 0.4, atol=2e-3)
