"""Speed, reverse and freeze frames in the mix: pitch kept or following, sample-exact placement, impulses
where the picture shows them."""

from fractions import Fraction

import numpy as np
import pytest

from kijkocut import samples
from kijkocut.audio.stretch import tempo_stages
from kijkocut.render.audio_mix import AudioMixer, render_audio
from tests.audio.helpers import RATE, audio_editor, dominant_hz, impulse_wav, place


@pytest.fixture(scope="module")
def tone_440(tmp_path_factory):
    return samples.write_audio(
        tmp_path_factory.mktemp("speed") / "tone.wav", samples.tone(440, 30, RATE, channels=2), RATE
    )


@pytest.mark.parametrize("speed", [0.1, 0.3, 0.5, 1.5, 2, 3.7, 10])
def test_tempo_stages_stay_in_atempos_best_range(speed):
    stages = tempo_stages(speed)
    assert all(0.5 <= stage <= 2 for stage in stages)
    assert np.isclose(np.prod(stages), speed)


@pytest.mark.parametrize(
    ("speed", "preserve_pitch", "expected_hz"),
    [
        (2, True, 440),
        (2, False, 880),
        (0.5, True, 440),
        (0.5, False, 220),
        (0.1, True, 440),
        (10, True, 440),
        (3, False, 1320),
        (0.7, False, 440 * 0.7),
    ],
)
def test_pitch_kept_or_following_the_speed(tone_440, speed, preserve_pitch, expected_hz):
    editor = audio_editor()
    place(
        editor,
        tone_440,
        "t",
        id="c",
        start=Fraction(1, 2),
        duration=Fraction(5, 2),
        speed=speed,
        preserve_pitch=preserve_pitch,
        source_in=Fraction(1, 10),
    )
    mix = render_audio(editor.project)
    assert abs(dominant_hz(mix[0, 26400:141600]) - expected_hz) < 2
    # The element occupies exactly its timeline samples, at the source's level.
    sounding = np.flatnonzero(np.abs(mix[0]) > 1e-4)
    assert abs(sounding[0] - 24000) <= 1 and sounding[-1] == 144000 - 1
    assert np.isclose(np.sqrt(np.mean(mix[0, 30000:140000] ** 2)), 0.3 / np.sqrt(2), rtol=0.03)


def test_resampled_speed_moves_an_impulse_sample_exactly(tmp_path):
    editor = audio_editor()
    place(
        editor,
        impulse_wav(tmp_path / "click.wav", at=9600, seconds=4),
        "click",
        id="c",
        start=1,
        duration=1,
        speed=2,
        preserve_pitch=False,
    )
    mix = render_audio(editor.project)
    assert mix.shape == (2, 96000)
    assert abs(int(np.argmax(np.abs(mix[0]))) - (48000 + 4800)) <= 1


def test_time_stretched_impulse_stays_in_sync(tmp_path):
    # The picture shows media time 1.5 s at timeline 1 + 1.5 / speed; the sound must be there within ~10 ms.
    path = impulse_wav(tmp_path / "click.wav", at=72000, seconds=15)
    for speed in (0.5, 1.6, 4):
        editor = audio_editor()
        place(editor, path, "click", id="c", start=1, duration=Fraction(7, 2), speed=speed)
        mix = render_audio(editor.project)
        energy = mix[0].astype(np.float64) ** 2
        centroid = float(np.arange(energy.size) @ energy / energy.sum())
        assert abs(centroid - (48000 + 72000 / speed)) < 0.012 * RATE, speed


def test_reverse_plays_backwards(tmp_path):
    editor = audio_editor()
    place(
        editor,
        impulse_wav(tmp_path / "click.wav", at=4800),
        "click",
        id="c",
        start=0,
        duration=2,
        reverse=True,
    )
    mix = render_audio(editor.project)
    # Source sample 4800 of 96000 plays at timeline sample 96000 - 1 - 4800, as the picture's reversed frames.
    assert int(np.argmax(np.abs(mix[0]))) == 96000 - 1 - 4800
    # Reversed at 2x without pitch correction, from a 4 s file: the impulse lands at (192000 - 1 - 9600) / 2.
    editor = audio_editor()
    place(
        editor,
        impulse_wav(tmp_path / "late.wav", at=9600, seconds=4),
        "late",
        id="c",
        start=0,
        duration=2,
        reverse=True,
        speed=2,
        preserve_pitch=False,
    )
    assert abs(int(np.argmax(np.abs(render_audio(editor.project)[0]))) - (192000 - 9600) // 2) <= 1


def test_reverse_with_stretch_and_chunked_reads(tmp_path, tone_440):
    editor = audio_editor()
    place(editor, tone_440, "t", id="c", start=0, duration=3, speed=1.5, reverse=True)
    whole = render_audio(editor.project)
    assert abs(dominant_hz(whole[0, 4800:139200]) - 440) < 2
    with AudioMixer(editor.project) as mixer:
        chunked = np.concatenate([mixer.mix(i, 1601) for i in range(0, whole.shape[1], 1601)], axis=1)
    assert np.array_equal(chunked[:, : whole.shape[1]], whole)


def test_freeze_frames_are_silent(tone_440):
    editor = audio_editor()
    place(editor, tone_440, "t", id="c", start=0, duration=1, freeze_frame=True)
    assert not render_audio(editor.project).any()
