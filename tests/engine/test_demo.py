"""`kijkocut demo` as a user gets it: both files, their sizes and lengths, sound with the music ducked under
the narrator, titles that stay legible over moving pictures, and the media it is made of."""

import json
import stat
import sys
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image, ImageFilter

from kijkocut.audio.loudness import integrated_loudness
from kijkocut.demo import SECONDS, run_demo
from kijkocut.demo_media import scenes
from kijkocut.demo_media.music import BPM, music
from kijkocut.demo_media.voice import RATE as VOICE_RATE
from kijkocut.demo_media.voice import write_voice
from kijkocut.model import TextElement
from kijkocut.project_io import load_project
from kijkocut.render.audio_mix import render_audio
from kijkocut.render.frames import render_frame


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    return folder, run_demo(folder)


def _video(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video=0))
        return (
            stream.codec_context.width,
            stream.codec_context.height,
            frames,
            stream.codec_context.colorspace,
            len(container.streams.audio),
        )


def _sound(path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as container:
        rate = container.streams.audio[0].rate
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1), rate


def test_both_files_with_their_sizes_and_lengths(demo):
    folder, result = demo
    assert _video(folder / "demo.mp4") == (960, 540, SECONDS * 30, 1, 1)  # BT.709, with sound
    assert _video(folder / "demo_vertical.mp4") == (540, 960, SECONDS * 30, 1, 1)
    assert (result.wide.width, result.wide.height, result.vertical.width, result.vertical.height) == (
        960,
        540,
        540,
        960,
    )
    assert result.wide.duration == result.vertical.duration == SECONDS
    assert result.vertical.warnings == []  # nothing cut, nothing under the Shorts buttons
    sound, rate = _sound(folder / "demo_vertical.mp4")
    assert integrated_loudness(sound, rate) == pytest.approx(-14, abs=1)
    project = json.loads(result.project_path.read_text())
    assert {t["kind"] for t in project["tracks"][0]["transitions"]} == {"push_left", "blur_dissolve", "iris"}


def _low_band_db(sound: np.ndarray, rate: int, start: float, end: float) -> float:
    """Level below 90 Hz (kick and bass; the voice has nothing there) over [start, end), in dB."""
    window = sound.mean(axis=0)[round(start * rate) : round(end * rate)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(window.size))) ** 2
    frequencies = np.fft.rfftfreq(window.size, 1 / rate)
    return 10 * np.log10(spectrum[frequencies < 90].sum() / window.size + 1e-20)


def _speaking_and_quiet(project) -> tuple[tuple[float, float], tuple[float, float]]:
    first, second = project.element("line_1"), project.element("line_2")
    speaking = (float(first.start) + 0.5, float(first.end) - 0.2)
    quiet = (float(first.end) + 0.9, float(second.start) - 0.05)  # after the ducker's hold and release
    assert speaking[1] - speaking[0] > 1.5 and quiet[1] - quiet[0] > 0.6
    return speaking, quiet


def test_music_is_ducked_while_the_narrator_speaks(demo):
    folder, result = demo
    project = load_project(result.project_path)
    speaking, quiet = _speaking_and_quiet(project)
    sound, rate = _sound(folder / "demo.mp4")
    # The music's own level changes from beat to beat, so each window is compared with the same mix rendered
    # without ducking: the export's low band (the music alone) against it, speaking and quiet.
    project.track("music").ducking = None
    plain = render_audio(project, project_dir=folder)

    def below_plain(window):
        return _low_band_db(plain, 48000, *window) - _low_band_db(sound, rate, *window)

    assert below_plain(speaking) - below_plain(quiet) > 9  # the music track ducks by 12 dB


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB pixels."""
    c = rgb.astype(np.float64) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def _title_contrast(frame: np.ndarray, without: np.ndarray, colour: str) -> float:
    """Contrast ratio between a title's letters and what is right around them (outline, box, shadow or the
    picture): the letters' median against the brightest tenth of a 4-pixel ring around them."""
    fill = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    changed = np.abs(frame.astype(int) - without.astype(int)).max(axis=-1) > 24
    letters = changed & (np.abs(frame.astype(int) - fill).max(axis=-1) < 40)
    assert letters.sum() > 200, "the title's letters are not on screen"
    grown = np.asarray(Image.fromarray(letters.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(9))) > 0
    ring = grown & ~letters & (np.abs(frame.astype(int) - fill).max(axis=-1) > 60)
    letter_light = np.median(_luminance(frame[letters]))
    around = np.percentile(_luminance(frame[ring]), 90)
    return (max(letter_light, around) + 0.05) / (min(letter_light, around) + 0.05)


def test_every_title_is_legible_over_its_picture(demo):
    folder, result = demo
    project = load_project(result.project_path)
    without_titles = project.model_copy(deep=True)
    for track in without_titles.tracks:
        track.hidden = track.hidden or track.kind == "text"
    titles = [e for t in project.tracks if t.kind == "text" for e in t.elements if isinstance(e, TextElement)]
    assert len(titles) >= 5
    for title in titles:
        style = title.style
        assert style.stroke_width or style.box_color or style.shadow_color, title.id  # styled, not plain
        for moment in (Fraction(1, 3), Fraction(2, 3)):  # while it holds, as the pictures move behind it
            t = title.start + title.duration * moment
            frame = render_frame(project, t, project_dir=folder)
            plain = render_frame(without_titles, t, project_dir=folder)
            assert _title_contrast(frame, plain, style.color) >= 4.5, (title.id, float(t))


