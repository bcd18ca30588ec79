"""Each transition kind renders two known clips and is checked numerically at known progress values."""

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition, OverlapCut, UpdateTransition
from kijkocut.errors import EditError
from kijkocut.media.probe import import_media
from kijkocut.model import TRANSITION_KINDS, ClipElement, Project, ProjectSettings
from kijkocut.render.frames import render_frame
from kijkocut.render.timeline_eval import held_media_time

A, B = 40.0, 220.0  # grey levels of the outgoing and incoming clips
W, H = 96, 64


@pytest.fixture
def pair(tmp_path):
    project = Project(settings=ProjectSettings(width=W, height=H, frame_rate=30))
    editor = Editor(project)
    for name, level in (("a", A), ("b", B)):
        path = tmp_path / f"{name}.png"
        Image.new("RGB", (W, H), (int(level),) * 3).save(path)
        editor.apply(AddMedia(media=import_media(path, media_id=name)))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="a", media_id="a", start=0, duration=2)))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="b", media_id="b", start=2, duration=2)))
    # 1 s centred on the cut: progress k = t - 1.5 over [1.5, 2.5).
    editor.apply(AddTransition(from_id="a", to_id="b", duration=1, transition_id="x"))
    return project, editor


def _frame(project, editor, kind, k):
    editor.apply(UpdateTransition(transition_id="x", kind=kind))
    return render_frame(project, Fraction(3, 2) + Fraction(k)).astype(float)[..., 0]


def test_every_kind_starts_on_the_outgoing_and_ends_on_the_incoming(pair):
    project, editor = pair
    for kind in TRANSITION_KINDS:
        start = _frame(project, editor, kind, 0)
        end = render_frame(project, Fraction(5, 2)).astype(float)[..., 0]
        assert np.abs(start - A).mean() < 3, kind
        assert np.abs(end - B).mean() < 3, kind


