"""The Timeline panel end to end: Debian's chromium (Playwright) on a real ComfyUI server with this pack linked in,
every non-local request blocked. A user's session: open the panel, create a project, drag media from the bin
onto the timeline, trim, move, split, undo, drop a transition on a cut, scrub and compare the preview with the
engine's own render of that frame, see an edit made through the MCP server appear, export to completion and
play the result. Screenshots go to /tmp/panel-shots (KIJKOCUT_PANEL_SHOTS).

Skipped without COMFYUI_PATH, Playwright or chromium; `.ci/checks/20-panel.sh` installs them and runs it."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from kijkocut import samples
from kijkocut.render.frames import render_frame
from kijkocut.service.store import ProjectStore
from tests.panel.browser import (
    browser_host,
    drag,
    panel_page,
    panel_state,
    ruler_point,
    shot,
    shown_preview,
    timeline_point,
    wait_for_revision,
    wait_until,
)

pytestmark = [pytest.mark.host, pytest.mark.slow]


@pytest.fixture(scope="module")
def host():
    for server in browser_host():
        samples.write_video(
            server.input_dir / "red.mp4", seconds=4, width=320, height=180, hue=0, tone_hz=440
        )
        samples.write_video(server.input_dir / "green.mp4", seconds=4, width=320, height=180, hue=120)
        yield server


@pytest.fixture(scope="module")
def page(host):
    with panel_page(host.url) as page:
        yield page


@pytest.fixture(scope="module")
def store(host):
    return ProjectStore(host.user_dir / "kijkocut" / "projects")


def _track_elements(project, index=0):
    return sorted(project["tracks"][index]["elements"], key=lambda e: Fraction(e["start"]))


def _drop_media(page, name: str, target: tuple[float, float]) -> None:
    page.drag_and_drop(
        f'.kc-bin-item[data-name="{name}"]',
        ".kc-timeline-canvas",
        target_position=_canvas_offset(page, target),
    )


def _canvas_offset(page, point):
    left, top = panel_state(
        page, "[p.canvas.getBoundingClientRect().left, p.canvas.getBoundingClientRect().top]"
    )
    return {"x": point[0] - left, "y": point[1] - top}


def _differences(expected, shown, path="") -> list[str]:
    if isinstance(expected, dict) and isinstance(shown, dict):
        return [
            d
            for key in expected.keys() | shown.keys()
            for d in _differences(expected.get(key), shown.get(key), f"{path}/{key}")
        ]
    if isinstance(expected, list) and isinstance(shown, list) and len(expected) == len(shown):
        return [
            d for i, (a, b) in enumerate(zip(expected, shown)) for d in _differences(a, b, f"{path}[{i}]")
        ]
    if isinstance(expected, int) and isinstance(shown, int | float):  # JS numbers: doubles (mtime_ns)
        expected, shown = float(expected), float(shown)
    return [] if expected == shown else [f"{path}: server {expected!r}, panel {shown!r}"]


def test_an_editing_session_in_the_panel(page, host):
    shot(page, "01-panel-open")
    page.select_option(".kc-preset", "16:9")
    page.select_option(".kc-fps", "25")
    page.click(".kc-new")
    project = wait_for_revision(page, 0)
    assert project["settings"]["frame_rate"] == "25" and project["settings"]["width"] == 1920
    page.wait_for_selector('.kc-bin-item[data-name="red.mp4"]')

    # Media from the bin onto the empty timeline: a video track is made; the drop snaps to 0.
    left, top = panel_state(
        page, "[p.canvas.getBoundingClientRect().left, p.canvas.getBoundingClientRect().top]"
    )
    _drop_media(page, "red.mp4", (left + 96 + 3, top + 60))
    project = wait_for_revision(page, 1)
    [red] = _track_elements(project)
    assert (red["start"], red["duration"]) == ("0", "4")

    # A second clip dropped just after the first snaps to its end.
    _drop_media(page, "green.mp4", timeline_point(page, 4.05, 0))
    project = wait_for_revision(page, 2)
    red, green = _track_elements(project)
    assert green["start"] == "4" and project["tracks"][0]["id"] == panel_state(page, "p.rows()[0].track.id")
    shot(page, "02-two-clips")

    # Trim red's end from 4 s to 3 s (drag its right edge).
    drag(page, timeline_point(page, 4.0 - 0.02, 0), timeline_point(page, 3.0, 0))
    project = wait_for_revision(page, 3)
    red, green = _track_elements(project)
    assert red["duration"] == "3" and green["start"] == "4"

    # Move green left by its body; it snaps to red's end at 3 s.
    drag(page, timeline_point(page, 5.5, 0), timeline_point(page, 4.55, 0))
    project = wait_for_revision(page, 4)
    red, green = _track_elements(project)
    assert green["start"] == "3", green

    # Split green at the playhead (ruler click, clip click, S), then undo it with Ctrl+Z.
    page.mouse.click(*ruler_point(page, 5.0))
    page.mouse.click(*timeline_point(page, 4.0, 0))
    page.keyboard.press("s")
    project = wait_for_revision(page, 5)
    assert [e["start"] for e in _track_elements(project)] == ["0", "3", "5"]
    shot(page, "03-split")
    page.keyboard.press("Control+z")
    project = wait_for_revision(page, 6)
    assert [e["start"] for e in _track_elements(project)] == ["0", "3"]
    assert project["can_redo"]

    # A crossfade dropped on the cut at 3 s.
    page.drag_and_drop(
        '.kc-chip[data-transition="crossfade"]',
        ".kc-timeline-canvas",
        target_position=_canvas_offset(page, timeline_point(page, 3.0, 0)),
    )
    project = wait_for_revision(page, 7)
    [transition] = project["tracks"][0]["transitions"]
    assert transition["kind"] == "crossfade"
    shot(page, "04-transition")
    # What the panel shows (edits applied from their answers' changes) is what the server holds.
    status, body = host.request("GET", f"/kijkocut/api/projects/{project['id']}")
    stored = json.loads(body)
    assert status == 200
    assert not _differences(stored, project), _differences(stored, project)
    assert page.panel_errors == []


def test_scrubbing_shows_the_engines_frame(page, host, store):
    project = panel_state(page, "p.project")
    for seconds in (1.52, 3.0, 0.2):
        page.mouse.click(*ruler_point(page, seconds))
        frame = round(seconds * 25)
        key_end = f"|{project['revision']}|{frame}|"
        assert wait_until(lambda k=key_end: k in (panel_state(page, "p.metrics.shownFrameKey") or "")), (
            key_end
        )
        key, shown = shown_preview(page)
        width = int(key.split("|")[3])
        engine = render_frame(
            store.snapshot(project["id"]),
            Fraction(frame, 25),
            width=width,
            project_dir=store.directory(project["id"]),
        )
        assert shown.shape == engine.shape
        difference = np.abs(shown.astype(int) - engine.astype(int)).mean()
        assert difference < 4, (seconds, difference)  # JPEG on the way, nothing else
        assert shown.mean() > 20  # a picture, not the black of an empty preview
    shot(page, "05-scrubbed")


def test_playback_and_keys_only_with_the_focus(page, host):
    project = panel_state(page, "p.project")
    page.mouse.click(*ruler_point(page, 0.0))
    page.keyboard.press("Space")  # the click gave the panel the focus
    assert wait_until(lambda: panel_state(page, "p.playhead") > 1.0, timeout=15)
    assert "|320" in panel_state(page, "p.metrics.shownFrameKey")  # low-resolution playback frames
    page.keyboard.press("k")
    stopped_at = panel_state(page, "p.playhead")
    assert panel_state(page, "p.playing") is None
    page.keyboard.press("ArrowRight")
    assert abs(panel_state(page, "p.playhead") - (round(stopped_at * 25) + 1) / 25) < 1e-9
    # Focus on the graph: the panel's keys are ComfyUI's again (Delete must not ripple-delete a clip).
    page.mouse.click(*timeline_point(page, 1.0, 0))
    assert panel_state(page, "p.selection.size") == 1
    page.mouse.click(700, 150)  # the graph canvas
    page.keyboard.press("Delete")
    page.keyboard.press("s")
    page.wait_for_timeout(500)
    assert panel_state(page, "p.project.revision") == project["revision"]


def test_the_inspector_edits_the_selection(page, host):
    revision = panel_state(page, "p.project.revision")
    page.mouse.click(*timeline_point(page, 1.0, 0))
    clip_id = panel_state(page, "[...p.selection][0]")
    # An unset position is the engine's to choose (the canvas centre): shown as such, not as an empty box.
    x_field = page.locator('.kc-inspector input[data-property="transform.x"]')
    assert x_field.input_value() == "" and x_field.get_attribute("placeholder") == "auto"
    page.fill('.kc-inspector input[data-property="transform.opacity"]', "0.5")
    page.press('.kc-inspector input[data-property="transform.opacity"]', "Enter")
    project = wait_for_revision(page, revision + 1)
    [clip] = [e for t in project["tracks"] for e in t["elements"] if e["id"] == clip_id]
    assert clip["transform"]["opacity"] == 0.5
    page.select_option(".kc-effect-add", "sepia")
    project = wait_for_revision(page, revision + 2)
    [clip] = [e for t in project["tracks"] for e in t["elements"] if e["id"] == clip_id]
    assert [e["kind"] for e in clip["effects"]] == ["sepia"]
    shot(page, "06b-inspector")
    page.keyboard.press("Escape")  # the focus is in a field: the panel leaves Escape to it
    page.click(".kc-undo")
    wait_for_revision(page, revision + 3)
    page.click(".kc-undo")
    project = wait_for_revision(page, revision + 4)
    [clip] = [e for t in project["tracks"] for e in t["elements"] if e["id"] == clip_id]
    assert clip["effects"] == [] and clip["transform"]["opacity"] == 1


def test_track_headers_mute_and_resize(page, host):
    revision = panel_state(page, "p.project.revision")
    left, top = panel_state(
        page, "[p.canvas.getBoundingClientRect().left, p.canvas.getBoundingClientRect().top]"
    )
    row_y, height = panel_state(page, "[p.rows()[0].y, p.rows()[0].height]")
    flag_y = top + row_y + min(height - 4, 30) - 4
    page.mouse.click(left + 8, flag_y)  # M
    project = wait_for_revision(page, revision + 1)
    assert project["tracks"][0]["muted"] is True
    page.mouse.click(left + 8, flag_y)
    assert wait_for_revision(page, revision + 2)["tracks"][0]["muted"] is False
    page.mouse.dblclick(left + 50, top + row_y + 5)
    assert panel_state(page, "p.rows()[0].height") == 2 * height
    page.mouse.dblclick(left + 50, top + row_y + 5)
    assert panel_state(page, "p.rows()[0].height") == height


def test_an_edit_through_the_mcp_server_redraws_the_panel(page, host, tmp_path_factory):
    from anyio.from_thread import start_blocking_portal
    from mcp import Client

    from kijkocut.service.actions import all_actions
    from mcp_server.action_tools import action_tools
    from mcp_server.config import ServerConfig
    from mcp_server.server import build_server
    from mcp_server.services import Services

    project = panel_state(page, "p.project")
    scratch = tmp_path_factory.mktemp("mcp")
    config = ServerConfig(
        workspace=scratch,
        projects_dir=host.user_dir / "kijkocut" / "projects",
        media_dirs=[host.input_dir],
        data_dir=scratch / "data",
        comfyui_urls=["http://127.0.0.1:9"],  # closed: no ComfyUI for the library, no outbound traffic
    )
    tool = {t.action: t.name for t in action_tools(all_actions())}["add_text"]
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Client(build_server(Services.from_config(config)))) as client,
    ):
        result = portal.call(
            client.call_tool,
            tool,
            {"project_id": project["id"], "text": "From MCP", "start": "0.5", "duration": "2"},
        )
        assert not result.is_error, result.content[0].text
    # Pushed as kijkocut.change when the server's watcher sees the save first, else found by the panel's
    # revision check (every 2 s).
    updated = wait_for_revision(page, project["revision"] + 1)
    texts = [e for t in updated["tracks"] for e in t["elements"] if e["kind"] == "text"]
    assert [t["text"] for t in texts] == ["From MCP"]
    assert wait_until(lambda: panel_state(page, "p.metrics.lastDrawn") == 3)
    # ... and the preview shows the new revision's frame (with the title).
    assert wait_until(
        lambda: f"|{updated['revision']}|" in (panel_state(page, "p.metrics.shownFrameKey") or "")
    )
    shot(page, "06-after-mcp-edit")


def test_export_to_completion_and_play(page, host):
    page.click(".kc-export-open")
    page.fill(".kc-export-file", "kijkocut/panel_export.mp4")
    page.fill(".kc-export-end", "1")
    page.click(".kc-export-start-button")
    page.wait_for_function(
        "document.querySelector('.kc-export-status').textContent.startsWith('done')", timeout=240_000
    )
    assert (host.output_dir / "kijkocut" / "panel_export.mp4").stat().st_size > 1000
    page.wait_for_function("document.querySelector('.kc-export-video').readyState >= 1", timeout=30_000)
    duration = page.evaluate("document.querySelector('.kc-export-video').duration")
    assert 0.9 <= duration <= 1.2
    shot(page, "07-exported")


def _new_project(page, media: str | None = None) -> str:
    """A new project in the panel (the export dialog an earlier test left open closed first), optionally with
    `media` dropped onto its empty timeline and the view fitted to it; its id."""
    if page.locator(".kc-export-close").count():
        page.click(".kc-export-close")
    shown = panel_state(page, "p.project && p.project.id")
    page.click(".kc-new")
    project_id = wait_until(
        lambda: panel_state(
            page,
            f"p.project && p.project.id !== {json.dumps(shown)} && p.project.revision === 0 && p.project.id",
        )
    )
    if media:
        left, top = panel_state(
            page, "[p.canvas.getBoundingClientRect().left, p.canvas.getBoundingClientRect().top]"
        )
        _drop_media(page, media, (left + 96 + 3, top + 60))
        wait_for_revision(page, 1)
        page.click(".kc-fit")
    return project_id


def _graph_nodes(page, kind: str) -> list[dict]:
    return page.evaluate(
        f"""app.graph.nodes.filter(n => n.comfyClass === "KijkoCut.{kind}").map(n => ({{
          id: n.id,
          widgets: Object.fromEntries((n.widgets ?? []).map(w => [w.name, w.value])),
          inputLinks: (n.inputs ?? []).map(i => i.link),
          outputLinks: (n.outputs ?? []).map(o => o.links ?? []),
        }}))"""
    )


def test_the_panel_and_the_graph_know_each_other(page, host):
    """'Use in graph' adds a Load Panel Project node wired to an Export Video node; clicking that node in the
    graph opens its project in the panel; queuing the graph exports the panel's project."""
    page.evaluate("app.graph.clear()")
    first = _new_project(page, "red.mp4")
    page.click(".kc-use-in-graph")
    [loader] = wait_until(lambda: _graph_nodes(page, "LoadPanelProject"))
    [exporter] = _graph_nodes(page, "ExportTimeline")
    assert loader["widgets"]["project"] == first
    assert exporter["inputLinks"][0] in loader["outputLinks"][0]  # wired: loader.timeline -> export.timeline
    page.click(".kc-use-in-graph")  # a second click selects the node instead of adding another
    assert len(_graph_nodes(page, "LoadPanelProject")) == 1
    shot(page, "08-use-in-graph")

    # Another project in the panel; a click on the loader's title in the graph brings the first one back.
    _new_project(page)
    _click_node_title(page, loader["id"])
    assert wait_until(lambda: panel_state(page, "p.project && p.project.id") == first), panel_state(
        page, "[p.project && p.project.id, p.$('.kc-status').textContent]"
    )

    # The graph exports the panel's project: a short, small export queued like any other run.
    page.evaluate(
        f"""(() => {{
          const node = app.graph.getNodeById({exporter["id"]});
          const set = (name, value) => {{ node.widgets.find(w => w.name === name).value = value; }};
          set("filename_prefix", "kijkocut/from_graph"); set("end", 1); set("width", 320); set("height", 180);
          return app.queuePrompt(0, 1);
        }})()"""
    )
    made = wait_until(lambda: list((host.output_dir / "kijkocut").glob("from_graph*.mp4")), timeout=240)
    assert made and made[0].stat().st_size > 1000, "the queued graph wrote no export"


