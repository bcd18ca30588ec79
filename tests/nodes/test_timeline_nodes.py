"""Timeline and editing nodes, called through their V3 `execute` with real projects (needs COMFYUI_PATH)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from kijkocut.errors import KijkoCutError


@pytest.fixture
def tl(comfy, pack):
    return pack("nodes.timeline")


@pytest.fixture
def ed(comfy, pack):
    return pack("nodes.editing")


@pytest.fixture
def md(comfy, pack):
    return pack("nodes.media")


def new_timeline(tl, **overrides):
    args = dict(
        canvas="custom",
        width=320,
        height=180,
        frame_rate="30",
        sample_rate=48000,
        background="#102030",
        name="Test",
    )
    args.update(overrides)
    return tl.NewTimeline.execute(**args).args[0]


def clips_timeline(md, tl, input_media):
    """Red 0-3.5 s of its source, then green from 0.5 s into its source: they meet at 3.5 s with half a
    second of handle on both sides, so a 1 s centred crossfade fits."""
    timeline = new_timeline(tl)
    red = md.LoadMedia.execute(input_media["red"]).args[0]
    green = md.LoadMedia.execute(input_media["green"]).args[0]
    timeline, first = md.AddClip.execute(timeline, red, track="V1", start=0.0, source_out=3.5).args
    timeline, second = md.AddClip.execute(timeline, green, track="V1", start=3.5, source_in=0.5).args
    return timeline, first, second


def test_new_timeline_settings_and_presets(tl):
    timeline = new_timeline(tl, frame_rate="29.97")
    settings = timeline.project.settings
    assert (settings.width, settings.height, settings.background) == (320, 180, "#102030")
    assert settings.frame_rate == Fraction(30000, 1001)
    vertical = new_timeline(tl, canvas="1080x1920 (vertical: TikTok, Reels, Shorts)")
    assert (vertical.project.settings.width, vertical.project.settings.height) == (1080, 1920)


@pytest.mark.parametrize(
    "field,value,message",
    [("width", 321, "even"), ("frame_rate", "fast", "frame_rate"), ("background", "red", "colour")],
)
def test_new_timeline_validation_names_the_problem(tl, field, value, message):
    args = dict(
        canvas="custom",
        width=320,
        height=180,
        frame_rate="30",
        sample_rate=48000,
        background="#000000",
        name="x",
    )
    args[field] = value
    result = tl.NewTimeline.validate_inputs(**args)
    assert isinstance(result, str) and message in result


def test_nodes_never_edit_their_input(tl, ed):
    timeline = new_timeline(tl)
    before = timeline.project.model_dump_json()
    after, element_id = ed.AddText.execute(
        timeline, "Hello", "T1", 0.5, 2.0, 40, "#ffff00", 0.5, 0.8, "center", 0.0, 0.0
    ).args
    assert timeline.project.model_dump_json() == before
    text = after.project.element(element_id)
    assert text.text == "Hello" and text.start == Fraction(1, 2) and text.style.y == pytest.approx(144)
    assert after.project.track("T1").kind == "text"


def test_json_round_trip_save_and_load(tl, ed, comfy):
    timeline = ed.AddText.execute(
        new_timeline(tl), "Title", "T1", 0.0, 3.0, 64, "#ffffff", 0.5, 0.5, "center", 0.0, 0.0
    ).args[0]
    project_json = tl.TimelineInfo.execute(timeline).args[4]
    assert tl.TimelineFromJSON.validate_inputs(project_json) is True
    parsed = tl.TimelineFromJSON.execute(project_json).args[0]
    assert parsed.project.duration() == 3
    saved, path = tl.SaveTimeline.execute(parsed, "user", "kijkocut/edit.json").args
    assert path == str(comfy.user / "default" / "kijkocut" / "edit.json")
    loaded = tl.LoadTimeline.execute("user", "kijkocut/edit.json").args[0]
    assert loaded.project.model_dump(exclude={"history"}) == parsed.project.model_dump(exclude={"history"})


def test_bad_json_and_bad_paths_give_specific_messages(tl):
    assert "not valid JSON" in tl.TimelineFromJSON.validate_inputs("{oops")
    assert "newer KijkoCut" in tl.TimelineFromJSON.validate_inputs(json.dumps({"version": 99}))
    assert "'..'" in tl.LoadTimeline.validate_inputs("output", "../secret.json")
    assert "absolute" in tl.SaveTimeline.validate_inputs("output", "/tmp/x.json")
    assert ".json" in tl.SaveTimeline.validate_inputs("output", "x.py")
    assert "no such file" in tl.LoadTimeline.validate_inputs("output", "missing.json")


def test_fingerprint_follows_content_not_history(tl, ed):
    base = ed.AddText.execute(
        new_timeline(tl), "A", "T1", 0.0, 1.0, 64, "#ffffff", 0.5, 0.5, "center", 0.0, 0.0
    ).args[0]
    text = tl.TimelineInfo.execute(base).args[4]
    same = json.loads(text)
    same["history"] = {"done": [], "undone": []}
    changed = json.loads(text)
    changed["tracks"][0]["elements"][0]["text"] = "B"
    fingerprint = tl.TimelineFromJSON.fingerprint_inputs
    assert fingerprint(text) == fingerprint(json.dumps(same))
    assert fingerprint(text) != fingerprint(json.dumps(changed))


def test_info_lists_tracks_and_elements(md, tl, input_media):
    timeline, first, second = clips_timeline(md, tl, input_media)
    info, duration, frames, tracks, _ = tl.TimelineInfo.execute(timeline).args
    assert duration == 7.0 and frames == 210 and tracks == 1
    assert f"{first}: 0.000s-3.500s clip red.mp4 [0.000s-3.500s]" in info
    assert f"{second}: 3.500s-7.000s clip green.mp4 [0.500s-4.000s]" in info


def test_transition_split_trim_ripple(md, tl, ed, input_media):
    timeline, first, second = clips_timeline(md, tl, input_media)
    with_transition = ed.AddTransitionNode.execute(timeline, "V1", 3.51, "crossfade", 1.0, "center").args[0]
    transition = with_transition.project.track("V1").transitions[0]
    assert (transition.from_id, transition.to_id, transition.duration) == (first, second, 1)
    with pytest.raises(KijkoCutError, match="no cut"):
        ed.AddTransitionNode.execute(timeline, "V1", 2.0, "crossfade", 1.0, "center")

    split = ed.SplitAt.execute(timeline, 2.0, "").args[0]
    assert [(e.start, e.end) for e in split.project.track("V1").elements] == [
        (0, 2),
        (2, Fraction(7, 2)),
        (Fraction(7, 2), 7),
    ]
    with pytest.raises(KijkoCutError, match="nothing to split"):
        ed.SplitAt.execute(timeline, 9.0, "")

    trimmed = ed.TrimAt.execute(timeline, "V1", 5.0, "end", 6.5).args[0]
    assert trimmed.project.element(second).end == Fraction(13, 2)

    rippled = ed.RippleDeleteAt.execute(timeline, "V1", 1.0, False).args[0]
    remaining = rippled.project.track("V1").elements
    assert [(e.id, e.start) for e in remaining] == [(second, 0)]
    with pytest.raises(KijkoCutError, match="no element on track V1 at 9.000 s"):
        ed.RippleDeleteAt.execute(timeline, "V1", 9.0, False)


def test_concatenate_appends_after_a_gap(md, tl, input_media):
    timeline, first, second = clips_timeline(md, tl, input_media)
    joined = tl.ConcatenateTimelines.execute(timeline, timeline, 0.5).args[0]
    elements = joined.project.track("V1").elements
    assert [float(e.start) for e in elements] == [0.0, 3.5, 7.5, 11.0]
    assert len({e.id for e in elements}) == 4 and len(joined.project.media) == 2
    assert joined.project.duration() == Fraction(29, 2)


@pytest.fixture
def an(comfy, pack):
    return pack("nodes.animation")


def test_apply_effect_keyframes_speed_and_presets(md, tl, ed, an, input_media):
    timeline, first, second = clips_timeline(md, tl, input_media)
    # 'last' is the element added most recently: the green clip.
    blurred, target, effect_id = ed.ApplyEffect.execute(timeline, "gaussian_blur", '{"radius": 8}').args
    assert target == second and effect_id == f"{second}_fx1"
    assert blurred.project.element(second).effects[0].params == {"radius": 8.0}
    assert timeline.project.element(second).effects == [], "the input timeline is never edited"
    inverted, target, _ = ed.ApplyEffect.execute(blurred, "invert", "", "", "V1", 1.0).args
    assert target == first and inverted.project.element(first).effects[0].kind == "invert"

    animated = an.Keyframes.execute(
        inverted, f"effects.{effect_id}.radius", '[[0, 0], [2, 16, "ease_out"]]', second
    ).args[0]
    keys = animated.project.element(second).keyframes[f"effects.{effect_id}.radius"]
    assert [(k.time, k.value, k.interpolation) for k in keys] == [(0, 0, "linear"), (2, 16, "ease_out")]

    kenburns = an.AnimationPreset.execute(animated, "ken_burns", "left", 1.5, 0.5, first).args[0]
    assert {"transform.scale", "transform.x"} <= set(kenburns.project.element(first).keyframes)

    slowed = an.SetSpeedNode.execute(kenburns, 0.5, False, True, True, first).args[0]
    assert slowed.project.element(first).duration == 7 and slowed.project.element(second).start == 7

    wiped = ed.AddTransitionNode.execute(timeline, "V1", 3.5, "wipe_left", 1.0, "center").args[0]
    assert wiped.project.track("V1").transitions[0].kind == "wipe_left"
    assert "iris" in ed.AddTransitionNode.GET_SCHEMA().inputs[3].options


def test_effect_and_keyframe_errors_name_the_problem(md, tl, ed, an, input_media):
    timeline, first, _ = clips_timeline(md, tl, input_media)
    with pytest.raises(KijkoCutError, match="between 0 and 1"):
        ed.ApplyEffect.execute(timeline, "invert", '{"amount": 4}')
    with pytest.raises(KijkoCutError, match="has no parameter"):
        ed.ApplyEffect.execute(timeline, "invert", '{"radius": 4}')
    assert "not valid JSON" in ed.ApplyEffect.validate_inputs("{amount: 1}")
    with pytest.raises(KijkoCutError, match="'transform.wobble' cannot be animated on"):
        an.Keyframes.execute(timeline, "transform.wobble", "[[0, 1]]", first)
    assert "keyframe 0" in an.Keyframes.validate_inputs('[{"time": 0}]')
    with pytest.raises(KijkoCutError, match="unknown element 'V9_1'"):
        an.SetSpeedNode.execute(timeline, 2.0, False, True, True, "V9_1")
    empty = new_timeline(tl)
    with pytest.raises(KijkoCutError, match="no element has been added"):
        an.AnimationPreset.execute(empty, "fade", "left", 1.2, 0.5)


def test_apply_effect_renders_inverted(md, tl, ed, input_media, pack):
    from kijkocut.render.frames import render_frame

    timeline, first, _ = clips_timeline(md, tl, input_media)
    inverted = ed.ApplyEffect.execute(timeline, "invert", "{}", first).args[0]
    plain = render_frame(timeline.project, Fraction(1), width=64, height=36).astype(float)
    flipped = render_frame(inverted.project, Fraction(1), width=64, height=36).astype(float)
    assert abs(flipped.mean(axis=(0, 1)) - (255 - plain.mean(axis=(0, 1)))).max() < 3
