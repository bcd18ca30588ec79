"""The pack in ComfyUI's graph editor, in a real browser (Debian's chromium via Playwright, every non-local
request aborted) on a real ComfyUI: what a user sees on the nodes, not what the HTTP API returns.

- New Timeline's width and height follow the chosen canvas preset, and typing another size makes it custom.
- The node search finds the export node by what people type ("export video").
- A shipped example workflow, loaded and queued from the page, runs, and the Export node shows its measured
  loudness and true peak on the node itself.

Skipped without COMFYUI_PATH, Playwright or chromium; `.ci/checks/20-panel.sh` installs the browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.panel.browser import browser_host, comfyui_page

pytestmark = [pytest.mark.host, pytest.mark.slow]

EXAMPLES = Path(__file__).resolve().parents[2] / "example_workflows"


@pytest.fixture(scope="module")
def host():
    yield from browser_host()


@pytest.fixture(scope="module")
def page(host):
    with comfyui_page(host.url) as page:
        page.wait_for_function("window.app && window.app.graph && window.LiteGraph", timeout=90_000)
        yield page


def _widgets(page, node_id: int) -> dict:
    return page.evaluate(
        f"Object.fromEntries(app.graph.getNodeById({node_id}).widgets.map(w => [w.name, w.value]))"
    )


def test_new_timeline_shows_the_size_of_its_canvas_preset(page):
    node_id = page.evaluate(
        """(() => {
          const node = LiteGraph.createNode("KijkoCut.NewTimeline");
          app.graph.add(node);
          return node.id;
        })()"""
    )
    presets = page.evaluate(
        f"app.graph.getNodeById({node_id}).widgets.find(w => w.name === 'canvas').options.values"
    )
    vertical = next(p for p in presets if p.startswith("1080x1920"))

    def choose(widget: str, value) -> None:  # as the combo or number widget does on a user's choice
        page.evaluate(
            f"""(() => {{
              const w = app.graph.getNodeById({node_id}).widgets.find(w => w.name === {widget!r});
              w.value = {json.dumps(value)};
              w.callback?.(w.value);
            }})()"""
        )

    choose("canvas", vertical)
    shown = _widgets(page, node_id)
    assert (shown["width"], shown["height"]) == (1080, 1920), shown
    choose("width", 720)
    assert _widgets(page, node_id)["canvas"] == "custom"
    assert not page.pack_errors, page.pack_errors


def test_the_node_search_finds_export_by_what_people_type(page):
    page.evaluate("app.canvas.deselectAll?.()")
    box = page.locator("canvas#graph-canvas").bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.8)
    search = page.locator(".comfy-vue-node-search-container input, .p-autocomplete-input").first
    search.wait_for(timeout=15_000)
    search.fill("export video")
    options = page.locator(".p-autocomplete-option, .p-autocomplete-item, [role=option]")
    try:  # the results come after the search box's debounce, later on a busy machine
        options.filter(has_text="KijkoCut").first.wait_for(timeout=15_000)
    finally:
        shown = options.all_inner_texts()
        page.keyboard.press("Escape")
    assert any("KijkoCut" in text and "Export" in text for text in shown[:5]), shown[:8]


def test_an_example_workflow_runs_from_the_page_and_export_shows_its_loudness(page, host):
    workflow = json.loads((EXAMPLES / "edit_three_clips.json").read_text())
    export_id = next(n["id"] for n in workflow["nodes"] if n["type"] == "KijkoCut.ExportTimeline")
    page.evaluate(f"app.loadGraphData({json.dumps(workflow)})")
    page.evaluate("app.queuePrompt(0, 1)")
    page.wait_for_function(
        f"""(() => {{
          const w = app.graph.getNodeById({export_id})?.widgets?.find(w => w.name === 'kijkocut_result');
          return w && /LUFS/.test(w.value);
        }})()""",
        timeout=300_000,
    )
    shown = _widgets(page, export_id)["kijkocut_result"]
    assert "LUFS" in shown and "dBTP" in shown, shown
    # a report, not an input: it is not saved with the workflow
    saved = page.evaluate(f"app.graph.serialize().nodes.find(n => n.id === {export_id}).widgets_values")
    assert not any(isinstance(v, str) and "LUFS" in v for v in saved), saved
    assert not page.pack_errors, page.pack_errors
    outputs = list(host.output_dir.rglob("*.mp4"))
    assert outputs, "the export wrote no video"
