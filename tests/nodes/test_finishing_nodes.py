"""Finishing nodes (Style Title, Freeze Frame, Detach Audio, Track Settings) through their V3 `execute`,
checked on real renders and mixes (needs COMFYUI_PATH)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from kijkocut.errors import KijkoCutError
from kijkocut.render.audio_mix import render_audio
from kijkocut.render.frames import render_frame

STYLE_DEFAULTS = dict(
    weight="bold",
    italic=False,
    stroke_width=0,
    stroke_color="#000000",
    shadow_color="",
    shadow_offset=4.0,
    shadow_blur=4.0,
    box_color="",
    box_padding=16,
    box_radius=8,
    letter_spacing=0.0,
    line_spacing=1.2,
    max_width=0,
    animation_in="none",
    animation_out="none",
    animation_duration=0.5,
    opacity=1.0,
)


@pytest.fixture
def tl(comfy, pack):
    return pack("nodes.timeline")


@pytest.fixture
def md(comfy, pack):
    return pack("nodes.media")


@pytest.fixture
def ed(comfy, pack):
    return pack("nodes.editing")


@pytest.fixture
def fin(comfy, pack):
    return pack("nodes.finishing")


def new_timeline(tl):
    return tl.NewTimeline.execute(
        canvas="custom",
        width=320,
        height=180,
        frame_rate="30",
        sample_rate=48000,
        background="#000000",
        name="Finishing",
    ).args[0]


def titled(tl, ed):
    return ed.AddText.execute(
        new_timeline(tl), "Hi", "T1", 0.0, 2.0, 40, "#ffffff", 0.5, 0.5, "center", 0.0, 0.0
    ).args


def test_style_title_draws_box_and_animates_in(tl, ed, fin):
    timeline, text_id = titled(tl, ed)
    plain = render_frame(timeline.project, Fraction(1))
    boxed, styled_id = fin.StyleText.execute(
        timeline,
        **{
            **STYLE_DEFAULTS,
            "box_color": "#ff0000",
            "box_padding": 20,
            "animation_in": "fade",
            "animation_duration": 1.0,
        },
    ).args
    assert styled_id == text_id
    style = boxed.project.element(text_id).style
    assert (style.weight, style.box_color, style.animation_in, style.animation_duration) == (
        "bold",
        "#ff0000",
        "fade",
        1,
    )
    assert timeline.project.element(text_id).style.box_color is None, "the input timeline is never edited"

    def red_pixels(frame):  # the box: strongly red where the plain title left black background
        return int(((frame[..., 0] > 120) & (frame[..., 1] < 60) & (frame[..., 2] < 60)).sum())

    assert red_pixels(plain) == 0
    shown = render_frame(boxed.project, Fraction(1))
    assert red_pixels(shown) > 40 * 60  # at least the padded box around two 40 px letters
    half_in = render_frame(boxed.project, Fraction(1, 2))
    assert 0.3 < shown[..., 0].astype(float).mean() and half_in[..., 0].mean() < 0.75 * shown[..., 0].mean()


def test_style_title_errors_name_the_problem(md, tl, ed, fin, input_media):
    timeline, _ = titled(tl, ed)
    with pytest.raises(KijkoCutError, match="style.box_color: .*got 'red'"):
        fin.StyleText.execute(timeline, **{**STYLE_DEFAULTS, "box_color": "red"})
    red = md.LoadMedia.execute(input_media["red"]).args[0]
    with_clip, clip_id = md.AddClip.execute(timeline, red, track="V1", start=0.0).args
    with pytest.raises(KijkoCutError, match=f"{clip_id} is a clip element"):
        fin.StyleText.execute(with_clip, **STYLE_DEFAULTS)


def test_freeze_frame_holds_the_picture_and_moves_the_rest(md, tl, fin, input_media):
    red = md.LoadMedia.execute(input_media["red"]).args[0]
    timeline, clip_id = md.AddClip.execute(new_timeline(tl), red, track="V1", start=0.0).args
    frozen, frozen_id = fin.FreezeFrameNode.execute(timeline, 1.0, 2.0, clip_id).args
    assert frozen_id == "V1_2"
    project = frozen.project
    assert project.duration() == timeline.project.duration() + 2
    held = [render_frame(project, Fraction(t)) for t in (1, Fraction(3, 2), Fraction(59, 30))]
    assert all(np.array_equal(held[0], frame) for frame in held[1:])
    original = render_frame(timeline.project, Fraction(1))
    assert np.abs(held[0].astype(int) - original.astype(int)).mean() < 1.0
    # After the hold, the clip goes on from where it stopped: timeline 3.5 s shows source 1.5 s.
    later = render_frame(project, Fraction(7, 2)).astype(int)
    assert np.abs(later - render_frame(timeline.project, Fraction(3, 2)).astype(int)).mean() < 1.0
    with pytest.raises(KijkoCutError, match="not inside"):
        fin.FreezeFrameNode.execute(timeline, 9.0, 1.0, clip_id)


def test_detach_audio_then_duck_and_mute(md, tl, fin, input_media):
    red = md.LoadMedia.execute(input_media["red"]).args[0]
    music = md.LoadMedia.execute(input_media["music"]).args[0]
    timeline, clip_id = md.AddClip.execute(new_timeline(tl), red, track="V1", start=0.0).args
    before = render_audio(timeline.project, end=Fraction(4))
    detached, sound_id = fin.DetachAudioNode.execute(timeline, "A1", clip_id).args
    assert sound_id == "A1_1"
    assert detached.project.element(clip_id).audio_muted
    assert detached.project.find_element(sound_id)[0].kind == "audio"
    after = render_audio(detached.project, end=Fraction(4))
    assert np.abs(after - before).max() < 1e-4, "detaching moves the sound, the mix stays the same"
    with pytest.raises(KijkoCutError, match="has no audio to detach"):
        fin.DetachAudioNode.execute(detached, "A1", clip_id)

    # Music under the tone: ducked while the tone plays (0-4 s), back up after it.
    with_music, _ = md.AddClip.execute(detached, music, track="M1", start=0.0).args
    music_alone = render_audio(
        fin.TrackSettings.execute(with_music, "A1", "on", "keep", "keep", "keep").args[0].project,
        end=Fraction(6),
    )
    ducked_timeline = fin.TrackSettings.execute(
        with_music, "M1", "keep", "keep", "keep", "keep", "A1", -18.0, -50.0
    ).args[0]
    assert ducked_timeline.project.track("M1").ducking.under_track_id == "A1"
    ducked = render_audio(ducked_timeline.project, end=Fraction(6))
    tone_alone = render_audio(
        fin.TrackSettings.execute(with_music, "M1", "on", "keep", "keep", "keep").args[0].project,
        end=Fraction(6),
    )
    music_during_tone = ducked[:, 48000 : 3 * 48000] - tone_alone[:, 48000 : 3 * 48000]
    level = 20 * np.log10(
        np.sqrt(np.mean(music_during_tone**2)) / np.sqrt(np.mean(music_alone[:, 48000 : 3 * 48000] ** 2))
    )
    assert -19.5 < level < -16.5
    undone = fin.TrackSettings.execute(ducked_timeline, "M1", "keep", "keep", "keep", "keep", "none").args[0]
    assert undone.project.track("M1").ducking is None


def test_track_settings_hide_lock_and_errors(md, tl, ed, fin, input_media):
    timeline, text_id = titled(tl, ed)
    hidden = fin.TrackSettings.execute(timeline, "T1", "keep", "keep", "on", "on").args[0]
    assert hidden.project.track("T1").hidden and hidden.project.track("T1").locked
    assert render_frame(hidden.project, Fraction(1)).max() == 0, "a hidden track leaves the picture"
    with pytest.raises(KijkoCutError, match="locked"):
        ed.TrimAt.execute(hidden, "T1", 1.0, "end", 1.5)
    unlocked = fin.TrackSettings.execute(hidden, "T1", "keep", "keep", "keep", "off").args[0]
    assert ed.TrimAt.execute(unlocked, "T1", 1.0, "end", 1.5).args[0].project.element(
        text_id
    ).end == Fraction(3, 2)
    with pytest.raises(KijkoCutError, match="unknown track 'X9'; tracks: T1"):
        fin.TrackSettings.execute(timeline, "X9", "on", "keep", "keep", "keep")
    with pytest.raises(KijkoCutError, match="cannot duck under itself"):
        fin.TrackSettings.execute(timeline, "T1", "keep", "keep", "keep", "keep", "T1")
