// Registers the Timeline panel with ComfyUI's frontend: a bottom-panel tab, a command and a menu entry that open
// it, and its settings (default zoom, snapping, preview quality). Project changes pushed by the server as
// `kijkocut.change` (nodes/api_host.py) redraw the open project.
import { api } from "../../../scripts/api.js";
import { app } from "../../../scripts/app.js";
import { GraphLink, projectOfNode } from "./graph_link.js";
import { PREVIEW_WIDTHS, TimelinePanel } from "./timeline_panel.js";

const TAB_ID = "kijkocut-timeline";
const OPEN_COMMAND = "KijkoCut.OpenTimeline";
const OPEN_ON_SELECT = "KijkoCut.Timeline.OpenOnNodeSelect";

function setting(id, fallback) {
  const value = app.extensionManager?.setting?.get?.(id);
  return value === undefined || value === null ? fallback : value;
}

const graph = new GraphLink(app);
const panel = new TimelinePanel(api, setting, graph);

// The bottom panel shown on the Timeline tab (the frontend's bottom panel store: toggling a tab that is not the
// one shown opens the panel on it).
function showTimeline() {
  const bottom = app.extensionManager?.bottomPanel;
  if (!bottom) return;
  const shown = bottom.bottomPanelVisible && bottom.activeBottomPanelTabId === TAB_ID;
  if (!shown) bottom.toggleBottomPanelTab(TAB_ID);
}

function openTimeline() {
  showTimeline();
  requestAnimationFrame(() => panel.root?.focus({ preventScroll: true }));
}

// A timeline node selected in the graph: its project opens in the panel, and a closed bottom panel opens on the
// Timeline tab (unless the setting says no). One showing another tab (the logs) is left as it is, and the focus
// stays in the graph, so ComfyUI's shortcuts keep working there.
function timelineNodeSelected(project) {
  panel.openFromGraph(project); // before the tab mounts: a panel not built yet opens it once it is
  if (!setting(OPEN_ON_SELECT, true)) return;
  if (!app.extensionManager?.bottomPanel?.bottomPanelVisible) showTimeline();
}

app.registerExtension({
  name: "KijkoCut.TimelinePanel",
  bottomPanelTabs: [
    {
      id: TAB_ID,
      title: "Timeline",
      type: "custom",
      render: (el) => panel.mount(el),
      destroy: () => panel.unmount(),
    },
  ],
  commands: [{ id: OPEN_COMMAND, label: "Open the KijkoCut Timeline", icon: "pi pi-video", function: openTimeline }],
  menuCommands: [{ path: ["KijkoCut"], commands: [OPEN_COMMAND] }],
  settings: [
    {
      id: "KijkoCut.Timeline.DefaultZoom",
      category: ["KijkoCut", "Timeline", "Default zoom"],
      name: "Seconds shown across the timeline when a long project opens",
      type: "number",
      defaultValue: 30,
      attrs: { min: 1, max: 3600, step: 1 },
    },
    {
      id: "KijkoCut.Timeline.Snapping",
      category: ["KijkoCut", "Timeline", "Snapping"],
      name: "Snap to clip edges, the playhead and markers",
      type: "boolean",
      defaultValue: true,
    },
    {
      id: "KijkoCut.Timeline.PreviewQuality",
      category: ["KijkoCut", "Timeline", "Preview quality"],
      name: "Preview frame size while scrubbing",
      type: "combo",
      options: Object.keys(PREVIEW_WIDTHS),
      defaultValue: "360p",
    },
    {
      id: OPEN_ON_SELECT,
      category: ["KijkoCut", "Timeline", "Open on node select"],
      name: "Open the Timeline panel when a timeline node is selected",
      type: "boolean",
      defaultValue: true,
    },
  ],
  // Selecting a node that names a stored project (Load Panel Project) opens that project in the panel.
  nodeCreated(node) {
    if (!String(node.comfyClass ?? "").startsWith("KijkoCut.")) return;
    const selected = node.onSelected;
    node.onSelected = function (...args) {
      const project = projectOfNode(this);
      if (project) timelineNodeSelected(project);
      return selected?.apply(this, args);
    };
  },
  setup() {
    api.addEventListener("kijkocut.change", (event) => panel.onChange(event.detail));
    // A node that finished may have written images, video or audio: the bin shows them without a click.
    api.addEventListener("executed", () => panel.root && panel.bin.refresh());
  },
});
