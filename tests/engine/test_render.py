"""Compositing checked numerically: frame exactness, crossfades, alpha, opacity, fit, titles, output sizes."""

from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition, Split
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings, TextElement, TextStyle, Transform
from kijkocut.render.frames import iter_frames, render_frame


def _solid_png(path, colour, size=(64, 64)):
    Image.new("RGB", size, colour).save(path)
    return path


def _project(width=160, height=90, background="#000000"):
    project = Project(
        settings=ProjectSettings(width=width, height=height, frame_rate=30, background=background)
    )
    return project, Editor(project)


def _decoded_frames(path, first, count):
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return frames[first : first + count]


def _add(editor, path, media_id):
    editor.apply(AddMedia(media=import_media(path, media_id=media_id)))


def test_frames_are_exact_source_frames(engine_media):
    project, editor = _project()
    _add(editor, engine_media.red, "red")
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="c", media_id="red", start=1, duration=2, source_in=Fraction(1, 2)),
        )
    )
    expected = _decoded_frames(engine_media.red, 15, 60)  # source 0.5 s = frame 15
    rendered = list(iter_frames(project, start=Fraction(1), end=Fraction(3)))
    assert len(rendered) == 60
    for got, want in zip(rendered, expected):
        assert np.array_equal(got, want)
    # Before the clip starts: background.
    assert render_frame(project, "0.5").max() == 0


def test_split_renders_identically_to_the_unsplit_clip(engine_media):
    project, editor = _project()
    _add(editor, engine_media.red, "red")
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="c",
                media_id="red",
                start=0,
                duration=3,
                source_in=Fraction(1, 3),
                fade_in=Fraction(1, 2),
                transform=Transform(scale=0.8, x=70, y=40, opacity=0.9),
            ),
        )
    )
    before = list(iter_frames(project))
    editor.apply(Split(element_id="c", at=Fraction(47, 30)))
    after = list(iter_frames(project))
    assert len(before) == len(after) == 90
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


def test_crossfade_blends_linearly(tmp_path):
    project, editor = _project(64, 64)
    _add(editor, _solid_png(tmp_path / "dark.png", (40, 40, 40)), "dark")
    _add(editor, _solid_png(tmp_path / "light.png", (220, 220, 220)), "light")
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="a", media_id="dark", start=0, duration=2)))
    editor.apply(
        AddElement(track_id="v1", element=ClipElement(id="b", media_id="light", start=2, duration=2))
    )
    editor.apply(AddTransition(from_id="a", to_id="b", duration=1, alignment="center"))
    # The transition covers [1.5, 2.5): k = (t - 1.5) / 1.
    for frame in (40, 45, 52, 60, 74):
        t = Fraction(frame, 30)
        k = min(max(float(t - Fraction(3, 2)), 0.0), 1.0) if t < Fraction(5, 2) else 1.0
        expected = (1 - k) * 40 + k * 220
        got = render_frame(project, t)[32, 32].astype(float)
        assert np.allclose(got, expected, atol=2.5), (frame, got, expected)


def test_alpha_overlay_with_opacity(engine_media):
    project, editor = _project(160, 90, background="#204060")
    _add(editor, engine_media.logo, "logo")
    editor.apply(AddTrack(kind="overlay", track_id="o"))
    editor.apply(
        AddElement(
            track_id="o",
            element=ClipElement(
                id="l",
                media_id="logo",
                start=0,
                duration=1,
                transform=Transform(fit="none", x=100, y=50, opacity=0.5),
            ),
        )
    )
    frame = render_frame(project, 0).astype(int)
    background = np.array([0x20, 0x40, 0x60])
    # Corners of the logo's box are transparent: background shows unchanged.
    assert np.abs(frame[27, 69] - background).max() <= 3
    assert np.abs(frame[5, 5] - background).max() <= 3
    # Centre of the ellipse: half logo, half background.
    logo_rgb = np.asarray(Image.open(engine_media.logo).convert("RGB")).astype(int)[24, 32]
    assert np.abs(frame[50, 100] - (0.5 * logo_rgb + 0.5 * background)).max() <= 8


