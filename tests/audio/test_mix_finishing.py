"""Mix finishing: keyframed gain, constant-power pan, mute and solo, hard audio cuts under transitions,
detached audio, and ducking."""

import math
from fractions import Fraction

import numpy as np
import pytest

from kijkocut import samples
from kijkocut.animation import Keyframe
from kijkocut.audio.pan import pan_stereo
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition, DetachAudio, UpdateTrack
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Ducking, Project
from kijkocut.render.audio_mix import AudioMixer, render_audio
from tests.audio.helpers import RATE, audio_editor, place, rms_db


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("finishing")
    return {
        "dc": samples.write_audio(folder / "dc.wav", np.full((2, RATE * 4), 0.4, np.float32), RATE),
        "mono": samples.write_audio(folder / "mono.wav", samples.tone(500, 3, RATE, channels=1), RATE),
        "left": samples.write_audio(
            folder / "left.wav", np.stack([samples.tone(300, 3)[0], samples.tone(700, 3)[0]]), RATE
        ),
        "music": samples.write_audio(folder / "music.wav", samples.chord(8), RATE),
        "voice": samples.write_audio(folder / "voice.wav", samples.voice_like(2, RATE), RATE),
        "video": samples.write_video(folder / "v.mp4", seconds=2, width=64, height=36, tone_hz=440),
    }


def test_keyframed_gain_follows_the_curve(media):
    editor = audio_editor()
    keys = [Keyframe(time=Fraction(1, 2), value=0), Keyframe(time=Fraction(3, 2), value=-20)]
    place(editor, media["dc"], "dc", id="c", start=0, duration=2, gain_db=-6, keyframes={"gain_db": keys})
    mix = render_audio(editor.project)[0]
    # Keyframes replace the fixed gain; linear in dB between the keys, held outside them.
    for t, db in ((0.25, 0), (0.5, 0), (1.0, -10), (1.25, -15), (1.75, -20)):
        assert math.isclose(20 * math.log10(mix[int(t * RATE)] / 0.4), db, abs_tol=0.02), t
    assert np.abs(np.diff(mix[24000:72000])).max() < 1e-3  # smooth, no steps at block edges
    with AudioMixer(editor.project) as mixer:  # chunking does not move the curve
        chunked = np.concatenate([mixer.mix(i, 1000) for i in range(0, 96000, 1000)], axis=1)[0]
    assert np.array_equal(chunked, mix)


def test_pan_law():
    mono = np.stack([np.full(8, 0.5), np.full(8, 0.5)]).astype(np.float32)  # a mono source, upmixed at -3 dB
    for pan in np.linspace(-1, 1, 9):
        left, right = pan_stereo(mono, pan, mono_source=True)[:, 0]
        assert math.isclose(
            left**2 + right**2, 0.5, rel_tol=1e-6
        )  # constant power: m^2 with m = 0.5 * sqrt 2
    assert np.allclose(pan_stereo(mono, -1, mono_source=True), [[0.5 * math.sqrt(2)], [0]])
    assert np.array_equal(pan_stereo(mono, 0, mono_source=True), mono)
    stereo = np.array([[0.3], [0.2]], np.float32)
    assert np.allclose(pan_stereo(stereo, -1, mono_source=False), [[0.5], [0]])
    assert np.allclose(pan_stereo(stereo, 1, mono_source=False), [[0], [0.5]])
    assert np.array_equal(pan_stereo(stereo, 0, mono_source=False), stereo)


def test_pan_in_the_mix(media):
    editor = audio_editor()
    place(editor, media["mono"], "mono", id="m", start=0, duration=1, pan=-1)
    mix = render_audio(editor.project)
    assert not mix[1].any()
    assert math.isclose(np.sqrt(np.mean(mix[0, 4800:43200] ** 2)), 0.3 / math.sqrt(2), rel_tol=0.01)
    # Centre: the same power split over two channels (-3 dB each); keyframed sweep from left to right.
    editor.project.track("a1").elements[0].pan = 0
    centre = render_audio(editor.project)
    assert math.isclose(rms_db(centre[0, 4800:43200]), rms_db(mix[0, 4800:43200]) - 3.01, abs_tol=0.02)
    editor.project.track("a1").elements[0].keyframes = {
        "pan": [Keyframe(time=0, value=-1), Keyframe(time=1, value=1)]
    }
    sweep = render_audio(editor.project)
    power = sweep.astype(np.float64) ** 2
    quarters = [power[:, i : i + 4800].mean(axis=1) for i in (2400, 21600, 40800)]
    assert quarters[0][0] > 20 * quarters[0][1] and quarters[2][1] > 20 * quarters[2][0]
    assert all(math.isclose(q.sum(), quarters[1].sum(), rel_tol=0.02) for q in quarters)
    # A stereo source panned hard left carries both its channels on the left.
    editor = audio_editor()
    place(editor, media["left"], "left", id="s", start=0, duration=1, pan=-1)
    left_only = render_audio(editor.project)
    assert not left_only[1].any()
    spectrum = np.abs(np.fft.rfft(left_only[0]))
    assert spectrum[300] > 1000 and spectrum[700] > 1000


