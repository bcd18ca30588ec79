from fractions import Fraction

import pytest

from kijkocut.errors import ProjectValidationError
from kijkocut.model import ClipElement, Project, TextElement, Track, Transition
from kijkocut.validate import check_project, project_problems


def _project(make_ref, *elements, kind="video", transitions=()):
    project = Project()
    project.media["a"] = make_ref("a", duration="10")
    project.media["song"] = make_ref("song", kind="audio", duration="30")
    project.tracks = [Track(id="v1", kind=kind, elements=list(elements), transitions=list(transitions))]
    return project


def test_valid_project_has_no_problems(make_ref):
    project = _project(
        make_ref,
        ClipElement(id="c1", media_id="a", start=0, duration=4),
        ClipElement(id="c2", media_id="a", start=4, duration=4, source_in=5),
    )
    assert project_problems(project) == []
    check_project(project)


@pytest.mark.parametrize(
    "elements, expected",
    [
        (
            [
                ClipElement(id="c1", media_id="a", start=0, duration=4),
                ClipElement(id="c2", media_id="a", start=3, duration=2),
            ],
            "elements c1 and c2 overlap",
        ),
        (
            [ClipElement(id="c1", media_id="a", start=0, duration=4, source_in=8)],
            "runs past the end of media a",
        ),
        ([ClipElement(id="c1", media_id="missing", start=0, duration=4)], "unknown media id 'missing'"),
        ([ClipElement(id="c1", media_id="a", start=0, duration=-1)], "duration -1 must be positive"),
        ([ClipElement(id="c1", media_id="a", start=-2, duration=1)], "start -2 is negative"),
        ([ClipElement(id="c1", media_id="a", start=0, duration=2, source_in=-1)], "source in -1 is negative"),
        (
            [ClipElement(id="c1", media_id="a", start=0, duration=2, fade_in=2, fade_out=1)],
            "exceed the duration",
        ),
        (
            [ClipElement(id="c1", media_id="song", start=0, duration=2)],
            "audio-only; put it on an audio track",
        ),
        ([TextElement(id="t", text="x", start=0, duration=2)], "text belongs on a text or overlay track"),
    ],
)
def test_problems_name_what_is_wrong(make_ref, elements, expected):
    project = _project(make_ref, *elements)
    problems = project_problems(project)
    assert any(expected in p for p in problems), problems
    with pytest.raises(ProjectValidationError) as info:
        check_project(project)
    assert expected in str(info.value)


def test_duplicate_ids_are_reported(make_ref):
    project = _project(make_ref, ClipElement(id="v1", media_id="a", start=0, duration=1))
    assert "id 'v1' is used 2 times" in project_problems(project)


def test_transition_needs_clips_meeting_at_a_cut(make_ref):
    project = _project(
        make_ref,
        ClipElement(id="c1", media_id="a", start=0, duration=3),
        ClipElement(id="c2", media_id="a", start=4, duration=3),
        transitions=[Transition(id="x", from_id="c1", to_id="c2", duration=1)],
    )
    assert any(
        "need two clips that meet" in p or "a transition needs two clips" in p
        for p in project_problems(project)
    )


def test_transition_needs_handles(make_ref):
    # c2 starts at the very beginning of its media, so there is nothing before its in point to fade in from.
    project = _project(
        make_ref,
        ClipElement(id="c1", media_id="a", start=0, duration=3, source_in=2),
        ClipElement(id="c2", media_id="a", start=3, duration=3, source_in=0),
        transitions=[Transition(id="x", from_id="c1", to_id="c2", duration=1, alignment="center")],
    )
    problems = project_problems(project)
    assert any("c2 needs 1/2 s more media before its in point" in p for p in problems), problems
    project.tracks[0].elements[1].source_in = Fraction(1, 2)
    assert project_problems(project) == []
    # c1 ends at 5 s of a 10 s file: enough after its out point for a centred 1 s transition.
    project.tracks[0].transitions[0].alignment = "start"
    assert project_problems(project) == []


def test_transition_longer_than_clips(make_ref):
    project = _project(
        make_ref,
        ClipElement(id="c1", media_id="a", start=0, duration=1, source_in=2),
        ClipElement(id="c2", media_id="a", start=1, duration=1, source_in=5),
        transitions=[Transition(id="x", from_id="c1", to_id="c2", duration=3, alignment="end")],
    )
    assert any("longer than the clips around the cut allow" in p for p in project_problems(project))


def test_a_holding_transition_needs_no_media_beyond_the_edges(make_ref):
    # Both clips use their file to the very end and from the very start: nothing beyond the cut.
    project = _project(
        make_ref,
        ClipElement(id="c1", media_id="a", start=0, duration=10),
        ClipElement(id="c2", media_id="a", start=10, duration=4),
        transitions=[Transition(id="x", from_id="c1", to_id="c2", duration=2)],
    )
    problems = project_problems(project)
    assert any("c1 needs 1 s more media after its out point" in p for p in problems), problems
    assert any("c2 needs 1 s more media before its in point" in p for p in problems), problems
    project.tracks[0].transitions[0].handles = "hold"
    assert project_problems(project) == []
    project.tracks[0].transitions[0].duration = Fraction(10)  # holding does not stretch the clips themselves
    assert any("longer than the clips around the cut allow" in p for p in project_problems(project))
