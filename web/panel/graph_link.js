// The panel and the graph: which stored project a node names (selecting it opens that project in the panel), and
// "Use in graph", which puts a Load Panel Project node for the panel's project into the graph, wired to the
// Render/Export nodes that wait for a timeline (or to a new Export Video node when none does). The graph is
// handed in (ComfyUI's `app` and LiteGraph), so this module imports nothing.
export const LOADER_TYPE = "KijkoCut.LoadPanelProject";
export const TIMELINE_USERS = ["KijkoCut.RenderTimeline", "KijkoCut.ExportTimeline"];
const EXPORT_TYPE = "KijkoCut.ExportTimeline";
const GAP = 60; // px between the loader and the node it feeds

// The project a KijkoCut node names in its `project` widget, or null.
export function projectOfNode(node) {
  if (!String(node?.comfyClass ?? node?.type ?? "").startsWith("KijkoCut.")) return null;
  const value = node.widgets?.find((w) => w.name === "project")?.value;
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

function nodesOf(graph) {
  return graph?.nodes ?? graph?._nodes ?? [];
}

function typeOf(node) {
  return node.comfyClass ?? node.type;
}

function freeTimelineInput(node) {
  const index = node.inputs?.findIndex((input) => input.name === "timeline") ?? -1;
  return index >= 0 && node.inputs[index].link == null ? index : -1;
}

export class GraphLink {
  // `liteGraph`: a function giving LiteGraph (read when a node is added: the frontend sets it up after import)
  constructor(app, liteGraph = () => globalThis.LiteGraph) {
    this.app = app;
    this.getLiteGraph = liteGraph;
  }

  get liteGraph() {
    return this.getLiteGraph();
  }

  get graph() {
    return this.app.canvas?.graph ?? this.app.graph;
  }

  // The loader node for `projectId`: the one already in the graph (selected and centred), else a new one wired
  // to every Render/Export node with a free timeline input. Returns { node, created, wired }.
  useInGraph(projectId) {
    const graph = this.graph;
    if (!graph || !this.liteGraph) throw new Error("no graph to add the node to");
    const existing = nodesOf(graph).find((n) => typeOf(n) === LOADER_TYPE && projectOfNode(n) === projectId);
    if (existing) {
      this.reveal(existing);
      return { node: existing, created: false, wired: [] };
    }
    const loader = this.liteGraph.createNode(LOADER_TYPE);
    if (!loader) throw new Error(`${LOADER_TYPE} is not registered (is the pack's stored_project module loaded?)`);
    const widget = loader.widgets?.find((w) => w.name === "project");
    if (widget) widget.value = projectId;
    let targets = nodesOf(graph).filter((n) => TIMELINE_USERS.includes(typeOf(n)) && freeTimelineInput(n) >= 0);
    const [x, y] = this.centre();
    if (targets.length) {
      const first = targets[0];
      loader.pos = [first.pos[0] - loader.size[0] - GAP, first.pos[1]];
      graph.add(loader);
    } else {
      loader.pos = [x - loader.size[0] - GAP / 2, y];
      graph.add(loader);
      const exporter = this.liteGraph.createNode(EXPORT_TYPE);
      if (exporter) {
        exporter.pos = [x + GAP / 2, y];
        graph.add(exporter);
        targets = [exporter];
      }
    }
    for (const target of targets) loader.connect(0, target, freeTimelineInput(target));
    this.reveal(loader);
    return { node: loader, created: true, wired: targets };
  }

  // Where a new node goes: across the middle, a quarter down the visible graph (the bottom panel, where the
  // button was clicked, covers its lower part).
  centre() {
    const area = this.app.canvas?.visible_area ?? this.app.canvas?.ds?.visible_area;
    return area ? [area[0] + area[2] / 2, area[1] + area[3] / 4] : [0, 0];
  }

  reveal(node) {
    const canvas = this.app.canvas;
    canvas?.selectNode?.(node);
    canvas?.setDirty?.(true, true);
  }
}