def _click_node_title(page, node_id: int) -> None:
    """A click on a graph node's title (the node moved into view, nothing selected before), as a user selects it."""
    x, y = page.evaluate(
        f"""(() => {{
          const node = app.graph.getNodeById({node_id});
          const area = app.canvas.visible_area;
          node.pos = [area[0] + 60, area[1] + 80];
          app.canvas.deselectAll?.();
          app.canvas.setDirty(true, true);
          const box = app.canvas.canvas.getBoundingClientRect();
          const [cx, cy] = app.canvas.ds.convertOffsetToCanvas([node.pos[0] + 40, node.pos[1] - 15]);
          return [box.left + cx, box.top + cy];
        }})()"""
    )
    page.wait_for_timeout(100)
    page.mouse.click(x, y)


def _bottom_panel(page) -> list:
    """[bottom panel visible, its active tab's id]."""
    return page.evaluate(
        "(() => { const b = app.extensionManager.bottomPanel; return [!!b.bottomPanelVisible, b.activeBottomPanelTabId]; })()"
    )


def _close_bottom_panel(page) -> None:
    page.evaluate("app.extensionManager.bottomPanel.toggleBottomPanelTab('kijkocut-timeline')")
    assert wait_until(lambda: not _bottom_panel(page)[0]), _bottom_panel(page)


