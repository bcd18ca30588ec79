"""The pack's graph-editor extension (web/nodes/) run under Node.js against a stand-in of the frontend's
app and LiteGraph node objects: New Timeline's width and height follow the canvas preset and an edited size
makes the canvas custom; a node's reported text (Export Video's loudness) is shown on it and never saved.
Skipped when Node.js is not installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web" / "nodes"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

# The frontend serves extensions under /extensions/<pack>/ and its own modules under /scripts/.
APP_STUB = "export const app = { registerExtension(extension) { globalThis.registered.push(extension); } };\n"
SCENARIO = r"""
globalThis.registered = [];
globalThis.document = { createElement: (tag) => ({ tag, style: {}, value: "" }) };
await import("./extensions/kijkocut/nodes/extension.js");
const [extension] = registered;

function widget(name, value) { return { name, value, callback: undefined }; }
class FakeNode {
  constructor(widgets) { this.widgets = widgets; this.size = [300, 200]; }
  computeSize() { return [320, 260]; }
  setSize(size) { this.size = size; }
  addDOMWidget(name, type, element, options) {
    const added = { name, type, element, options,
                    get value() { return options.getValue(); }, set value(v) { options.setValue(v); } };
    this.widgets.push(added);
    return added;
  }
}
async function nodeClass(name) {
  class Type extends FakeNode {}
  await extension.beforeRegisterNodeDef(Type, { name });
  return Type;
}

const report = { name: extension.name };
const NewTimeline = await nodeClass("KijkoCut.NewTimeline");
const timeline = new NewTimeline([widget("canvas", "1080x1920 (vertical: TikTok, Reels, Shorts)"),
                                  widget("width", 1920), widget("height", 1080)]);
timeline.onNodeCreated();
const [canvas, width, height] = timeline.widgets;
report.created = [width.value, height.value];
canvas.value = "1080x1080 (square)"; canvas.callback(canvas.value);
report.after_preset = [width.value, height.value];
width.value = 1000; width.callback(1000);
report.after_width_edit = [canvas.value, width.value, height.value];
canvas.value = "1280x720 (landscape 720p)"; width.value = 1280; height.value = 720; height.callback(720);
report.same_size_keeps_preset = canvas.value;
canvas.value = "3840x2160 (landscape 4K)"; width.value = 1; timeline.onConfigure({});
report.loaded = [width.value, height.value];

const Export = await nodeClass("KijkoCut.ExportTimeline");
const exporter = new Export([widget("preset", "default")]);
exporter.onExecuted({ images: [{}], text: ["60 frames, 2.0 s, 160x90; audio -14.0 LUFS, true peak -1.2 dBTP"] });
exporter.onExecuted({ images: [{}], text: ["30 frames, 1.0 s, 160x90; audio -16.0 LUFS, true peak -2.0 dBTP"] });
const shown = exporter.widgets.filter((w) => w.name === "kijkocut_result");
report.result = { count: shown.length, value: shown[0].value, serialize: shown[0].serialize,
                  option_serialize: shown[0].options.serialize, read_only: shown[0].element.readOnly,
                  size: exporter.size };
const Core = class extends FakeNode {};
await extension.beforeRegisterNodeDef(Core, { name: "SaveImage" });
report.core_untouched = Core.prototype.onExecuted === undefined;
console.log(JSON.stringify(report));
"""


@pytest.fixture
def run_scenario(tmp_path):
    def run() -> dict:
        (tmp_path / "package.json").write_text('{"type": "module"}')
        (tmp_path / "scripts").mkdir()
        (tmp_path / "scripts" / "app.js").write_text(APP_STUB)
        shutil.copytree(WEB, tmp_path / "extensions" / "kijkocut" / "nodes")
        (tmp_path / "scenario.js").write_text(SCENARIO)
        result = subprocess.run(
            [NODE, "scenario.js"], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run


def test_new_timeline_widgets_show_the_size_the_canvas_gives(run_scenario):
    report = run_scenario()
    assert report["name"] == "KijkoCut.NodeWidgets"
    assert report["created"] == [1080, 1920]  # the preset's size, not the width/height defaults
    assert report["after_preset"] == [1080, 1080]
    assert report["after_width_edit"] == ["custom", 1000, 1080]
    assert report["same_size_keeps_preset"] == "1280x720 (landscape 720p)"
    assert report["loaded"] == [3840, 2160]


def test_reported_text_is_shown_on_the_node_and_never_saved(run_scenario):
    result = run_scenario()["result"]
    assert result["count"] == 1  # a second run updates the same widget
    assert result["value"] == "30 frames, 1.0 s, 160x90\naudio -16.0 LUFS, true peak -2.0 dBTP"
    assert (
        result["serialize"] is False and result["option_serialize"] is False and result["read_only"] is True
    )
    assert result["size"] == [320, 260]


def test_other_packs_nodes_are_left_alone(run_scenario):
    assert run_scenario()["core_untouched"] is True


def test_the_extension_imports_only_the_frontend_app():
    imports = [line for line in (WEB / "extension.js").read_text().splitlines() if line.startswith("import ")]
    assert imports == [
        'import { app } from "../../../scripts/app.js";',
        'import { canvasAfterSizeEdit, resultText, sizeForCanvas } from "./widget_rules.js";',
    ]
