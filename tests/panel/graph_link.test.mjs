// node --test: "Use in graph" and the project a selected node names, over a small stand-in for LiteGraph's graph
// (nodes with widgets, inputs holding a link id, connect(outSlot, target, inSlot)).
import assert from "node:assert/strict";
import { test } from "node:test";

import { GraphLink, LOADER_TYPE, projectOfNode } from "../../web/panel/graph_link.js";

class FakeNode {
  constructor(type, inputs = [], widgets = []) {
    this.comfyClass = type;
    this.title = type.split(".")[1];
    this.pos = [0, 0];
    this.size = [200, 80];
    this.inputs = inputs.map((name) => ({ name, link: null }));
    this.widgets = widgets.map((name) => ({ name, value: "" }));
    this.links = [];
  }
  connect(slot, target, targetSlot) {
    assert.ok(targetSlot >= 0, "connected to a real input");
    target.inputs[targetSlot].link = this.links.length + 1;
    this.links.push([slot, target, targetSlot]);
  }
}

function fakeApp(nodes = []) {
  const graph = { nodes, add: (node) => nodes.push(node) };
  const canvas = { graph, visible_area: [100, 200, 1000, 600], selected: null, selectNode(n) { this.selected = n; }, setDirty() {} };
  const liteGraph = {
    createNode(type) {
      if (type === LOADER_TYPE) return new FakeNode(type, [], ["project"]);
      if (type === "KijkoCut.ExportTimeline") return new FakeNode(type, ["timeline"], ["filename"]);
      return null;
    },
  };
  return { app: { canvas, graph }, link: new GraphLink({ canvas, graph }, () => liteGraph), nodes };
}

test("a new loader feeds every Render/Export node whose timeline input is free, placed left of the first", () => {
  const render = new FakeNode("KijkoCut.RenderTimeline", ["timeline"]);
  render.pos = [800, 300];
  const busy = new FakeNode("KijkoCut.ExportTimeline", ["timeline"]);
  busy.inputs[0].link = 7;
  const exporter = new FakeNode("KijkoCut.ExportTimeline", ["timeline"]);
  const { app, link, nodes } = fakeApp([render, busy, exporter]);
  const { node, created, wired } = link.useInGraph("prj_a");
  assert.equal(created, true);
  assert.equal(node.widgets[0].value, "prj_a");
  assert.deepEqual(wired, [render, exporter]);
  assert.equal(busy.inputs[0].link, 7); // an existing link is left alone
  assert.deepEqual(node.pos, [800 - 200 - 60, 300]);
  assert.equal(nodes.length, 4);
  assert.equal(app.canvas.selected, node);
});

test("with nothing to feed, an Export Video node is added beside it and wired", () => {
  const { link, nodes } = fakeApp([new FakeNode("KijkoCut.TimelineInfo", ["timeline"])]);
  const { node, wired } = link.useInGraph("prj_b");
  assert.equal(wired.length, 1);
  assert.equal(wired[0].comfyClass, "KijkoCut.ExportTimeline");
  assert.deepEqual(node.links, [[0, wired[0], 0]]);
  assert.ok(node.pos[0] < wired[0].pos[0], "the loader sits left of what it feeds");
  assert.equal(nodes.length, 3); // TimelineInfo (not a render node) was not wired
});

test("the loader of a project already in the graph is selected, not added twice", () => {
  const { app, link, nodes } = fakeApp();
  const first = link.useInGraph("prj_c").node;
  const again = link.useInGraph("prj_c");
  assert.equal(again.created, false);
  assert.equal(again.node, first);
  assert.equal(nodes.length, 2);
  assert.equal(app.canvas.selected, first);
  assert.equal(link.useInGraph("prj_d").created, true); // another project gets its own
});

test("without the node type registered the error says so", () => {
  const link = new GraphLink({ graph: { nodes: [], add() {} } }, () => ({ createNode: () => null }));
  assert.throws(() => link.useInGraph("prj_e"), /KijkoCut.LoadPanelProject is not registered/);
});

test("projectOfNode reads the project widget of KijkoCut nodes only", () => {
  const loader = new FakeNode(LOADER_TYPE, [], ["project"]);
  assert.equal(projectOfNode(loader), null);
  loader.widgets[0].value = "  prj_x ";
  assert.equal(projectOfNode(loader), "prj_x");
  const other = new FakeNode("Other.Node", [], ["project"]);
  other.widgets[0].value = "prj_x";
  assert.equal(projectOfNode(other), null);
  assert.equal(projectOfNode(new FakeNode("KijkoCut.RenderTimeline", ["timeline"])), null);
});
