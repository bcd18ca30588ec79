"""Relinking moved media by name and content, through the action every front end derives."""

from __future__ import annotations

import shutil

import pytest

from kijkocut.errors import MediaMissingError
from kijkocut.media.freshness import check_media
from kijkocut.model import Project
from kijkocut.samples import write_video
from kijkocut.service.actions import ActionContext, apply_action

from .conftest import confine_to


@pytest.fixture
def moved(tmp_path):
    """A project whose three files moved: one to a subfolder, one renamed, one replaced by other content."""
    home = tmp_path / "home"
    (home / "shoot").mkdir(parents=True)
    for name, seconds in (("a.mp4", 1), ("b.mp4", 2), ("c.mp4", 3)):
        write_video(home / "shoot" / name, seconds=seconds, width=64, height=36)
    ctx = ActionContext(resolve_path=confine_to(home), project_dir=home)
    project = Project()
    ids = apply_action(project, "import_media", {"paths": ["shoot"]}, ctx).created["media_ids"]
    by_name = {project.media[i].name: i for i in ids}
    for media_id in ids:
        apply_action(project, "add_clip", {"media_id": media_id, "duration": "0.5"}, ctx)
    (home / "archive" / "deep").mkdir(parents=True)
    shutil.move(home / "shoot" / "a.mp4", home / "archive" / "deep" / "a.mp4")
    shutil.move(home / "shoot" / "b.mp4", home / "archive" / "renamed_b.mp4")
    (home / "shoot" / "c.mp4").unlink()
    write_video(
        home / "archive" / "c.mp4", seconds=1, width=64, height=36, hue=200
    )  # same name, other content
    return project, ctx, by_name, home


def test_missing_media_is_named_and_points_at_relinking(moved):
    project, ctx, _, home = moved
    with pytest.raises(MediaMissingError, match="relink_media") as caught:
        check_media(project, home)
    assert len(caught.value.missing) == 3


def test_relink_finds_moved_and_renamed_files_and_refuses_other_content(moved):
    project, ctx, by_name, home = moved
    outcome = apply_action(project, "relink_media", {"folder": "archive"}, ctx)
    relinked, not_found = outcome.created["relinked"], outcome.created["not_found"]
    assert relinked == {
        by_name["a.mp4"]: str(home / "archive" / "deep" / "a.mp4"),
        by_name["b.mp4"]: str(home / "archive" / "renamed_b.mp4"),
    }
    assert not_found == {by_name["c.mp4"]: "a file with its name has other content"}
    assert project.media[by_name["a.mp4"]].path == str(home / "archive" / "deep" / "a.mp4")
    assert len(project.history.done) == 5 and project.history.done[-1].label == "Relink 2 media files"
    with pytest.raises(MediaMissingError) as caught:
        check_media(project, home)
    assert caught.value.missing == [f"{by_name['c.mp4']} ({home / 'shoot' / 'c.mp4'})"]


def test_relink_searches_only_folders_the_front_end_allows(moved):
    project, ctx, _, _ = moved
    with pytest.raises(Exception, match="outside the allowed folder"):
        apply_action(project, "relink_media", {"folder": "/"}, ctx)