def test_selecting_a_timeline_node_opens_the_closed_panel(page, host):
    page.evaluate("app.graph.clear()")
    first = _new_project(page, "red.mp4")
    page.click(".kc-use-in-graph")
    [loader] = wait_until(lambda: _graph_nodes(page, "LoadPanelProject"))
    _new_project(page)
    _close_bottom_panel(page)

    # With the panel closed, a click on the node opens it on the Timeline tab with the node's project; the
    # keyboard focus stays in the graph.
    _click_node_title(page, loader["id"])
    assert wait_until(lambda: _bottom_panel(page) == [True, "kijkocut-timeline"]), _bottom_panel(page)
    assert wait_until(lambda: panel_state(page, "p.project && p.project.id") == first)
    assert page.is_visible(".kc-panel")
    assert not page.evaluate("document.querySelector('.kc-panel').contains(document.activeElement)")
    shot(page, "12-opened-from-node")

    # The setting off: the node's project still opens, the closed panel stays closed.
    page.evaluate("app.extensionManager.setting.set('KijkoCut.Timeline.OpenOnNodeSelect', false)")
    try:
        page.evaluate("app.extensionManager.command.execute('KijkoCut.OpenTimeline')")
        other = _new_project(page)
        _close_bottom_panel(page)
        _click_node_title(page, loader["id"])
        assert wait_until(lambda: panel_state(page, "p.project && p.project.id") == first)
        assert other != first and _bottom_panel(page)[0] is False
    finally:
        page.evaluate("app.extensionManager.setting.set('KijkoCut.Timeline.OpenOnNodeSelect', true)")
        page.evaluate("app.extensionManager.command.execute('KijkoCut.OpenTimeline')")
        page.wait_for_selector(".kc-panel", state="visible")
    # Opened while hidden, the project is fitted to the lane once the panel shows (4 s of red.mp4, 5 % spare).
    assert wait_until(lambda: abs(panel_state(page, "p.view.pxPerSecond * 4 * 1.05 - p.laneWidth")) < 2), (
        panel_state(page, "[p.view.pxPerSecond, p.laneWidth]")
    )
    assert page.panel_errors == []


