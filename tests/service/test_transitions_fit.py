"""Transitions between two full-length clips that butt (no media beyond their edges): the add_transition and
update_transition actions fit them by overlapping the clips (Final Cut) or holding the edge frames (Premiere),
and say which options exist when the chosen one cannot work. Checked on rendered frames and mixed sound."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from kijkocut import samples
from kijkocut.edit import Editor
from kijkocut.media.video_reader import VideoReader
from kijkocut.model import Project, ProjectSettings
from kijkocut.render.audio_mix import render_audio
from kijkocut.render.frames import render_frame
from kijkocut.service.actions import ActionContext, apply_action
from kijkocut.service.errors import ServiceError

from .conftest import confine_to

W, H = 96, 54
RATE = 48000
TONE_A, TONE_B = 440, 880  # the outgoing clip's and the incoming clip's sound


@pytest.fixture(scope="module")
def clips_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fit-media")
    samples.write_video(folder / "a.mp4", seconds=2, width=W, height=H, hue=0, tone_hz=TONE_A)
    samples.write_video(folder / "b.mp4", seconds=2, width=W, height=H, hue=200, tone_hz=TONE_B)
    return folder


@pytest.fixture
def ctx(clips_dir) -> ActionContext:
    return ActionContext(resolve_path=confine_to(clips_dir))


@pytest.fixture
def butting(ctx) -> tuple[Project, str, str]:
    """a.mp4 then b.mp4, each whole (0-2 s and 2-4 s): not a frame of media beyond the cut."""
    project = Project(settings=ProjectSettings(width=W, height=H, frame_rate=30))
    media_ids = apply_action(project, "import_media", {"paths": ["a.mp4", "b.mp4"]}, ctx).created["media_ids"]
    first = apply_action(project, "add_clip", {"media_id": media_ids[0]}, ctx).created["element_id"]
    second = apply_action(project, "add_clip", {"media_id": media_ids[1]}, ctx).created["element_id"]
    return project, first, second


def source_rgb(folder: Path, name: str, media_t: float) -> np.ndarray:
    with VideoReader(folder / name) as reader:
        return reader.frame_at(Fraction(media_t)).to_ndarray(format="rgb24").astype(float)


def rendered(project: Project, t: float) -> np.ndarray:
    return render_frame(project, Fraction(t)).astype(float)


def assert_blend(frame: np.ndarray, outgoing: np.ndarray, incoming: np.ndarray, k: float) -> None:
    """The frame is (1 - k) outgoing + k incoming, and differs clearly from either alone."""
    expected = (1 - k) * outgoing + k * incoming
    assert np.abs(frame - expected).mean() < 3
    assert np.abs(frame - outgoing).mean() > 10 and np.abs(frame - incoming).mean() > 10


def tone_level(signal: np.ndarray, hz: int) -> float:
    """Amplitude of one sine in a window holding a whole number of its cycles (left channel)."""
    n = np.arange(signal.shape[1])
    return float(2 * np.abs(np.sum(signal[0] * np.exp(-2j * np.pi * hz * n / RATE))) / signal.shape[1])


def window(mix: np.ndarray, start: float, seconds: float = 0.1) -> np.ndarray:
    first = round(start * RATE)
    return mix[:, first : first + round(seconds * RATE)]


def add(project, ctx, first, second, **params):
    return apply_action(
        project, "add_transition", {"from_element_id": first, "to_element_id": second, **params}, ctx
    )


# --- the choice and its errors ---------------------------------------------------------------------------


def test_media_fit_without_handles_names_the_options_and_changes_nothing(butting, ctx):
    project, first, second = butting
    before = project.model_dump()
    with pytest.raises(ServiceError) as caught:
        add(project, ctx, first, second, fit="media")
    message = str(caught.value)
    assert "not enough media beyond the cut for a 1 s transition" in message
    assert "a.mp4 has none after its out point, b.mp4 has none before its in point" in message
    assert "fit='overlap'" in message and "the track gets 1 s shorter" in message
    assert "fit='hold' (the edge frames are held" in message
    assert project.model_dump() == before


def test_the_error_gives_the_media_that_is_there_and_the_longest_transition_it_allows(butting, ctx):
    project, first, second = butting
    apply_action(project, "trim_element", {"element_id": first, "edge": "end", "to": "1.8"}, ctx)
    apply_action(project, "move_element", {"element_id": second, "start": "1.8"}, ctx)
    with pytest.raises(
        ServiceError,
        match=r"a.mp4 has 0.20 s after its out point; .* a transition of at most "
        r"0.2 s",
    ):
        add(project, ctx, first, second, fit="media", alignment="start", duration="1")


def test_auto_uses_the_media_when_there_is_enough(butting, ctx):
    project, first, second = butting
    apply_action(project, "trim_element", {"element_id": first, "edge": "end", "to": "1.5"}, ctx)
    apply_action(project, "trim_element", {"element_id": second, "edge": "start", "to": "2.5"}, ctx)
    apply_action(project, "move_element", {"element_id": second, "start": "1.5"}, ctx)
    outcome = add(project, ctx, first, second)
    assert outcome.created["fit"] == "media" and "shortened_by" not in outcome.created
    assert project.duration() == 3 and project.tracks[0].transitions[0].handles == "media"


def test_an_overlap_longer_than_the_clips_allow_says_how_long_one_may_be(butting, ctx):
    project, first, second = butting
    with pytest.raises(
        ServiceError,
        match=r"fit='overlap' cannot make a 3 s transition here: it trims 1.5 s "
        r"from a.mp4 .* or an overlap of at most 2 s",
    ):
        add(project, ctx, first, second, fit="overlap", duration="3")
    with pytest.raises(
        ServiceError,
        match=r"reaches 2.5 s into a.mp4, which is 2 s long; use a transition of "
        r"at most 4 s",
    ):
        add(project, ctx, first, second, fit="hold", duration="5")


def test_auto_names_hold_when_the_clips_are_too_short_to_overlap(butting, ctx):
    project, first, second = butting
    with pytest.raises(ServiceError) as caught:
        add(project, ctx, first, second, duration="3")
    assert "use fit='hold'" in str(caught.value) and "fit='overlap' cannot: it trims 1.5 s" in str(
        caught.value
    )


# --- overlap -----------------------------------------------------------------------------------------------


def test_auto_overlaps_butting_clips_in_one_undo_step(butting, ctx):
    project, first, second = butting
    tracks_before = [track.model_dump() for track in project.tracks]
    steps = len(project.history.done)
    outcome = add(project, ctx, first, second)
    assert outcome.created["fit"] == "overlap" and outcome.created["shortened_by"] == 1
    a, b = project.tracks[0].elements
    assert (a.start, a.duration, a.source_in) == (0, Fraction(3, 2), 0)
    assert (b.start, b.duration, b.source_in) == (Fraction(3, 2), Fraction(3, 2), Fraction(1, 2))
    assert project.duration() == 3
    assert len(project.history.done) == steps + 1
    Editor(project).undo()
    assert [track.model_dump() for track in project.tracks] == tracks_before


def test_an_overlap_crossfade_blends_the_two_clips_frames(butting, ctx, clips_dir):
    project, first, second = butting
    add(project, ctx, first, second, fit="overlap")
    # The cut moved to 1.5 s; the crossfade covers 1-2 s with a showing its media 1-2 s and b its media 0-1 s.
    for t, k in ((1.5, 0.5), (1.25, 0.25)):
        outgoing = source_rgb(clips_dir, "a.mp4", t)
        incoming = source_rgb(clips_dir, "b.mp4", t - 1)
        assert_blend(rendered(project, t), outgoing, incoming, k)


def test_overlap_moves_other_tracks_only_when_asked(butting, ctx):
    project, first, second = butting
    title = apply_action(
        project, "add_text", {"text": "later", "start": "3", "duration": "0.5"}, ctx
    ).created["element_id"]
    alone = project.model_copy(deep=True)
    add(alone, ctx, first, second)
    assert alone.element(title).start == 3
    add(project, ctx, first, second, all_tracks=True)
    assert project.element(title).start == 2


def test_overlap_sound_crossfades_both_clips_at_the_cut(butting, ctx):
    project, first, second = butting
    add(project, ctx, first, second, fit="overlap")
    mix = render_audio(project)
    full = tone_level(window(mix, 0.3), TONE_A)
    at_cut = window(mix, 1.45)  # k from 0.45 to 0.55
    assert tone_level(at_cut, TONE_A) == pytest.approx(full / 2, rel=0.1)
    assert tone_level(at_cut, TONE_B) == pytest.approx(full / 2, rel=0.1)


# --- hold --------------------------------------------------------------------------------------------------


def test_hold_keeps_the_clips_whole_and_holds_their_edge_frames(butting, ctx, clips_dir):
    project, first, second = butting
    outcome = add(project, ctx, first, second, fit="hold")
    assert outcome.created["fit"] == "hold" and project.duration() == 4
    assert project.tracks[0].transitions[0].handles == "hold"
    last_of_a, first_of_b = source_rgb(clips_dir, "a.mp4", 10), source_rgb(clips_dir, "b.mp4", 0)
    # Before the cut (1.5-2 s) a plays on and b's first frame is held; after it b plays and a's last frame holds.
    for t, k in ((1.6, 0.1), (1.8, 0.3)):
        assert_blend(rendered(project, t), source_rgb(clips_dir, "a.mp4", t), first_of_b, k)
    for t, k in ((2.2, 0.7), (2.4, 0.9)):
        assert_blend(rendered(project, t), last_of_a, source_rgb(clips_dir, "b.mp4", t - 2), k)


def test_a_hold_transition_starting_at_the_cut_shows_the_outgoing_last_frame_from_its_first_half(
    butting, ctx, clips_dir
):
    project, first, second = butting
    add(project, ctx, first, second, fit="hold", alignment="start")  # 2-3 s, all of it past a's end
    last_of_a = source_rgb(clips_dir, "a.mp4", 10)
    for t, k in ((2.1, 0.1), (2.4, 0.4), (2.8, 0.8)):
        assert_blend(rendered(project, t), last_of_a, source_rgb(clips_dir, "b.mp4", t - 2), k)


def test_hold_sound_fades_through_silence_where_the_media_runs_out(butting, ctx):
    project, first, second = butting
    add(project, ctx, first, second, fit="hold")
    mix = render_audio(project)
    full = tone_level(window(mix, 0.3), TONE_A)
    before_cut, after_cut = window(mix, 1.9), window(mix, 2.0)  # k 0.4-0.5 and 0.5-0.6
    assert tone_level(before_cut, TONE_A) == pytest.approx(full * 0.55, rel=0.1)  # a fading out
    assert tone_level(after_cut, TONE_B) == pytest.approx(full * 0.55, rel=0.1)  # b fading in
    assert tone_level(before_cut, TONE_B) < full / 300  # b has no sound before its in point
    assert tone_level(after_cut, TONE_A) < full / 300  # nor a after its out point: silence, not a held sample


# --- changing a transition ---------------------------------------------------------------------------------


def test_a_longer_overlap_transition_overlaps_by_what_it_adds(butting, ctx, clips_dir):
    project, first, second = butting
    transition_id = add(project, ctx, first, second).created["transition_id"]
    outcome = apply_action(
        project, "update_transition", {"transition_id": transition_id, "duration": "2"}, ctx
    )
    assert outcome.created == {"transition_id": transition_id, "fit": "overlap", "shortened_by": 1.0}
    a, b = project.tracks[0].elements
    assert (a.duration, b.start, b.source_in, project.duration()) == (1, 1, 1, 2)
    assert_blend(
        rendered(project, 1), source_rgb(clips_dir, "a.mp4", 1), source_rgb(clips_dir, "b.mp4", 1), 0.5
    )


def test_a_longer_held_transition_keeps_holding_and_media_is_refused(butting, ctx):
    project, first, second = butting
    transition_id = add(project, ctx, first, second, fit="hold").created["transition_id"]
    grown = apply_action(project, "update_transition", {"transition_id": transition_id, "duration": "2"}, ctx)
    assert grown.created["fit"] == "hold" and project.duration() == 4
    with pytest.raises(ServiceError, match="not enough media beyond the cut for a 2 s transition"):
        apply_action(project, "update_transition", {"transition_id": transition_id, "fit": "media"}, ctx)
    assert project.tracks[0].transitions[0].handles == "hold"


def test_update_names_an_unknown_transition(butting, ctx):
    project, _, _ = butting
    with pytest.raises(ServiceError, match="unknown transition 'nope'"):
        apply_action(project, "update_transition", {"transition_id": "nope", "duration": "2"}, ctx)
