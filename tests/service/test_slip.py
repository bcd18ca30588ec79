"""Slip: a clip shows another part of its media in the same place and length, one undo step, refused (nothing
changed) past either end of the media, for a still image, or for what is not a media clip."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kijkocut.model import Project, ProjectSettings
from kijkocut.service.actions import ActionContext, apply_action, step_history
from kijkocut.service.errors import ServiceError

from .conftest import confine_to


@pytest.fixture
def placed(media_dir):
    """A 30 fps project with one second of a.mp4 (3 s long) at 2 s on the timeline, from its 0.5 s."""
    ctx = ActionContext(resolve_path=confine_to(media_dir))
    project = Project(settings=ProjectSettings(frame_rate="30"))
    media = apply_action(project, "import_media", {"paths": ["a.mp4", "still.png"]}, ctx).created["media_ids"]
    video, still = media
    clip = apply_action(
        project, "add_clip", {"media_id": video, "start": "2", "duration": "1", "source_in": "0.5"}, ctx
    ).created["element_id"]
    image = apply_action(project, "add_clip", {"media_id": still, "start": "5", "duration": "1"}, ctx)
    return project, clip, image.created["element_id"]


def _clip(project, element_id):
    return next(e for t in project.tracks for e in t.elements if e.id == element_id)


def test_slip_changes_the_source_in_point_only_and_undo_restores_it(placed):
    project, clip, _ = placed
    outcome = apply_action(project, "slip_element", {"element_id": clip, "source_in": "1.5"})
    element = _clip(project, clip)
    assert (element.source_in, element.start, element.duration) == (Fraction(3, 2), 2, 1)
    assert [c.id for c in outcome.result.changes] == [clip]
    apply_action(project, "slip_element", {"element_id": clip, "source_in": "00:00:00:15"})  # timecode
    assert _clip(project, clip).source_in == Fraction(1, 2)
    step_history(project, "undo")
    assert _clip(project, clip).source_in == Fraction(3, 2)


def test_the_last_in_point_is_the_media_length_less_what_the_clip_uses(placed):
    project, clip, _ = placed
    apply_action(project, "slip_element", {"element_id": clip, "source_in": "2"})  # 2 + 1 s = the end
    assert _clip(project, clip).source_in == 2
    done = len(project.history.done)
    for bad in ("2.1", "-0.5"):
        with pytest.raises(ServiceError, match=r"between 0 and 2.000 s .*lasts 3.000 s.*uses 1.000 s"):
            apply_action(project, "slip_element", {"element_id": clip, "source_in": bad})
    assert _clip(project, clip).source_in == 2 and len(project.history.done) == done
    assert apply_action(project, "slip_element", {"element_id": clip, "source_in": "2"}).result.changes == []


def test_a_still_image_or_a_title_does_not_slip(placed):
    project, _, image = placed
    with pytest.raises(ServiceError, match="still image .* nothing to slip"):
        apply_action(project, "slip_element", {"element_id": image, "source_in": "1"})
    title = apply_action(project, "add_text", {"text": "Hi", "start": "0", "duration": "1"}).created[
        "element_id"
    ]
    with pytest.raises(ServiceError, match="is a text element; only media clips slip"):
        apply_action(project, "slip_element", {"element_id": title, "source_in": "1"})
    with pytest.raises(ServiceError, match="unknown element"):
        apply_action(project, "slip_element", {"element_id": "nope", "source_in": "1"})