def _header_point(page, track_index: int) -> tuple[float, float]:
    """A point on a track's header above its M/S/H/L flags."""
    return panel_state(
        page,
        f"""(() => {{
          const box = p.canvas.getBoundingClientRect();
          const row = p.rows()[{track_index}];
          return [box.left + 60, box.top + row.y + 6];
        }})()""",
    )


def test_dragging_a_track_header_reorders_the_tracks(page, host, store):
    _new_project(page)
    for kind in ("video", "audio", "text"):
        page.select_option(".kc-track-kind", kind)
        page.click(".kc-add-track")
    project = wait_for_revision(page, 3)
    before = [t["id"] for t in project["tracks"]]
    assert len(before) == 3

    # The first track's header dragged onto the last row: it goes last, the others move up.
    page.mouse.move(*_header_point(page, 0))
    page.mouse.down()
    page.mouse.move(*_header_point(page, 2), steps=6)
    assert panel_state(page, "p.trackDrag && p.trackDrag.drop && p.trackDrag.drop.index") == 2
    shot(page, "09-track-drag")
    page.mouse.up()
    project = wait_for_revision(page, 4)
    expected = [before[1], before[2], before[0]]
    assert [t["id"] for t in project["tracks"]] == expected
    assert [
        t.id for t in store.get(project["id"]).tracks
    ] == expected  # the server's project, not just the view

    # A header clicked without moving reorders nothing; Ctrl+Z takes the reorder back.
    page.mouse.click(*_header_point(page, 1))
    page.keyboard.press("Control+z")
    project = wait_for_revision(page, 5)
    assert [t["id"] for t in project["tracks"]] == before


