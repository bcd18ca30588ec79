// KijkoCut nodes in the graph editor. New Timeline's width and height show the chosen canvas preset's size
// (typing another size switches the canvas to 'custom'), so the widgets never show a size the node ignores.
// Nodes that report text (Export Video's loudness and true peak, Save Timeline, Timeline Info) show it on the
// node: ComfyUI's frontend shows `ui.text` only on its own Preview Any node.
import { app } from "../../../scripts/app.js";
import { canvasAfterSizeEdit, resultText, sizeForCanvas } from "./widget_rules.js";

const PACK_PREFIX = "KijkoCut.";
const RESULT_WIDGET = "kijkocut_result";

function widgetNamed(node, name) {
  return node.widgets?.find((widget) => widget.name === name);
}

// Runs `after` once the method the frontend (or another extension) put there has run.
function chainMethod(target, method, after) {
  const original = target[method];
  target[method] = function (...args) {
    const result = original?.apply(this, args);
    after.apply(this, args);
    return result;
  };
}

function showCanvasSize(node) {
  const [canvas, width, height] = ["canvas", "width", "height"].map((name) => widgetNamed(node, name));
  const size = canvas && width && height ? sizeForCanvas(canvas.value) : null;
  if (!size) return;
  [width.value, height.value] = size;
  node.setDirtyCanvas?.(true, true);
}

function bindCanvasSize(node) {
  const [canvas, width, height] = ["canvas", "width", "height"].map((name) => widgetNamed(node, name));
  if (!canvas || !width || !height) return;
  chainMethod(canvas, "callback", () => showCanvasSize(node));
  for (const size of [width, height]) {
    chainMethod(size, "callback", () => {
      canvas.value = canvasAfterSizeEdit(canvas.value, width.value, height.value);
    });
  }
}

function showResult(node, message) {
  const text = resultText(message);
  if (text === null) return;
  let shown = widgetNamed(node, RESULT_WIDGET);
  if (!shown) {
    const area = document.createElement("textarea");
    area.readOnly = true;
    area.rows = 3;
    area.style.cssText = "width: 100%; font-size: 11px; resize: none; opacity: 0.85;";
    shown = node.addDOMWidget(RESULT_WIDGET, "kijkocut_result", area, {
      serialize: false, // a report, not an input: never saved in the workflow nor sent with the prompt
      getValue: () => area.value,
      setValue: (value) => { area.value = value; },
    });
    shown.serialize = false;
    const needed = node.computeSize?.();
    if (needed) node.setSize?.([Math.max(node.size[0], needed[0]), Math.max(node.size[1], needed[1])]);
  }
  shown.value = text;
  node.setDirtyCanvas?.(true, true);
}

app.registerExtension({
  name: "KijkoCut.NodeWidgets",
  async beforeRegisterNodeDef(nodeType, nodeData) {
    if (!nodeData?.name?.startsWith(PACK_PREFIX)) return;
    chainMethod(nodeType.prototype, "onExecuted", function (message) { showResult(this, message); });
    if (nodeData.name === "KijkoCut.NewTimeline") {
      chainMethod(nodeType.prototype, "onNodeCreated", function () {
        bindCanvasSize(this);
        showCanvasSize(this);
      });
      // A loaded workflow's values arrive after creation.
      chainMethod(nodeType.prototype, "onConfigure", function () { showCanvasSize(this); });
    }
  },
});
