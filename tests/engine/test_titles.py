"""Titles: styling, wrapping, spacing, animations, Unicode, and missing glyphs."""

import logging
from fractions import Fraction

import numpy as np
import pytest

from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddTrack, SetProperties
from kijkocut.model import Project, ProjectSettings, TextElement, TextStyle
from kijkocut.render.frames import render_frame
from kijkocut.render.text import missing_glyphs, rasterise, resolve_font_path


def _project(text="Hello", **style):
    project = Project(settings=ProjectSettings(width=320, height=180, frame_rate=30, background="#202020"))
    editor = Editor(project)
    editor.apply(AddTrack(kind="text", track_id="t"))
    editor.apply(
        AddElement(
            track_id="t",
            element=TextElement(
                id="title", text=text, start=0, duration=2, style=TextStyle(size=32, **style)
            ),
        )
    )
    return project, editor


def _ink(frame, background=0x20):
    """Pixels that differ from the background."""
    return np.argwhere(np.abs(frame.astype(int) - background).max(axis=2) > 30)


def _box(frame):
    ink = _ink(frame)
    return ink.min(axis=0), ink.max(axis=0)


def test_centred_on_the_line_box():
    frame = render_frame(_project("Hello")[0], 1)
    (top, left), (bottom, right) = _box(frame)
    assert abs((left + right) / 2 - 160) <= 3
    assert 60 < top < 90 < bottom < 115


def test_stroke_shadow_and_box_colours():
    frame = render_frame(
        _project(
            "Hi",
            stroke_width=3,
            stroke_color="#ff0000",
            shadow_color="#0000ff",
            shadow_offset_x=6,
            shadow_offset_y=6,
            shadow_blur=0,
            box_color="#00ff00",
            box_padding=10,
        )[0],
        1,
    )
    colours = frame.reshape(-1, 3).astype(int)
    red = ((colours[:, 0] > 180) & (colours[:, 1] < 80) & (colours[:, 2] < 80)).sum()
    green = ((colours[:, 1] > 180) & (colours[:, 0] < 80)).sum()
    blue = ((colours[:, 2] > 150) & (colours[:, 0] < 80) & (colours[:, 1] < 120)).sum()
    assert red > 50 and green > 500 and blue > 20


def test_wrapping_and_spacing_change_the_block():
    wide = rasterise(_project("one two three four five six")[0].element("title"), 1.0)[0]
    wrapped = rasterise(_project("one two three four five six", max_width=120)[0].element("title"), 1.0)[0]
    assert wrapped.shape[1] < 140 < wide.shape[1] and wrapped.shape[0] > 2 * wide.shape[0]
    spaced = rasterise(_project("spacing", letter_spacing=10)[0].element("title"), 1.0)[0]
    plain = rasterise(_project("spacing")[0].element("title"), 1.0)[0]
    assert spaced.shape[1] == pytest.approx(plain.shape[1] + 60, abs=4)  # 6 gaps of 10 px
    tall = rasterise(_project("a\nb", line_spacing=3)[0].element("title"), 1.0)[0]
    short = rasterise(_project("a\nb", line_spacing=1)[0].element("title"), 1.0)[0]
    assert tall.shape[0] - short.shape[0] == pytest.approx(64, abs=2)  # (3 - 1) x 32 px


def test_bold_is_heavier_than_regular():
    assert resolve_font_path("DejaVu Sans", bold=True).name == "DejaVuSans-Bold.ttf"
    regular = rasterise(_project("Weight")[0].element("title"), 1.0)[0][..., 3].sum()
    bold = rasterise(_project("Weight", weight="bold")[0].element("title"), 1.0)[0][..., 3].sum()
    assert bold > 1.2 * regular


def test_typewriter_reveals_characters_over_time():
    project, _ = _project("ABCDEFGH", animation_in="typewriter", animation_duration=Fraction(1))
    counts = [len(_ink(render_frame(project, t))) for t in (Fraction(1, 30), Fraction(1, 2), Fraction(3, 2))]
    assert counts[0] == 0 and 0 < counts[1] < counts[2]
    # Revealed text stays where the full title will be: its left edge does not move.
    half_left = _box(render_frame(project, Fraction(1, 2)))[0][1]
    full_left = _box(render_frame(project, Fraction(3, 2)))[0][1]
    assert abs(half_left - full_left) <= 1


def test_slide_and_fade_animations():
    project, editor = _project("Slide", animation_in="slide_up", animation_duration=Fraction(1))
    early, settled = _box(render_frame(project, Fraction(1, 10))), _box(render_frame(project, Fraction(3, 2)))
    assert early[0][0] > settled[0][0] + 5  # starts lower and rises into place
    editor.apply(SetProperties(element_id="title", properties={"style": {"animation_in": "fade"}}))
    dim = render_frame(project, Fraction(1, 4)).max()
    bright = render_frame(project, Fraction(3, 2)).max()
    assert dim < bright - 60


def test_right_to_left_text_renders():
    frame = render_frame(_project("שלום עולם")[0], 1)
    assert len(_ink(frame)) > 200
    assert missing_glyphs("שלום", TextStyle()) == []


def test_missing_glyph_warns_instead_of_crashing(caplog):
    style = TextStyle(font="DejaVu Sans")
    if not missing_glyphs("漢字", style):
        pytest.skip("this machine has a DejaVu build with CJK glyphs")
    with caplog.at_level(logging.WARNING):
        frame = render_frame(_project("漢字 ok")[0], 1)
    assert len(_ink(frame)) > 0
    assert any("missing glyph" in r.message for r in caplog.records)