def test_ctrl_drag_slips_a_clip(page, host, store):
    _new_project(page, "red.mp4")
    drag(page, timeline_point(page, 4.0 - 0.02, 0), timeline_point(page, 2.0, 0))  # trim: 2 s of 4 used
    [clip] = _track_elements(wait_for_revision(page, 2))
    assert (clip["start"], clip["duration"], clip["source_in"]) == ("0", "2", "0")

    # Ctrl+drag the body 1 s to the left: the clip shows the media from 1 s, in the same place and length.
    page.keyboard.down("Control")
    drag(page, timeline_point(page, 1.5, 0), timeline_point(page, 0.5, 0))
    page.keyboard.up("Control")
    [clip] = _track_elements(wait_for_revision(page, 3))
    assert (clip["start"], clip["duration"], clip["source_in"]) == ("0", "2", "1")
    [stored] = store.get(clip_project_id(page)).tracks[0].elements
    assert stored.source_in == 1 and stored.start == 0 and stored.duration == 2

    # Dragged far right it stops at the media's start; a Ctrl+click without a drag toggles the selection only.
    page.keyboard.down("Control")
    drag(page, timeline_point(page, 0.5, 0), timeline_point(page, 1.9, 0))
    [clip] = _track_elements(wait_for_revision(page, 4))
    assert clip["source_in"] == "0"
    selected = panel_state(page, "p.selection.has(p.project.tracks[0].elements[0].id)")
    page.mouse.click(*timeline_point(page, 1.0, 0))
    page.keyboard.up("Control")
    assert panel_state(page, "p.selection.has(p.project.tracks[0].elements[0].id)") is not selected
    assert panel_state(page, "p.project.revision") == 4


def clip_project_id(page) -> str:
    return panel_state(page, "p.project.id")


def _marker_point(page, seconds: float) -> tuple[float, float]:
    x, _ = ruler_point(page, seconds)
    return x, panel_state(page, "p.canvas.getBoundingClientRect().top") + 24 - 4  # the triangle's middle


def test_markers_drag_along_the_ruler_and_delete(page, host, store):
    _new_project(page, "red.mp4")  # 4 s fitted across the lane: a pixel is well under a frame
    page.mouse.click(*ruler_point(page, 1.0))
    page.keyboard.press("m")
    project = wait_for_revision(page, 2)
    [marker] = project["markers"]
    assert marker["time"] == "1"

    drag(page, _marker_point(page, 1.0), _marker_point(page, 3.0))
    project = wait_for_revision(page, 3)
    assert [(m["id"], m["time"]) for m in project["markers"]] == [(marker["id"], "3")]
    assert [m.time for m in store.get(project["id"]).markers] == [3]
    shot(page, "10-marker-moved")

    # A click on it selects it and puts the playhead there; Delete removes it, Ctrl+Z brings it back.
    page.mouse.click(*_marker_point(page, 3.0))
    assert panel_state(page, "[p.selectedMarker, p.playhead]") == [marker["id"], 3]
    page.keyboard.press("Delete")
    project = wait_for_revision(page, 4)
    assert project["markers"] == [] and len(_track_elements(project)) == 1  # the marker, not the clip
    page.keyboard.press("Control+z")
    assert [m["time"] for m in wait_for_revision(page, 5)["markers"]] == ["3"]


def test_audio_files_in_the_bin_show_their_waveform(page, host):
    rate = 48000
    t = np.arange(rate * 2) / rate
    tone = (0.8 * np.sin(2 * np.pi * 330 * t) * (t < 1)).astype(np.float32)  # 1 s of sound, then silence
    samples.write_audio(host.input_dir / "bin_tone.wav", np.stack([tone, tone]), rate)
    page.click(".kc-bin-refresh")
    wave = '.kc-bin-item[data-name="bin_tone.wav"] canvas.kc-bin-wave'
    page.wait_for_selector(f"{wave}[data-peaks]", timeout=30_000)
    # Louder on the left half (the tone) than on the right (silence): the drawn peaks are the file's.
    heights = page.evaluate(
        f"""(() => {{
          const c = document.querySelector('{wave}');
          const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
          const lit = (x) => {{ let n = 0; for (let y = 0; y < c.height; y++) n += d[(y * c.width + x) * 4 + 1] > 150; return n; }};
          return [lit(10), lit(38)];
        }})()"""
    )
    assert heights[0] > 15 and heights[1] <= 2, heights
    assert page.locator('.kc-bin-item[data-name="red.mp4"] img').count() == 1  # videos keep thumbnails


