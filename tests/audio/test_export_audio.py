"""Export mastering: loudness normalisation measured back from the encoded file, the limiter's ceiling, and a
master bus that leaves a mix below the ceiling untouched."""

import math
from fractions import Fraction

import av
import numpy as np
import pytest

from kijkocut import samples
from kijkocut.audio.levels import gain_to_db
from kijkocut.audio.loudness import integrated_loudness
from kijkocut.audio.true_peak import true_peak
from kijkocut.model import ProjectSettings
from kijkocut.render.audio_mix import AudioMixer, master_bus, render_audio
from kijkocut.render.export import export_project
from kijkocut.render.presets import PRESETS, ExportSettings
from tests.audio.helpers import RATE, audio_editor, place


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export_audio")
    return {
        "music": samples.write_audio(folder / "music.wav", samples.chord(4), RATE),
        "voice": samples.write_audio(folder / "voice.wav", samples.voice_like(4, RATE), RATE),
    }


def small_project(media, **music):
    editor = audio_editor("music", "voice")
    editor.project.settings = ProjectSettings(width=64, height=36, frame_rate=25)
    place(editor, media["music"], "music", track="music", id="m", start=0, duration=3, **music)
    place(editor, media["voice"], "voice", track="voice", id="v", start=Fraction(1, 2), duration=2)
    return editor.project


def decoded_audio(path) -> np.ndarray:
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
        frames = [
            out.to_ndarray() for frame in container.decode(audio=0) for out in resampler.resample(frame)
        ]
    return np.concatenate(frames, axis=1)


@pytest.mark.parametrize(("container", "target"), [("mp4", -14.0), ("webm", -23.0)])
def test_export_is_normalised_to_the_target_loudness(media, tmp_path, container, target):
    project = small_project(media, gain_db=-9)
    mix_loudness = integrated_loudness(render_audio(project), RATE)
    result = export_project(
        project,
        tmp_path / f"out.{container}",
        ExportSettings(container=container, loudness_lufs=target, crf=40),
    )
    assert math.isclose(result.source_loudness_lufs, mix_loudness, abs_tol=0.01)
    assert math.isclose(result.loudness_lufs, target, abs_tol=0.1)
    encoded = integrated_loudness(decoded_audio(result.path), RATE)
    assert math.isclose(encoded, target, abs_tol=0.5), encoded


def test_limiter_keeps_a_hot_mix_under_the_ceiling(media, tmp_path):
    project = small_project(media, gain_db=12)  # chord peaks near +7.6 dBFS
    assert np.abs(render_audio(project)).max() > 2
    result = export_project(project, tmp_path / "hot.mp4", ExportSettings(crf=40))
    assert result.audio_peak_db <= -1.0
    assert result.audio_peak_db <= result.audio_true_peak_db <= -1.0 + 0.05
    decoded = decoded_audio(result.path)
    assert 20 * math.log10(np.abs(decoded).max()) < -1.0 + 0.5  # AAC may overshoot a little, never clip
    assert gain_to_db(true_peak(decoded, RATE)) < -1.0 + 0.5
    unlimited = export_project(project, tmp_path / "clipped.mp4", ExportSettings(crf=40, limiter=False))
    assert unlimited.audio_peak_db > 6


def test_master_bus_leaves_a_mix_below_the_ceiling_untouched(media):
    # Like REF-1's mix (peak about -4.8 dBFS): the limiter at -1 dBFS must not change a sample.
    project = small_project(media, gain_db=-4)
    reference = render_audio(project)
    assert 20 * math.log10(np.abs(reference).max()) < -1.5
    with AudioMixer(project) as mixer:
        bus = master_bus(project, mixer, 0, reference.shape[1])
        mastered = np.concatenate([bus.mix(i, 1920) for i in range(0, reference.shape[1], 1920)], axis=1)
    assert np.array_equal(mastered, reference)


def test_export_limits_peaks_between_samples(tmp_path):
    """A 12 kHz tone sampled 45 degrees off its crests: every sample is 3 dB below the -0.1 dBTP waveform. The
    sample peak is under a -1 dB ceiling, the true peak is not, so the export turns it down."""
    n = np.arange(RATE * 2)
    tone = np.repeat((0.99 * np.sin(2 * np.pi * 12000 * n / RATE + math.pi / 4))[None, :], 2, axis=0)
    editor = audio_editor("a1")
    editor.project.settings = ProjectSettings(width=64, height=36, frame_rate=25)
    place(
        editor,
        samples.write_audio(tmp_path / "tone.wav", tone.astype(np.float32), RATE),
        "tone",
        id="t",
        start=0,
        duration=2,
    )
    assert gain_to_db(true_peak(render_audio(editor.project), RATE)) > -0.2
    result = export_project(
        editor.project, tmp_path / "tone.mkv", ExportSettings(container="mkv", audio_codec="flac", crf=40)
    )
    assert -1.1 <= result.audio_true_peak_db <= -1.0 + 0.05
    assert result.audio_peak_db < -3.5
    decoded = decoded_audio(result.path)
    assert gain_to_db(true_peak(decoded, RATE)) <= -1.0 + 0.05


@pytest.mark.parametrize(
    ("container", "codec", "decoder"),
    [
        ("mov", "pcm", "pcm_s24le"),
        ("mkv", "flac", "flac"),
        ("mp4", "flac", "flac"),
        ("mkv", "pcm", "pcm_s24le"),
    ],
)
def test_lossless_audio_is_the_mix_to_24_bits(media, tmp_path, container, codec, decoder):
    project = small_project(media, gain_db=-4)  # peaks under the ceiling: the limiter leaves it alone
    mix = render_audio(project)
    result = export_project(
        project,
        tmp_path / f"master.{container}",
        ExportSettings(container=container, audio_codec=codec, crf=40),
    )
    with av.open(result.path) as container_file:
        assert container_file.streams.audio[0].codec_context.name == decoder
    decoded = decoded_audio(result.path)
    assert decoded.shape == mix.shape  # sample-exact: 3 s at 48 kHz
    assert np.abs(decoded - mix).max() <= 2.0**-23


def test_prores_master_carries_pcm_audio(media, tmp_path):
    result = export_project(
        small_project(media, gain_db=-4), tmp_path / "master.mov", PRESETS["prores_master"]
    )
    with av.open(result.path) as master:
        assert master.streams.video[0].codec_context.name == "prores"
        assert master.streams.audio[0].codec_context.name == "pcm_s24le"


@pytest.mark.parametrize(
    ("container", "codec"), [("mp4", "pcm"), ("webm", "aac"), ("mov", "flac"), ("webm", "flac")]
)
def test_audio_codec_the_container_cannot_hold_is_refused(container, codec):
    with pytest.raises(ValueError, match=f"{codec} audio cannot go in a {container} file"):
        ExportSettings(container=container, audio_codec=codec)
