"""Vertical and square exports of a 16:9 timeline, checked on the files written: crop (with the titles and
overlays it cuts named), the picture on a blurred fill of itself, the picture on a colour, the platforms'
interface areas, loudness and colour metadata."""

from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from kijkocut import samples
from kijkocut.audio.loudness import integrated_loudness
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings, TextElement, TextStyle, Transform
from kijkocut.render.export import export_project
from kijkocut.render.frames import render_frame
from kijkocut.render.presets import PRESETS, ExportSettings, settings_for
from kijkocut.service.errors import ServiceError
from kijkocut.service.export import ExportOptions, export_settings

WIDTH, HEIGHT = 640, 360  # the canvas
OUT_W, OUT_H = 360, 640  # a small 9:16 export, the shape of TikTok's 1080x1920
BAND_TOP, BAND_HEIGHT = 218, 202  # where the whole canvas lands in it, scaled to fit the width
YELLOW = (255, 255, 0)


def _checkers(path, width=WIDTH, height=HEIGHT):
    """Fine black and white checkers over a left-to-right blue-to-orange gradient: edges everywhere, and a
    large-scale colour change a blur keeps."""
    yy, xx = np.mgrid[0:height, 0:width]
    ramp = xx / width
    base = np.stack([40 + 200 * ramp, 90 + 60 * ramp, 230 - 200 * ramp], axis=-1)
    checks = ((xx // 4 + yy // 4) % 2)[..., None] * 80 - 40
    Image.fromarray(np.clip(base + checks, 0, 255).astype(np.uint8)).save(path)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reframe_media")
    return {
        "picture": _checkers(folder / "checkers.png"),
        "logo": samples.write_image(folder / "logo.png", 96, 64),
        "music": samples.write_audio(folder / "music.wav", samples.chord(3), 48000),
    }


def _project(
    media,
    *,
    width=WIDTH,
    height=HEIGHT,
    title: TextStyle | None = None,
    logo: Transform | None = None,
    music=False,
    title_start=0,
) -> Project:
    project = Project(settings=ProjectSettings(width=width, height=height, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(media["picture"], media_id="picture")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="backdrop", media_id="picture", start=0, duration=3, transform=Transform(fit="cover")
            ),
        )
    )
    if logo is not None:
        editor.apply(AddMedia(media=import_media(media["logo"], media_id="logo")))
        editor.apply(AddTrack(kind="overlay", track_id="o1"))
        editor.apply(
            AddElement(
                track_id="o1",
                element=ClipElement(id="logo", media_id="logo", start=0, duration=3, transform=logo),
            )
        )
    if title is not None:
        editor.apply(AddTrack(kind="text", track_id="t1"))
        editor.apply(
            AddElement(
                track_id="t1",
                element=TextElement(
                    id="title", text="Summer 2024", start=title_start, duration=3 - title_start, style=title
                ),
            )
        )
    if music:
        editor.apply(AddMedia(media=import_media(media["music"], media_id="music")))
        editor.apply(AddTrack(kind="audio", track_id="a1"))
        editor.apply(
            AddElement(
                track_id="a1",
                element=ClipElement(id="music", media_id="music", start=0, duration=3, gain_db=-20),
            )
        )
    return project


def _first_frame(path, fmt="rgb24") -> np.ndarray:
    with av.open(str(path)) as container:
        return next(container.decode(video=0)).to_ndarray(format=fmt)


def _yellow(rgb: np.ndarray) -> np.ndarray:
    colour = rgb.astype(int)
    return (colour[..., 0] > 200) & (colour[..., 1] > 200) & (colour[..., 2] < 90)


def _sharpness(luma: np.ndarray) -> float:
    """Variance of the Laplacian: high for fine detail, near zero for a blur."""
    image = luma.astype(float)
    laplacian = (
        image[1:-1, :-2] + image[1:-1, 2:] + image[:-2, 1:-1] + image[2:, 1:-1] - 4 * image[1:-1, 1:-1]
    )
    return float(laplacian.var())


EDGE_TITLE = TextStyle(size=40, color="#ffff00", stroke_width=2, x=500, y=60)  # right of the 9:16 middle


def test_crop_names_the_title_and_overlay_it_cuts(media, tmp_path):
    project = _project(media, title=EDGE_TITLE, logo=Transform(x=70, y=300, fit="none"))
    settings = settings_for("tiktok", width=OUT_W, height=OUT_H, reframe="crop", end=Fraction(1, 3))
    result = export_project(project, tmp_path / "crop.mp4", settings)
    crop_warning = next(w for w in result.warnings if "crop cuts" in w)
    assert 'title "Summer 2024" (title)' in crop_warning and 'overlay "logo.png" (logo)' in crop_warning
    frame = _first_frame(tmp_path / "crop.mp4")
    assert frame.shape == (OUT_H, OUT_W, 3)
    whole = render_frame(project, 0)  # the canvas as it is: the title in full
    # The cover scale is 640/360: the crop shows canvas x 218..422, so it keeps little of the title's yellow.
    assert _yellow(frame).sum() < 0.3 * _yellow(whole).sum() * (OUT_H / HEIGHT) ** 2


def test_only_what_the_exported_range_shows_is_reported(media, tmp_path):
    project = _project(media, title=EDGE_TITLE, title_start=2)
    before = export_project(
        project, tmp_path / "a.mp4", settings_for("tiktok", width=OUT_W, height=OUT_H, reframe="crop", end=1)
    )
    assert before.warnings == []
    during = export_project(
        project,
        tmp_path / "b.mp4",
        settings_for("tiktok", width=OUT_W, height=OUT_H, reframe="crop", start=Fraction(5, 2), end=3),
    )
    assert any('title "Summer 2024"' in w and "crop cuts" in w for w in during.warnings)


def test_fit_blur_keeps_the_whole_picture_over_a_blurred_copy(media, tmp_path):
    project = _project(media, title=EDGE_TITLE)
    settings = settings_for("tiktok", width=OUT_W, height=OUT_H, end=Fraction(1, 3))
    assert settings.reframe == "fit_blur"  # the social presets' default
    result = export_project(project, tmp_path / "blur.mp4", settings)
    assert not any("crop" in w for w in result.warnings)
    frame = _first_frame(tmp_path / "blur.mp4")
    band = frame[BAND_TOP : BAND_TOP + BAND_HEIGHT]
    # The band is the whole canvas scaled to fit: the title in full, yellow pixels where the canvas has them.
    expected = render_frame(project, 0, width=OUT_W, height=BAND_HEIGHT)
    assert np.mean(np.abs(band.astype(int) - expected.astype(int))) < 6
    assert _yellow(band).sum() > 0.7 * _yellow(expected).sum()
    above, below = frame[: BAND_TOP - 4], frame[BAND_TOP + BAND_HEIGHT + 4 :]
    luma = _first_frame(tmp_path / "blur.mp4", "gray")
    sharp = _sharpness(luma[BAND_TOP + 4 : BAND_TOP + BAND_HEIGHT - 4])
    for fill in (luma[: BAND_TOP - 4], luma[BAND_TOP + BAND_HEIGHT + 4 :]):
        assert _sharpness(fill) < sharp / 50  # blurred: the checkers are gone
    for fill in (above, below):
        # ... but it is the same picture: darker than the band, and the gradient's colours are still there.
        assert fill.mean() < 0.8 * band.mean()
        assert np.abs(fill.mean(axis=(0, 1)) - band.mean(axis=(0, 1))).max() < 60
        assert fill.std(axis=(0, 1)).max() > 3  # not a flat colour


def test_fit_color_puts_the_picture_on_the_chosen_colour(media, tmp_path):
    settings = settings_for(
        "instagram_square",
        width=360,
        height=360,
        reframe="fit_color",
        reframe_color="#2050c0",
        end=Fraction(1, 3),
    )
    export_project(_project(media), tmp_path / "square.mp4", settings)
    frame = _first_frame(tmp_path / "square.mp4").astype(int)
    band_top = (360 - BAND_HEIGHT) // 2
    for bar in (frame[: band_top - 2], frame[band_top + BAND_HEIGHT + 2 :]):
        assert np.abs(bar.mean(axis=(0, 1)) - (0x20, 0x50, 0xC0)).max() < 4
    assert _sharpness(frame[band_top + 4 : band_top + BAND_HEIGHT - 4, :, 1]) > 100


def test_titles_under_the_platform_buttons_and_captions_are_named(media, tmp_path):
    caption = TextStyle(size=24, color="#ffff00", y=600)  # bottom 20% of a 9:16 canvas
    project = _project(
        media, width=OUT_W, height=OUT_H, title=caption, logo=Transform(x=340, y=300, fit="none", scale=0.5)
    )
    result = export_project(
        project, tmp_path / "v.mp4", settings_for("reels", end=Fraction(1, 3), width=OUT_W, height=OUT_H)
    )
    assert (result.width, result.height) == (OUT_W, OUT_H)
    caption_area = next(w for w in result.warnings if "caption area" in w)
    buttons = next(w for w in result.warnings if "button column" in w)
    assert 'title "Summer 2024"' in caption_area and "Instagram Reels" in caption_area
    assert 'overlay "logo.png"' in buttons and "Summer" not in buttons
    centred = _project(media, width=OUT_W, height=OUT_H, title=TextStyle(size=24))
    quiet = export_project(
        centred, tmp_path / "q.mp4", settings_for("reels", end=Fraction(1, 3), width=OUT_W, height=OUT_H)
    )
    assert quiet.warnings == []


def test_social_export_meets_the_platform_loudness(media, tmp_path):
    settings = settings_for("shorts", width=180, height=320, end=3)
    result = export_project(_project(media, music=True), tmp_path / "loud.mp4", settings)
    with av.open(str(tmp_path / "loud.mp4")) as container:
        rate = container.streams.audio[0].rate
        sound = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)
    assert integrated_loudness(sound, rate) == pytest.approx(-14, abs=1)
    assert result.audio_true_peak_db is not None and result.audio_true_peak_db <= -1 + 0.1
    assert all(
        PRESETS[name].loudness_lufs == -14 for name in ("tiktok", "reels", "shorts", "instagram_square")
    )