def test_playback_plays_the_projects_mix(page, host):
    _new_project(page, "red.mp4")  # 4 s with a 440 Hz tone
    page.mouse.click(*ruler_point(page, 0.5))
    page.keyboard.press("Space")
    # The server's mix of the range arrives, is scheduled from the playhead, and is heard (the analyser's level).
    assert wait_until(lambda: panel_state(page, "p.audio.metrics.pieces.length") >= 1, timeout=15)
    piece = panel_state(page, "p.audio.metrics.pieces[0]")
    assert piece["start"] == 0 and piece["peak"] > 0.1 and abs(piece["seconds"] - 4) < 0.01, piece
    assert wait_until(lambda: panel_state(page, "p.audio.level()") > 0.02, timeout=10), "no sound heard"
    page.keyboard.press("k")
    assert panel_state(page, "p.audio.session") is None
    assert wait_until(lambda: panel_state(page, "p.audio.level()") < 1e-4, timeout=5), "sound after stop"


def test_shuttling_is_heard_and_the_sound_follows_the_picture(page, host):
    samples.write_video(
        host.input_dir / "long_tone.mp4", seconds=12, width=160, height=90, hue=200, tone_hz=330
    )
    page.click(".kc-bin-refresh")
    page.wait_for_selector('.kc-bin-item[data-name="long_tone.mp4"]')
    _new_project(page, "long_tone.mp4")
    frame = 1 / float(Fraction(panel_state(page, "p.project.settings.frame_rate")))

    # L twice: 2x, heard faster (the pieces play at rate 2) and in step with the picture.
    page.mouse.click(*ruler_point(page, 0.5))
    page.keyboard.press("l")
    page.keyboard.press("l")
    assert panel_state(page, "[p.playing.rate, p.audio.session && p.audio.session.rate]") == [2, 2]
    assert wait_until(lambda: panel_state(page, "p.audio.metrics.pieces.length") >= 1, timeout=15)
    assert panel_state(page, "p.audio.metrics.pieces[0].rate") == 2
    assert wait_until(lambda: panel_state(page, "p.audio.level()") > 0.02, timeout=10), "no sound at 2x"
    # In step: within a frame of the picture (a busy machine may need one resync first).
    assert wait_until(lambda: abs(panel_state(page, "p.audio.metrics.drift")) <= frame, timeout=3)

    # J: reverse, silent.
    page.keyboard.press("j")
    assert panel_state(page, "[p.playing && p.playing.rate, p.audio.session]") == [-1, None]
    assert wait_until(lambda: panel_state(page, "p.audio.level()") < 1e-4, timeout=5), "sound in reverse"
    page.keyboard.press("k")

    # Normal speed; the picture's clock pushed 0.5 s ahead: within a pump the sound is placed there again.
    page.mouse.click(*ruler_point(page, 1.0))
    page.keyboard.press("Space")
    assert wait_until(lambda: panel_state(page, "p.audio.level()") > 0.02, timeout=15), "no sound at 1x"
    steady = panel_state(page, "[p.audio.metrics.resyncs, p.audio.metrics.drift]")
    first = panel_state(page, "p.audio.metrics.pieces[0]")
    assert first["start"] == 0 and abs(first["offset"] - 1.0) < 0.2  # from the playhead at 1 s
    scheduled = panel_state(page, "p.audio.metrics.pieces.length")
    page.evaluate("window.kijkocutPanel.playing.startWall -= 500")
    assert wait_until(lambda: panel_state(page, "p.audio.metrics.resyncs") > steady[0], timeout=3), steady
    assert wait_until(lambda: abs(panel_state(page, "p.audio.metrics.drift")) <= frame, timeout=3)
    # The piece under the picture placed again, half a second further into it than the sound had reached.
    again = [p for p in panel_state(page, "p.audio.metrics.pieces")[scheduled:] if p["start"] == 0]
    assert again and again[0]["offset"] > first["offset"] + 0.45, (first, again)
    assert panel_state(page, "p.audio.level()") > 0.02
    page.keyboard.press("k")
    print(f"resyncs before the push: {steady[0]}, drift {steady[1]}")
    assert page.panel_errors == []


def test_keyframes_at_the_playhead_from_the_inspector(page, host, store):
    _new_project(page, "red.mp4")
    page.mouse.click(*timeline_point(page, 2.0, 0))  # select the clip
    key = '.kc-inspector .kc-key[data-property="transform.opacity"]'
    opacity = '.kc-inspector input[data-property="transform.opacity"]'

    # ◇ at 1 s adds a key with the shown value; a value typed at 3 s adds a second key there.
    page.mouse.click(*ruler_point(page, 1.0))
    assert page.text_content(key) == "◇"
    page.click(key)
    project = wait_for_revision(page, 2)
    page.mouse.click(*ruler_point(page, 3.0))
    page.fill(opacity, "0.25")
    page.press(opacity, "Enter")
    project = wait_for_revision(page, 3)
    [clip] = _track_elements(project)
    fps = Fraction(project["settings"]["frame_rate"])
    assert [(Fraction(k["time"]), k["value"]) for k in clip["keyframes"]["transform.opacity"]] == [
        (Fraction(round(1 * fps), fps), 1.0),
        (Fraction(round(3 * fps), fps), 0.25),
    ]
    assert clip["transform"]["opacity"] == 1  # the static value is left alone
    assert page.text_content(key) == "◆"
    shot(page, "11-keyframes")

    # ◆ at 1 s removes that key only; the server's project agrees.
    page.mouse.click(*ruler_point(page, 1.0))
    assert page.text_content(key) == "◆"
    page.click(key)
    project = wait_for_revision(page, 4)
    [clip] = _track_elements(project)
    assert [k["value"] for k in clip["keyframes"]["transform.opacity"]] == [0.25]
    [stored] = store.get(project["id"]).tracks[0].elements
    assert [k.value for k in stored.keyframes["transform.opacity"]] == [0.25]
    page.mouse.click(*ruler_point(page, 1.0))
    page.keyboard.press("End")  # the project's end, just past the clip: nothing to key there
    assert panel_state(page, "p.playhead") == 4 and page.is_disabled(key)


