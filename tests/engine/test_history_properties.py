"""Property-based: any sequence of user actions, applied through the service layer's declarations, can be undone
back to the start exactly and redone to the end exactly; a failing action changes nothing; and applying to a
copy never touches the project it was copied from."""

from __future__ import annotations

import contextlib
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kijkocut.edit import Editor
from kijkocut.edit.editor import known_problems
from kijkocut.errors import KijkoCutError
from kijkocut.media.info import AudioStreamInfo, MediaInfo, VideoStreamInfo
from kijkocut.model import ClipElement, MediaRef, Project, Track
from kijkocut.service.actions import apply_action
from kijkocut.validate import checked


def _project() -> Project:
    video = VideoStreamInfo(
        codec="h264", width=320, height=180, display_width=320, display_height=180, frame_rate=Fraction(30)
    )
    project = Project(name="property")
    project.media["vid"] = MediaRef(
        id="vid",
        path="/media/vid.mp4",
        name="vid.mp4",
        info=MediaInfo(
            kind="video",
            container="mp4",
            size_bytes=1000,
            duration=Fraction(10),
            video=video,
            audio=AudioStreamInfo(codec="aac", sample_rate=48000, channels=2),
        ),
    )
    project.media["snd"] = MediaRef(
        id="snd",
        path="/media/snd.wav",
        name="snd.wav",
        info=MediaInfo(
            kind="audio",
            container="wav",
            size_bytes=1000,
            duration=Fraction(8),
            audio=AudioStreamInfo(codec="pcm_s16le", sample_rate=48000, channels=2),
        ),
    )
    return project


ELEMENT_IDS = ["c1", "c2", "c3", "t1", "nope"]
times = st.integers(min_value=0, max_value=180).map(lambda frames: f"f{frames}")
element = st.sampled_from(ELEMENT_IDS)

actions = st.one_of(
    st.builds(
        lambda m, s, d, i, mode: (
            "add_clip",
            {"media_id": m, "start": s, "duration": d, "element_id": i, "mode": mode},
        ),
        st.sampled_from(["vid", "snd"]),
        times,
        st.sampled_from(["f15", "1", "2.5"]),
        st.sampled_from(["c1", "c2", "c3"]),
        st.sampled_from(["overwrite", "insert", "strict"]),
    ),
    st.builds(
        lambda s: ("add_text", {"text": "Title", "start": s, "duration": "1", "element_id": "t1"}), times
    ),
    st.builds(lambda e, s: ("move_element", {"element_id": e, "start": s}), element, times),
    st.builds(
        lambda e, edge, t: ("trim_element", {"element_id": e, "edge": edge, "to": t}),
        element,
        st.sampled_from(["start", "end"]),
        times,
    ),
    st.builds(lambda e, t: ("split_element", {"element_id": e, "at": t}), element, times),
    st.builds(lambda e, r: ("delete_element", {"element_id": e, "ripple": r}), element, st.booleans()),
    st.builds(
        lambda e, v: ("set_speed", {"element_id": e, "speed": v}), element, st.sampled_from([0.5, 2.0])
    ),
    st.builds(
        lambda e, v: ("set_property", {"element_id": e, "property": "transform.opacity", "value": v}),
        element,
        st.sampled_from(["0.5", "1", "2"]),
    ),
    st.builds(lambda e: ("add_effect", {"element_id": e, "kind": "sepia"}), element),
    st.builds(
        lambda a, b, k: (
            "add_transition",
            {"from_element_id": a, "to_element_id": b, "kind": k, "duration": "f10"},
        ),
        element,
        element,
        st.sampled_from(["crossfade", "wipe_left"]),
    ),
    st.builds(lambda t: ("add_marker", {"time": t}), times),
)


# Every drawn sequence starts from clips and a title to act on, so most drawn edits find their target.
SETUP = [
    ("add_clip", {"media_id": "vid", "start": "0", "duration": "2", "element_id": "c1"}),
    ("add_clip", {"media_id": "vid", "start": "2", "duration": "2", "source_in": "3", "element_id": "c2"}),
    ("add_clip", {"media_id": "snd", "start": "1", "element_id": "c3"}),
    ("add_text", {"text": "Title", "start": "0.5", "duration": "1", "element_id": "t1"}),
]
sequences = st.lists(actions, min_size=1, max_size=12).map(lambda drawn: SETUP + drawn)


def _state(project: Project) -> dict:
    """Everything an edit may change: the whole model except the bookkeeping of history and revision."""
    return project.model_dump(mode="json", exclude={"history", "revision"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequences)
def test_undo_restores_exactly_and_redo_replays_exactly(sequence):
    project = _project()
    states = [_state(project)]
    for name, params in sequence:
        before = project.model_dump(mode="json")
        try:
            apply_action(project, name, params)
        except KijkoCutError:
            assert project.model_dump(mode="json") == before, f"failed {name} changed the project"
            continue
        if _state(project) != states[-1]:
            states.append(_state(project))
    editor = Editor(project)
    assert len(project.history.done) == len(states) - 1  # one undo step per action that changed something
    for expected in reversed(states[:-1]):
        editor.undo()
        assert _state(project) == expected
    for expected in states[1:]:
        editor.redo()
        assert _state(project) == expected


@settings(max_examples=40, deadline=None)
@given(sequences)
def test_editing_a_copy_never_touches_the_original(sequence):
    original = _project()
    for name, params in sequence[: len(sequence) // 2]:
        try:
            apply_action(original, name, params)
        except KijkoCutError:
            pass
    frozen = original.model_dump(mode="json")
    copy = original.model_copy(deep=True)
    for name, params in sequence:
        try:
            apply_action(copy, name, params)
        except KijkoCutError:
            pass
    assert original.model_dump(mode="json") == frozen


@settings(max_examples=40, deadline=None)
@given(sequences)
def test_the_problems_an_edit_remembers_are_the_projects_own(sequence):
    # An edit re-checks only the tracks it changed and remembers the result for the next one: whatever the
    # edits, what is remembered is what a full check of the project finds.
    project = _project()
    # a track that is already wrong (a clip running past its sound's end), which edits elsewhere leave alone
    long_clip = ClipElement(id="long", media_id="snd", start=Fraction(0), duration=Fraction(20))
    project.tracks.append(Track(id="bad", kind="audio", elements=[long_clip]))
    assert checked(project).by_track["bad"]
    for name, params in sequence:
        with contextlib.suppress(KijkoCutError):
            apply_action(project, name, params)
        assert known_problems(project).all() == checked(project).all()
