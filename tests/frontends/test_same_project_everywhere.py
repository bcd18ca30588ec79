"""The same editing session sent through each front end produces the same project (ids and file locations
aside) with the same undo steps: every front end goes through the one service layer."""

from __future__ import annotations

from .drivers import Http, InMemory, play
from .normalize import comparable


def test_http_api_builds_the_same_project_as_the_service_layer(media_dir, http_api):
    reference = play(InMemory(media_dir))
    assert (
        len(reference.history.done) == 9 and not reference.history.undone
    )  # the undone speed change is gone
    base_url, store = http_api
    assert comparable(play(Http(base_url, store))) == comparable(reference)