def test_a_gesture_over_several_clips_is_one_undo_step(page, host, store):
    project_id = _new_project(page, "red.mp4")
    page.mouse.click(*ruler_point(page, 2.0))
    page.mouse.click(*timeline_point(page, 1.0, 0))
    page.keyboard.press("s")
    first, second = _track_elements(wait_for_revision(page, 2))
    steps = len(store.get(project_id).history.done)

    # Both clips selected (click, Shift+click) and deleted: one revision, one history entry, one Ctrl+Z.
    page.mouse.click(*timeline_point(page, 1.0, 0))
    page.keyboard.down("Shift")
    page.mouse.click(*timeline_point(page, 3.0, 0))
    page.keyboard.up("Shift")
    assert panel_state(page, "[...p.selection].sort()") == sorted([first["id"], second["id"]])
    page.keyboard.press("Delete")
    project = wait_for_revision(page, 3)
    assert project["tracks"][0]["elements"] == []
    assert len(store.get(project_id).history.done) == steps + 1
    assert store.get(project_id).revision == 3  # not one revision per clip
    page.keyboard.press("Control+z")
    project = wait_for_revision(page, 4)
    assert [(e["id"], e["start"]) for e in _track_elements(project)] == [
        (first["id"], "0"),
        (second["id"], "2"),
    ]

    # Both copied and pasted at 4 s: one step adds both, one Ctrl+Z takes both away.
    page.mouse.click(*timeline_point(page, 1.0, 0))
    page.keyboard.down("Shift")
    page.mouse.click(*timeline_point(page, 3.0, 0))
    page.keyboard.up("Shift")
    page.keyboard.press("Control+c")
    page.mouse.click(*ruler_point(page, 4.0))
    page.keyboard.press("Control+v")
    project = wait_for_revision(page, 5)
    assert [e["start"] for e in _track_elements(project)] == ["0", "2", "4", "6"]
    assert store.get(project_id).history.done[-1].label == "Paste 2 clips"
    pasted = [e["id"] for e in _track_elements(project)[2:]]
    assert panel_state(page, "[...p.selection].sort()") == sorted(pasted)  # what was pasted is selected
    page.keyboard.press("Control+z")
    project = wait_for_revision(page, 6)
    assert [e["id"] for e in _track_elements(project)] == [first["id"], second["id"]]

    # Both dragged by one of them: both move half a second right in one step (the one ahead first, so the
    # other does not overwrite it); the ghosts show both while dragging.
    page.keyboard.press("Escape")  # nothing selected
    page.mouse.click(*timeline_point(page, 1.0, 0))
    page.keyboard.down("Shift")
    page.mouse.click(*timeline_point(page, 3.0, 0))
    page.keyboard.up("Shift")
    page.mouse.move(*timeline_point(page, 1.0, 0))
    page.mouse.down()
    page.mouse.move(*timeline_point(page, 1.5, 0), steps=6)
    ghosts = panel_state(page, "p.drag.ghosts.map(g => g.start)")
    assert ghosts == pytest.approx([0.5, 2.5], abs=0.05) and ghosts[1] - ghosts[0] == pytest.approx(2)
    page.mouse.up()
    project = wait_for_revision(page, 7)
    fps = Fraction(project["settings"]["frame_rate"])
    landed = Fraction(round(ghosts[0] * fps), fps)  # where the ghost showed, on the frame grid
    assert landed > 0 and [(e["id"], e["start"], e["duration"]) for e in _track_elements(project)] == [
        (first["id"], str(landed), "2"),
        (second["id"], str(landed + 2), "2"),  # not cut by the other's move
    ]
    assert store.get(project_id).history.done[-1].label == "Move 2 clips"
    page.keyboard.press("Control+z")
    project = wait_for_revision(page, 8)
    assert [e["start"] for e in _track_elements(project)] == ["0", "2"]

    # A clip on a second track; both clips under the playhead selected, S splits both in one step.
    bottom = panel_state(
        page,
        "(() => { const b = p.canvas.getBoundingClientRect(); const r = p.rows().at(-1); "
        "return [b.left + 96 + 3, b.top + r.y + r.height + 20]; })()",
    )
    _drop_media(page, "green.mp4", tuple(bottom))
    project = wait_for_revision(page, 9)
    [green] = [
        e for t in project["tracks"] for e in t["elements"] if e["id"] not in (first["id"], second["id"])
    ]
    row_of = {
        track_id: index for index, track_id in enumerate(panel_state(page, "p.rows().map(r => r.track.id)"))
    }
    first_row = row_of[
        next(t["id"] for t in project["tracks"] if any(e["id"] == first["id"] for e in t["elements"]))
    ]
    green_row = row_of[
        next(t["id"] for t in project["tracks"] if any(e["id"] == green["id"] for e in t["elements"]))
    ]
    page.mouse.click(*ruler_point(page, 1.0))
    page.mouse.click(*timeline_point(page, 0.5, first_row))
    page.keyboard.down("Shift")
    page.mouse.click(*timeline_point(page, 0.5, green_row))
    page.keyboard.up("Shift")
    page.keyboard.press("s")
    project = wait_for_revision(page, 10)
    starts = sorted((e["start"], e["duration"]) for t in project["tracks"] for e in t["elements"])
    assert starts == [("0", "1"), ("0", "1"), ("1", "1"), ("1", "3"), ("2", "2")], starts
    assert store.get(project_id).history.done[-1].label == "Split 2 clips"
    page.keyboard.press("Control+z")
    project = wait_for_revision(page, 11)
    assert sum(len(t["elements"]) for t in project["tracks"]) == 3

    # Ctrl+A selects every element; Shift+Delete removes them all (no ripple) in one step.
    page.keyboard.press("Control+a")
    assert panel_state(page, "p.selection.size") == 3
    page.keyboard.press("Shift+Delete")
    project = wait_for_revision(page, 12)
    assert all(t["elements"] == [] for t in project["tracks"])
    page.keyboard.press("Control+z")
    assert sum(len(t["elements"]) for t in wait_for_revision(page, 13)["tracks"]) == 3
    assert page.panel_errors == []


