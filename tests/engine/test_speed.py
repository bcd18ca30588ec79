"""Speed, reverse, freeze frames and frame-rate conversion, checked against the decoded source frames."""

from fractions import Fraction

import av
import numpy as np
import pytest

from kijkocut import samples
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, FreezeFrame, SetProperties, SetSpeed, Split
from kijkocut.errors import EditError
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings
from kijkocut.render.frames import iter_frames, render_frame


@pytest.fixture(scope="module")
def source_frames(engine_media):
    with av.open(str(engine_media.red)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


@pytest.fixture
def editor(engine_media):
    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=30)))
    editor.apply(AddMedia(media=import_media(engine_media.red, media_id="red")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="c", media_id="red", start=0, duration=2, source_in=Fraction(1, 2)),
        )
    )
    editor.apply(
        AddElement(track_id="v1", element=ClipElement(id="next", media_id="red", start=2, duration=1))
    )
    return editor


def test_double_speed_shows_every_other_frame(editor, source_frames):
    result = editor.apply(SetSpeed(element_id="c", speed=2))
    clip = editor.project.element("c")
    assert clip.duration == 1 and clip.source_out == Fraction(5, 2)  # same media, half the time
    assert editor.project.element("next").start == 1  # rippled left
    assert "c" in result.changed_element_ids
    frames = list(iter_frames(editor.project, end=Fraction(1)))
    for index, frame in enumerate(frames):
        assert np.array_equal(frame, source_frames[15 + 2 * index]), index


def test_slow_motion_repeats_frames(editor, source_frames):
    editor.apply(SetSpeed(element_id="c", speed=0.5))
    assert editor.project.element("c").duration == 4
    assert editor.project.element("next").start == 4  # rippled right to make room
    frames = list(iter_frames(editor.project.model_copy(deep=True), end=Fraction(1, 5)))
    assert np.array_equal(frames[0], frames[1]) and np.array_equal(frames[0], source_frames[15])
    assert np.array_equal(frames[2], source_frames[16])


def test_reverse_plays_the_range_backwards(editor, source_frames):
    editor.apply(SetProperties(element_id="c", properties={"reverse": True}))
    frames = list(iter_frames(editor.project, end=Fraction(2)))
    # Media range [0.5, 2.5): frames 15..74, shown from 74 down to 15.
    for index in (0, 1, 29, 30, 59):
        assert np.array_equal(frames[index], source_frames[74 - index]), index


def test_split_of_reversed_clip_renders_the_same(editor):
    editor.apply(SetProperties(element_id="c", properties={"reverse": True, "speed": 1.5, "duration": "4/3"}))
    before = list(iter_frames(editor.project, end=Fraction(4, 3)))
    editor.apply(Split(element_id="c", at=Fraction(1, 2)))
    after = list(iter_frames(editor.project, end=Fraction(4, 3)))
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


def test_freeze_frame_inserts_a_hold(editor, source_frames):
    result = editor.apply(FreezeFrame(element_id="c", at=Fraction(1), duration=Fraction(1, 2)))
    frozen = editor.project.element(result.element_ids[0])
    assert frozen.freeze_frame and frozen.start == 1 and frozen.duration == Fraction(1, 2)
    assert editor.project.element("next").start == Fraction(5, 2)  # pushed right by the hold
    held = [render_frame(editor.project, Fraction(1) + Fraction(i, 30)) for i in (0, 7, 14)]
    assert all(np.array_equal(h, source_frames[45]) for h in held)
    after = render_frame(editor.project, Fraction(3, 2))
    assert np.array_equal(after, source_frames[45])  # the clip resumes where it froze
    with pytest.raises(EditError, match="not inside"):
        editor.apply(FreezeFrame(element_id="c", at=10))


def test_freeze_frame_takes_a_chosen_id(editor):
    result = editor.apply(FreezeFrame(element_id="c", at=Fraction(1), frozen_id="hold"))
    assert result.element_ids == ["hold"] and editor.project.element("hold").freeze_frame
    with pytest.raises(EditError, match="element id 'next' already exists"):
        editor.apply(FreezeFrame(element_id="c", at=Fraction(1, 2), frozen_id="next"))


def test_speed_limits(editor):
    with pytest.raises(EditError, match="speed: must be at most 10, got"):
        editor.apply({"op": "set_speed", "element_id": "c", "speed": 20})
    with pytest.raises(EditError, match="c and next overlap"):
        editor.apply(SetSpeed(element_id="c", speed=0.1, ripple=False))  # 20 s long now: runs into "next"


def test_frame_blending_for_a_lower_source_rate(tmp_path):
    path = samples.write_video(tmp_path / "slow.mp4", seconds=1, width=64, height=36, rate=15)
    editor = Editor(Project(settings=ProjectSettings(width=64, height=36, frame_rate=30)))
    editor.apply(AddMedia(media=import_media(path, media_id="s")))
    editor.apply(AddTrack(kind="video", track_id="v"))
    editor.apply(AddElement(track_id="v", element=ClipElement(id="s", media_id="s", start=0, duration=1)))
    nearest = list(iter_frames(editor.project, end=Fraction(1, 5)))
    assert np.array_equal(nearest[0], nearest[1])  # 15 fps in 30: each frame twice
    editor.apply(SetProperties(element_id="s", properties={"frame_sampling": "blend"}))
    blended = list(iter_frames(editor.project, end=Fraction(1, 5)))
    assert np.array_equal(blended[0], nearest[0])
    middle = (nearest[0].astype(float) + nearest[2].astype(float)) / 2
    assert np.abs(blended[1].astype(float) - middle).mean() < 2.5