def test_exports_declare_and_carry_bt709(media, tmp_path):
    red = tmp_path / "red.png"
    Image.new("RGB", (64, 36), (255, 0, 0)).save(red)
    project = Project(settings=ProjectSettings(width=64, height=36, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="r", media_id="red", start=0, duration=1)))
    for name in ("red.mp4", "red.webm"):
        export_project(project, tmp_path / name, ExportSettings(container=name[-3:].replace("ebm", "webm")))
        with av.open(str(tmp_path / name)) as container:
            stream = container.streams.video[0].codec_context
            assert (stream.color_primaries, stream.color_trc, stream.colorspace) == (1, 1, 1)  # BT.709
            assert stream.color_range == 1  # limited (MPEG) range
            frame = next(container.decode(video=0))
            yuv = frame.to_ndarray()
            rgb = frame.to_ndarray(format="rgb24")
        # BT.709 numbers for pure red (Y 63, Cr 240); BT.601's would be Y 81.
        assert abs(int(np.median(yuv[:36])) - 63) <= 2
        assert np.abs(rgb[8:28, 8:56].astype(int) - (255, 0, 0)).max() < 12


def test_reframe_choice_through_the_service(media):
    project = _project(media)
    assert export_settings(project, ExportOptions(preset="tiktok")).reframe == "fit_blur"
    chosen = export_settings(
        project, ExportOptions(preset="tiktok", reframe="fit_color", reframe_color="#ffffff")
    )
    assert (chosen.reframe, chosen.reframe_color) == ("fit_color", "#ffffff")
    assert ExportSettings(reframe="cover").reframe == "crop"  # the earlier names still read
    assert ExportSettings(reframe="contain").reframe == "fit_color"
    with pytest.raises(ServiceError, match="reframe_color") as error:
        export_settings(project, ExportOptions(preset="tiktok", reframe_color="blue"))
    assert "\n" not in str(error.value)