def test_keyed_values_follow_the_playhead_as_the_engine_interpolates(page, host, store):
    from kijkocut.animation import value_at

    project_id = _new_project(page, "red.mp4")
    [clip] = _track_elements(panel_state(page, "p.project"))
    keys = [
        {"time": "1", "value": 1.0, "interpolation": "linear"},
        {"time": "3", "value": 0.2, "interpolation": "ease_in_out"},
    ]
    status, answer = host.post_json(
        f"/kijkocut/api/projects/{project_id}/actions/set_keyframes",
        {"params": {"element_id": clip["id"], "property": "transform.opacity", "keyframes": keys}},
    )
    assert status == 200, answer
    wait_for_revision(page, 2)  # an edit from elsewhere, shown from the change feed
    page.mouse.click(*timeline_point(page, 2.0, 0))  # select the clip
    opacity = '.kc-inspector input[data-property="transform.opacity"]'
    fps = Fraction(panel_state(page, "p.project.settings.frame_rate"))

    def engine(seconds: float) -> float:
        stored = store.get(project_id).tracks[0].elements[0].keyframes["transform.opacity"]
        return value_at(stored, Fraction(round(seconds * fps), fps))  # the frame the playhead is on

    # Scrubbing the ruler (the button still down): the field shows the value at each frame passed.
    page.mouse.move(*ruler_point(page, 1.5))
    page.mouse.down()
    for seconds in (1.5, 2.0, 2.6):
        page.mouse.move(*ruler_point(page, seconds), steps=3)
        shown = wait_until(lambda s=seconds: abs(float(page.input_value(opacity)) - engine(s)) < 1e-4)
        assert shown, (seconds, page.input_value(opacity), engine(seconds))
    page.mouse.up()
    assert float(page.input_value(opacity)) != pytest.approx(engine(1.5), abs=1e-3)  # it did move

    # ◇ between the keys adds one with exactly the curve's value there: the picture does not jump.
    before = engine(2.6)
    page.click('.kc-inspector .kc-key[data-property="transform.opacity"]')
    wait_for_revision(page, 3)
    stored = store.get(project_id).tracks[0].elements[0].keyframes["transform.opacity"]
    assert len(stored) == 3 and stored[1].time == Fraction(round(Fraction(26, 10) * fps), fps)
    assert stored[1].value == pytest.approx(before, abs=1e-9)

    # A value typed at 2 s, between keys, adds a key there.
    page.mouse.click(*ruler_point(page, 2.0))
    page.fill(opacity, "0.5")
    page.press(opacity, "Enter")
    wait_for_revision(page, 4)
    stored = store.get(project_id).tracks[0].elements[0].keyframes["transform.opacity"]
    assert [(k.time, k.value) for k in stored][1] == (Fraction(round(2 * fps), fps), 0.5)
    assert len(stored) == 4 and store.get(project_id).tracks[0].elements[0].transform.opacity == 1

    # Playing from 1 s, the value follows the playhead too.
    page.mouse.click(*ruler_point(page, 1.0))  # the focus back on the timeline
    assert float(page.input_value(opacity)) == pytest.approx(1.0)
    page.keyboard.press("Space")
    assert wait_until(
        lambda: panel_state(page, "!!p.playing") and float(page.input_value(opacity)) < 0.9, timeout=5
    )
    page.keyboard.press("k")

    # Past the clip's end the field shows the last key's value and cannot be changed there.
    page.keyboard.press("End")
    assert page.is_disabled(opacity) and float(page.input_value(opacity)) == pytest.approx(0.2)
    shot(page, "13-keyed-value")
    assert page.panel_errors == []