@pytest.mark.parametrize(
    "kind, k, expected",
    [
        ("crossfade", 0.25, 0.75 * A + 0.25 * B),
        ("dip_to_black", 0.25, 0.5 * A),
        ("dip_to_black", 0.75, 0.5 * B),
        ("dip_to_white", 0.25, 0.5 * A + 0.5 * 255),
        ("zoom_in", 0.5, 0.5 * A + 0.5 * B),
    ],
)
def test_uniform_transitions(pair, kind, k, expected):
    frame = _frame(*pair, kind, k)
    assert abs(frame[H // 2, W // 2] - expected) < 4, frame[H // 2, W // 2]


@pytest.mark.parametrize(
    "kind, incoming_region, outgoing_region",
    [
        ("wipe_left", (slice(None), slice(W // 2 + 4, None)), (slice(None), slice(0, W // 2 - 4))),
        ("wipe_right", (slice(None), slice(0, W // 2 - 4)), (slice(None), slice(W // 2 + 4, None))),
        ("wipe_up", (slice(H // 2 + 4, None), slice(None)), (slice(0, H // 2 - 4), slice(None))),
        ("wipe_down", (slice(0, H // 2 - 4), slice(None)), (slice(H // 2 + 4, None), slice(None))),
        ("slide_left", (slice(None), slice(W // 2 + 2, None)), (slice(None), slice(0, W // 2 - 2))),
        ("slide_right", (slice(None), slice(0, W // 2 - 2)), (slice(None), slice(W // 2 + 2, None))),
        ("push_up", (slice(H // 2 + 2, None), slice(None)), (slice(0, H // 2 - 2), slice(None))),
        ("push_down", (slice(0, H // 2 - 2), slice(None)), (slice(H // 2 + 2, None), slice(None))),
    ],
)
def test_directional_transitions_at_half_way(pair, kind, incoming_region, outgoing_region):
    frame = _frame(*pair, kind, 0.5)
    assert np.abs(frame[incoming_region] - B).max() < 4, kind
    assert np.abs(frame[outgoing_region] - A).max() < 4, kind


def test_push_moves_the_outgoing_clip_out(pair, tmp_path):
    project, editor = pair
    half = np.zeros((H, W, 3), np.uint8)
    half[:, : W // 2] = 255  # left half white on the outgoing clip
    Image.fromarray(half).save(tmp_path / "half.png")
    editor.apply(AddMedia(media=import_media(tmp_path / "half.png", media_id="half")))
    project.track("v1").elements[0].media_id = "half"
    frame = _frame(project, editor, "push_left", 0.25)
    # The white half moved left by a quarter of the width: columns [0, W/4) still white, then black.
    assert frame[H // 2, 2] > 240 and frame[H // 2, W // 4 + 4] < 15


def test_iris_opens_from_the_centre(pair):
    frame = _frame(*pair, "iris", 0.3)
    assert abs(frame[H // 2, W // 2] - B) < 4 and abs(frame[0, 0] - A) < 4


def test_blur_dissolve_blurs_the_middle(pair, tmp_path):
    project, editor = pair
    edge = np.zeros((H, W, 3), np.uint8)
    edge[:, W // 2 :] = 255
    Image.fromarray(edge).save(tmp_path / "edge.png")
    editor.apply(AddMedia(media=import_media(tmp_path / "edge.png", media_id="edge")))
    project.track("v1").elements[0].media_id = "edge"
    project.track("v1").elements[1].media_id = "edge"
    sharp = _frame(project, editor, "crossfade", 0.5)[H // 2]
    blurred = _frame(project, editor, "blur_dissolve", 0.5)[H // 2]
    assert sharp[W // 2 - 3] < 10 and blurred[W // 2 - 3] > 20  # the edge spread out


def test_transition_kind_and_alignment_are_undoable(pair):
    project, editor = pair
    editor.apply(UpdateTransition(transition_id="x", kind="iris", alignment="end"))
    transition = project.track("v1").transitions[0]
    assert (transition.kind, transition.alignment) == ("iris", "end")
    editor.undo()
    transition = project.track("v1").transitions[0]
    assert (transition.kind, transition.alignment) == ("crossfade", "center")


# --- fitting transitions to clips without media beyond the cut -----------------------------------------------


def _clip_pair(make_ref, **outgoing) -> tuple[Project, Editor]:
    """Two clips of a 10 s file that butt at 4 s; the outgoing one's options (reverse, speed) as given."""
    project = Project()
    editor = Editor(project)
    editor.apply(AddMedia(media=make_ref("m", duration="10")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(track_id="v1", element=ClipElement(id="a", media_id="m", start=0, duration=4, **outgoing))
    )
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="b", media_id="m", start=4, duration=4)))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="c", media_id="m", start=8, duration=1)))
    return project, editor


@pytest.mark.parametrize(
    "outgoing, trimmed_source_in",
    [
        ({"source_in": 2, "speed": 2}, 2),
        ({"source_in": 2, "speed": 2, "reverse": True}, 3),  # its end shows its media start, which moves
    ],
)
def test_overlap_cut_gives_both_clips_the_media_a_transition_needs(make_ref, outgoing, trimmed_source_in):
    # a uses media 2-10 s (played backwards or not), b starts at media 0: b has nothing before its in point.
    project, editor = _clip_pair(make_ref, **outgoing)
    with pytest.raises(EditError, match="more media"):
        editor.apply(AddTransition(from_id="a", to_id="b", duration=1, transition_id="x"))
    before = project.model_dump()
    editor.apply(OverlapCut(from_id="a", to_id="b", before=Fraction(1, 2), after=Fraction(1, 2)))
    editor.apply(AddTransition(from_id="a", to_id="b", duration=1, transition_id="x"))
    a, b, c = project.track("v1").elements
    assert (a.end, b.start, b.end, c.start) == (Fraction(7, 2), Fraction(7, 2), 7, 7)
    assert (b.source_in, a.source_in, a.source_span) == (Fraction(1, 2), trimmed_source_in, 7)  # 0.5 s at 2x
    editor.undo()
    editor.undo()
    assert project.model_dump(exclude={"history", "revision"}) == {
        key: value for key, value in before.items() if key not in ("history", "revision")
    }


def test_overlap_cut_refuses_to_trim_a_clip_away(make_ref):
    project, editor = _clip_pair(make_ref)
    with pytest.raises(EditError, match="cannot trim 1.000 s from c: it is 1.000 s long"):
        editor.apply(OverlapCut(from_id="b", to_id="c", before=Fraction(1), after=Fraction(1)))


def test_a_holding_transition_shows_media_while_it_lasts_then_the_edge_frame(make_ref):
    media = make_ref("m", duration="10")  # 30 fps: the last frame starts at 299/30 s
    assert held_media_time(Fraction(21, 2), media) == Fraction(299, 30)
    assert held_media_time(Fraction(-1, 2), media) == 0
    assert held_media_time(Fraction(5), media) == 5
    still = make_ref("s", kind="image", duration=None)
    assert held_media_time(Fraction(-3), still) == -3  # a still has no edges
