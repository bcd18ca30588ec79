"""The panel shows an edit from the change event the server pushes over ComfyUI's websocket: another client's
edits, undos and redos, and its own edits (sent over the edit channel), are applied to the project shown
without fetching the project again; a change the event cannot describe is still fetched.

Debian's chromium (Playwright) on a real ComfyUI; skipped without them, run by `.ci/checks/20-panel.sh`."""

from __future__ import annotations

import re

import pytest

from kijkocut.service.actions import run_action
from kijkocut.service.store import ProjectStore
from tests.panel.browser import browser_host, panel_page, panel_state, wait_for_revision

pytestmark = [pytest.mark.host, pytest.mark.slow]

API = "/kijkocut/api"


@pytest.fixture(scope="module")
def host():
    yield from browser_host()


@pytest.fixture(scope="module")
def page(host):
    with panel_page(host.url) as page:
        yield page


def _project_fetches(page, project_id: str) -> list[str]:
    """Every GET of the whole project the page makes from now on."""
    fetched: list[str] = []
    whole = re.compile(rf"{API}/projects/{project_id}$")
    page.on(
        "request",
        lambda request: (
            fetched.append(request.url)
            if request.method == "GET" and whole.search(request.url.split("?")[0])
            else None
        ),
    )
    return fetched


def _act(host, project_id: str, action: str, params: dict) -> dict:
    status, answer = host.post_json(f"{API}/projects/{project_id}/actions/{action}", {"params": params})
    assert status == 200, answer
    return answer


def test_edits_undo_and_redo_show_from_the_change_events(page, host):
    status, created = host.post_json(f"{API}/projects", {"name": "feed", "frame_rate": "25"})
    assert status == 201, created
    pid = created["id"]
    title = _act(host, pid, "add_text", {"text": "One", "start": "0", "duration": "2"})
    title_id = title["created"]["element_id"]
    page.evaluate(f"window.kijkocutPanel.open({pid!r})")
    wait_for_revision(page, title["revision"])
    fetched = _project_fetches(page, pid)

    # Another client's edit, undo and redo (this test, through the same server's API).
    moved = _act(host, pid, "move_element", {"element_id": title_id, "start": "3"})
    shown = wait_for_revision(page, moved["revision"])
    assert [e["start"] for t in shown["tracks"] for e in t["elements"]] == ["3"]
    assert shown["can_undo"] and not shown["can_redo"]
    status, undone = host.post_json(f"{API}/projects/{pid}/undo", {})
    assert status == 200, undone
    shown = wait_for_revision(page, undone["revision"])
    assert [e["start"] for t in shown["tracks"] for e in t["elements"]] == ["0"]
    assert shown["can_undo"] and shown["can_redo"]
    assert not panel_state(page, "p.$('.kc-redo').disabled")
    status, redone = host.post_json(f"{API}/projects/{pid}/redo", {})
    shown = wait_for_revision(page, redone["revision"])
    assert [e["start"] for t in shown["tracks"] for e in t["elements"]] == ["3"]

    # The panel's own edit: sent over the edit channel (WebSocket), not as an HTTP request.
    posted: list[str] = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    assert page.wait_for_function("window.kijkocutPanel.api.channel && window.kijkocutPanel.api.channel.open")
    answer = page.evaluate(
        f"window.kijkocutPanel.edit('move_element', {{ element_id: {title_id!r}, start: '5' }})"
    )
    assert answer["revision"] == redone["revision"] + 1
    shown = panel_state(page, "p.project")
    assert shown["revision"] == answer["revision"]
    assert [e["start"] for t in shown["tracks"] for e in t["elements"]] == ["5"]
    assert fetched == []  # five changes shown, the project never fetched again
    assert posted == [] and panel_state(page, "p.api.lastServerTiming").startswith("commit;dur=")

    # A save by another program (here: this test's own store on the same folder) is announced without its
    # changes: the panel fetches the project.
    store = ProjectStore(host.user_dir / "kijkocut" / "projects")
    run_action(store, pid, "add_marker", {"time": "1"})
    shown = wait_for_revision(page, answer["revision"] + 1)
    assert len(shown["markers"]) == 1 and fetched