def test_mute_and_solo(media):
    editor = audio_editor("a1", "a2", "a3")
    for track, hz_media in (("a1", "dc"), ("a2", "mono"), ("a3", "music")):
        place(editor, media[hz_media], hz_media, track=track, id=f"c_{track}", start=0, duration=1)
    alone = {t: render_audio(_only(editor.project, t)) for t in ("a1", "a2", "a3")}
    # UpdateTrack cannot set solo or ducking yet: set the model fields directly.
    editor.project.track("a2").solo = True
    assert np.array_equal(render_audio(editor.project), alone["a2"])
    editor.project.track("a3").solo = True
    assert np.allclose(render_audio(editor.project), alone["a2"] + alone["a3"], atol=1e-6)
    editor.apply(UpdateTrack(track_id="a3", muted=True))  # mute wins over solo
    assert np.array_equal(render_audio(editor.project), alone["a2"])


def _only(project: Project, track_id: str) -> Project:
    copy = project.model_copy(deep=True)
    for track in copy.tracks:
        track.muted = track.id != track_id
    return copy


def test_transition_audio_flag_cuts_hard(media):
    editor = audio_editor()
    place(editor, media["dc"], "dc", id="x", start=0, duration=2, source_in=1)
    place(editor, media["mono"], "mono", id="y", start=2, duration=1, source_in=1)
    editor.apply(AddTransition(from_id="x", to_id="y", duration=1, alignment="center", audio=False))
    mix = render_audio(editor.project)
    assert np.allclose(
        mix[:, : 2 * RATE], 0.4, atol=1e-4
    )  # x at full level right up to the cut, nothing of y before it
    assert np.abs(mix[0, 2 * RATE :]).max() < 0.3 / math.sqrt(2) + 1e-3  # only y after it, no tail of x
    crossfaded = editor.project.model_copy(deep=True)
    crossfaded.track("a1").transitions[0].audio = True
    assert render_audio(crossfaded)[0, int(1.75 * RATE)] < 0.39  # the default still crossfades


def test_detach_audio_end_to_end(media):
    editor = Editor(Project())
    editor.apply(AddMedia(media=import_media(media["video"], media_id="v")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="c",
                media_id="v",
                start=0,
                duration=1,
                source_in=Fraction(1, 4),
                gain_db=-6,
                pan=0.5,
                speed=1.25,
            ),
        )
    )
    attached = render_audio(editor.project)
    assert rms_db(attached) > -30
    editor.apply(DetachAudio(element_id="c", sound_id="c_sound"))
    audio_track = next(t for t in editor.project.tracks if t.kind == "audio")
    assert editor.project.element("c").audio_muted and [e.id for e in audio_track.elements] == ["c_sound"]
    assert np.array_equal(render_audio(editor.project), attached)  # same sound, now from its own clip
    editor.apply(UpdateTrack(track_id="v1", muted=True))
    assert np.array_equal(render_audio(editor.project), attached)  # muting the picture keeps it
    editor.apply(UpdateTrack(track_id=audio_track.id, muted=True))
    assert not render_audio(editor.project).any()
    editor.undo()
    editor.undo()
    editor.undo()
    assert np.array_equal(render_audio(editor.project), attached)


def test_ducking_lowers_music_under_the_voice(media):
    editor = audio_editor("music", "voice")
    place(editor, media["music"], "music", track="music", id="m", start=0, duration=8)
    place(editor, media["voice"], "voice", track="voice", id="v", start=2, duration=2)
    music_alone = render_audio(_only(editor.project, "music"))
    ducking = Ducking(
        under_track_id="voice",
        amount_db=-12,
        threshold_db=-40,
        attack=Fraction(1, 10),
        release=Fraction(1, 2),
    )
    editor.project.track("music").ducking = ducking
    with AudioMixer(editor.project) as mixer:  # streamed in export-sized chunks
        mix = np.concatenate([mixer.mix(i, 1600) for i in range(0, 8 * RATE, 1600)], axis=1)
    music = mix - render_audio(_only(editor.project, "voice"))
    gain = np.array(
        [
            rms_db(music[:, i : i + 4800]) - rms_db(music_alone[:, i : i + 4800])
            for i in range(0, 8 * RATE, 4800)
        ]
    )  # per 100 ms
    assert np.abs(gain[:19]).max() < 0.01  # untouched before the voice
    assert np.all(np.abs(gain[22:40] + 12) < 0.5)  # down by amount_db while it speaks (after the attack)
    assert -12.5 < gain[40:42].min() and gain[41] < -6  # the hold bridges its end, then the release ramps
    assert np.abs(gain[49:]).max() < 0.01  # recovered within hold + release
    assert np.allclose(render_audio(editor.project), mix, atol=1e-6)  # one block or chunks: the same
    editor.apply(UpdateTrack(track_id="voice", muted=True))  # a muted voice ducks nothing
    assert np.allclose(render_audio(editor.project), music_alone, atol=1e-6)