def test_titles_animate_in(demo):
    folder, result = demo
    project = load_project(result.project_path)
    title = project.element("title")
    assert title.style.animation_in != "none" and title.style.animation_out != "none"
    early = render_frame(project, title.start + Fraction(1, 10), project_dir=folder)
    settled = render_frame(
        project, title.start + title.style.animation_duration + Fraction(1, 2), project_dir=folder
    )
    assert np.abs(early.astype(int) - settled.astype(int)).mean() > 1  # it moves into place


def test_a_look_and_a_logo_with_transparency(demo):
    folder, result = demo
    project = load_project(result.project_path)
    assert [e.kind for e in project.element("city").effects] == ["lut"]
    logo = Image.open(project.media["logo"].path)
    alpha = np.asarray(logo)[..., 3]
    assert logo.mode == "RGBA" and alpha.min() == 0 and alpha.max() == 255
    graded = render_frame(project, Fraction(7), project_dir=folder)
    project.element("city").effects[0].enabled = False
    assert (
        np.abs(graded.astype(int) - render_frame(project, Fraction(7), project_dir=folder).astype(int)).mean()
        > 3
    )


def test_scenes_move_and_have_colour():
    for draw in (scenes.sunset, scenes.night_bokeh, scenes.aurora, scenes.brand_backdrop):
        frames = list(draw(192, 108, 0.5))
        assert len(frames) == 15 and frames[0].shape == (108, 192, 3)
        assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.5, draw.__name__
        hsv = np.asarray(Image.fromarray(frames[0]).convert("HSV"))
        assert np.percentile(hsv[..., 1], 75) > 60, draw.__name__  # coloured, not grey


def test_sunset_hills_scroll_in_parallax():
    """The near hills move faster than the far ones: depth."""
    first, last = (frame.astype(int) for frame in list(scenes.sunset(320, 180, 1.0))[::29])
    far_rows, near_rows = slice(100, 110), slice(160, 175)  # where each range meets what is behind it

    def shift(rows) -> int:
        a, b = first[rows].mean(axis=(0, 2)), last[rows].mean(axis=(0, 2))
        errors = [np.abs(np.roll(a, -s)[60:260] - b[60:260]).mean() for s in range(0, 60)]  # scrolls left
        return int(np.argmin(errors))

    assert shift(near_rows) > shift(far_rows) + 8


def test_music_has_a_beat_and_chords():
    sound = music(10)[0]
    rate = 48000
    hop = rate // 100
    energy = np.add.reduceat(sound**2, np.arange(0, sound.size, hop))
    onsets = np.clip(np.diff(energy), 0, None)
    onsets -= onsets.mean()
    autocorrelation = np.correlate(onsets, onsets, "full")[onsets.size - 1 :]
    beat = round(100 * 60 / BPM)  # in hops
    assert autocorrelation[beat] > 0.3 * autocorrelation[0]
    assert autocorrelation[beat] > 2 * autocorrelation[beat // 2 + beat // 4]
    bar = round(4 * 60 / BPM * rate)

    def spectrum(start):
        return np.abs(np.fft.rfft(sound[start : start + bar]))[: bar // 8]

    first, second = spectrum(0), spectrum(bar)
    correlation = np.dot(first, second) / (np.linalg.norm(first) * np.linalg.norm(second))
    assert correlation < 0.9  # the harmony changes from bar to bar
    assert (first > 0.1 * first.max()).sum() > 20  # many partials: not a sine


def _fake_espeak(folder, log):
    script = folder / "espeak-ng"
    script.write_text(f"""#!{sys.executable}
import sys, wave
args = sys.argv[1:]
open({str(log)!r}, "w").write(" ".join(args))
with wave.open(args[args.index("-w") + 1], "wb") as out:
    out.setnchannels(1); out.setsampwidth(2); out.setframerate(22050)
    out.writeframes(bytes(2 * 22050))
""")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_the_narrator_uses_espeak_when_present(tmp_path, monkeypatch):
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    log = tmp_path / "args.txt"
    _fake_espeak(bin_folder, log)
    monkeypatch.setenv("PATH", str(bin_folder))
    path = write_voice(tmp_path / "line.wav", "Hello there.")
    assert "Hello there." in log.read_text()
    with av.open(str(path)) as container:
        assert container.streams.audio[0].rate == 22050
        assert np.abs(np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)).max() == 0


def test_without_espeak_a_voice_like_signal_is_synthesised(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng here
    path = write_voice(tmp_path / "line.wav", "Every picture and every sound here was made by code.")
    with av.open(str(path)) as container:
        voice = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)[0].astype(float)
    voice /= 32768 if np.abs(voice).max() > 2 else 1
    seconds = voice.size / VOICE_RATE
    assert 2 < seconds < 6
    envelope = np.sqrt(np.add.reduceat(voice**2, np.arange(0, voice.size, VOICE_RATE // 100)))
    loud = envelope > 0.2 * envelope.max()
    syllables = np.count_nonzero(np.diff(loud.astype(int)) == 1) / seconds
    assert 2 < syllables < 9  # bursts at a speaking rate
    spectrum = np.abs(np.fft.rfft(voice)) ** 2
    frequencies = np.fft.rfftfreq(voice.size, 1 / VOICE_RATE)
    centroid = (spectrum * frequencies).sum() / spectrum.sum()
    assert 300 < centroid < 3000 and spectrum[frequencies < 90].sum() < 0.01 * spectrum.sum()