@pytest.mark.parametrize("fit, expect_bars", [("contain", True), ("cover", False), ("stretch", False)])
def test_fit_modes(tmp_path, fit, expect_bars):
    project, editor = _project(160, 90)
    _add(editor, _solid_png(tmp_path / "square.png", (200, 200, 200), (60, 60)), "sq")
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="s", media_id="sq", start=0, duration=1, transform=Transform(fit=fit)),
        )
    )
    frame = render_frame(project, 0)
    assert frame[45, 80].min() > 190  # centre is always covered
    left_edge_dark = frame[45, 5].max() < 10
    assert left_edge_dark == expect_bars


def test_render_frame_any_size_letterboxes(engine_media):
    project, editor = _project()
    _add(editor, engine_media.green, "g")
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="c", media_id="g", start=0, duration=1)))
    square = render_frame(project, 0, width=100, height=100)
    assert square.shape == (100, 100, 3)
    assert square[:20].max() < 10 and square[-20:].max() < 10  # letterbox bars (16:9 in 1:1)
    assert square[50].mean() > 30
    thumb = render_frame(project, 0, width=80)
    assert thumb.shape == (44, 80, 3)


def test_rotation_swaps_the_box(tmp_path):
    project, editor = _project(160, 160)
    _add(editor, _solid_png(tmp_path / "bar.png", (250, 250, 250), (80, 20)), "bar")
    editor.apply(AddTrack(kind="overlay", track_id="o"))
    editor.apply(
        AddElement(
            track_id="o",
            element=ClipElement(
                id="b", media_id="bar", start=0, duration=1, transform=Transform(fit="none", rotation=90)
            ),
        )
    )
    frame = render_frame(project, 0)
    assert frame[80, 80].min() > 200
    assert frame[45, 80].min() > 200 and frame[115, 80].min() > 200  # vertical after rotation
    assert frame[80, 45].max() < 20 and frame[80, 115].max() < 20


def test_track_order_is_z_order_and_hidden_tracks_vanish(tmp_path):
    project, editor = _project(64, 64)
    _add(editor, _solid_png(tmp_path / "red.png", (255, 0, 0)), "r")
    _add(editor, _solid_png(tmp_path / "blue.png", (0, 0, 255)), "b")
    editor.apply(AddTrack(kind="video", track_id="bottom"))
    editor.apply(AddTrack(kind="overlay", track_id="top"))
    editor.apply(
        AddElement(track_id="bottom", element=ClipElement(id="r", media_id="r", start=0, duration=1))
    )
    editor.apply(AddElement(track_id="top", element=ClipElement(id="b", media_id="b", start=0, duration=1)))
    assert render_frame(project, 0)[32, 32][2] > 200
    project.track("top").hidden = True
    assert render_frame(project, 0)[32, 32][0] > 200


def test_title_fades_and_touches_only_its_box(engine_media):
    project, editor = _project(320, 180)
    _add(editor, engine_media.green, "g")
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddTrack(kind="text", track_id="t"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="c", media_id="g", start=0, duration=3)))
    editor.apply(
        AddElement(
            track_id="t",
            element=TextElement(
                id="title",
                text="Hello",
                start=0,
                duration=2,
                fade_in=Fraction(1, 2),
                fade_out=Fraction(1, 2),
                style=TextStyle(size=40, color="#ffffff", y=60),
            ),
        )
    )
    plain = list(iter_frames(project, start=Fraction(0), end=Fraction(3)))
    # No title at t=0 (fade starts at 0 opacity) and after its end.
    project_without = project.model_copy(deep=True)
    project_without.track("t").hidden = True
    bare = list(iter_frames(project_without, start=Fraction(0), end=Fraction(3)))
    assert np.array_equal(plain[0], bare[0]) and np.array_equal(plain[75], bare[75])
    full = plain[30].astype(int) - bare[30].astype(int)
    changed_rows, changed_cols = np.nonzero(np.abs(full).max(axis=2) > 8)
    assert changed_rows.size > 200
    assert changed_rows.min() > 30 and changed_rows.max() < 90  # around y = 60
    assert changed_cols.min() > 80 and changed_cols.max() < 240  # centred horizontally
    half = np.abs(plain[9].astype(int) - bare[9].astype(int)).max()  # 0.3 of the way in: partly visible
    assert 0 < half < np.abs(full).max()
