// node --test: the Timeline panel's pure modules (web/panel/timeline_math.js, web/panel/frame_cache.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import * as tm from "../../web/panel/timeline_math.js";
import { LatestFrameLoader, LruCache } from "../../web/panel/frame_cache.js";

test("rational times and the frame grid", () => {
  assert.equal(tm.parseTime("3/2"), 1.5);
  assert.equal(tm.parseTime("12"), 12);
  assert.equal(tm.fps("30000/1001").toFixed(3), "29.970");
  assert.equal(tm.frameAt(1 / 30 * 30, "30"), 30); // no frame lost to 0.9999…
  assert.equal(tm.frameAt(1.0166, "30"), 30);
  assert.equal(tm.nearestFrame(1.02, "25"), 26);
  assert.equal(tm.frameToken(41.6), "f42");
  assert.equal(tm.frameTime(30, "30000/1001"), "30030/30000");
  assert.equal(tm.frameTime(31, "30"), "31/30");
  assert.throws(() => tm.fps("0"), /not a frame rate/);
});

test("timecode", () => {
  assert.equal(tm.timecode(0, "25"), "00:00:00:00");
  assert.equal(tm.timecode(61.5, "24"), "00:01:01:12");
  assert.equal(tm.timecode(3600 + 1 / 30, "30"), "01:00:00:01");
});

test("zoom keeps the anchor and stays between 1 s and 1 h across the width", () => {
  const view = { pxPerSecond: 100, scroll: 10 };
  const zoomed = tm.zoomAt(view, 2, 300, 1000);
  assert.equal(zoomed.pxPerSecond, 200);
  assert.ok(Math.abs(tm.timeOfX(zoomed, 300) - tm.timeOfX(view, 300)) < 1e-9);
  assert.equal(tm.zoomAt(view, 1e6, 0, 1000).pxPerSecond, 1000); // 1 s across 1000 px
  assert.equal(tm.zoomAt(view, 1e-6, 0, 1000).pxPerSecond, 1000 / 3600);
  const fit = tm.fitView(20, 1050);
  assert.equal(fit.scroll, 0);
  assert.ok(tm.xOfTime(fit, 20) <= 1050 && tm.xOfTime(fit, 20) > 900);
  assert.equal(tm.scrollBy({ pxPerSecond: 10, scroll: 1 }, -100).scroll, 0);
});

test("ruler ticks are spaced for labels and cover the view", () => {
  const { step, ticks } = tm.rulerTicks({ pxPerSecond: 50, scroll: 3.2 }, 500);
  assert.equal(step, 2);
  assert.ok(ticks[0].seconds <= 3.2 && ticks.at(-1).seconds >= 3.2 + 10);
  assert.equal(tm.rulerStep(1000 / 3600), 300); // 1 h across 1000 px: 5 min labels 83 px apart
});

const tracks = [
  { id: "v1", kind: "video", elements: [
    { id: "a", start: "0", duration: "2" },
    { id: "b", start: "2", duration: "3" },
    { id: "c", start: "100", duration: "1" },
  ] },
  { id: "a1", kind: "audio", elements: [{ id: "m", start: "1/2", duration: "4" }] },
];

test("layout, visibility and hit testing", () => {
  const rows = tm.layoutTracks(tracks, { a1: 30 });
  // the last track (drawn over the others) at the top, as editors show the stack
  assert.equal(rows[1].y, tm.RULER_HEIGHT);
  assert.equal(rows[1].height, 30);
  assert.equal(rows[0].y, tm.RULER_HEIGHT + 30 + tm.TRACK_GAP);
  const view = { pxPerSecond: 100, scroll: 0 };
  assert.deepEqual(tm.visibleElements(tracks[0].elements, view, 600).map((e) => e.id), ["a", "b"]);
  assert.deepEqual(tm.visibleElements(tracks[0].elements, { pxPerSecond: 100, scroll: 99 }, 600).map((e) => e.id), ["c"]);
  const y = rows[0].y + 10;
  assert.equal(tm.hitTest(rows, view, 50, y).part, "body");
  assert.equal(tm.hitTest(rows, view, 50, y).element.id, "a");
  assert.equal(tm.hitTest(rows, view, 3, y).part, "start");
  assert.equal(tm.hitTest(rows, view, 498, y).part, "end");
  assert.equal(tm.hitTest(rows, view, 498, y).element.id, "b");
  assert.equal(tm.hitTest(rows, view, 700, y).element, null);
  assert.equal(tm.hitTest(rows, view, 50, 5), null); // the ruler
  assert.equal(tm.cutNear(rows[0], view, 205).to.id, "b");
  assert.equal(tm.cutNear(rows[0], view, 260), null);
});

test("snapping to edges, the playhead and markers, not to the dragged clip", () => {
  const targets = tm.snapTargets(tracks, 7, [{ time: "9" }], new Set(["b"]));
  assert.ok(!targets.some((t) => t.seconds === 5));
  const toEdge = tm.snap([2.04], targets, 100);
  assert.equal(toEdge.guide, 2);
  assert.ok(Math.abs(toEdge.shift + 0.04) < 1e-9);
  assert.equal(tm.snap([6.97, 8.95], targets, 100).kind, "playhead"); // 3 px beats the marker 5 px away
  assert.equal(tm.snap([8.97], targets, 100).kind, "marker");
  assert.equal(tm.snap([3.5], targets, 100).guide, null);
});

test("a drag becomes a move or a trim in whole frames", () => {
  const drag = { element: tracks[0].elements[1], part: "body", trackId: "v1" };
  assert.deepEqual(tm.dragEdit(drag, 1.01, "25"), { action: "move_element", params: { element_id: "b", start: "f75" } });
  assert.equal(tm.dragEdit(drag, 0.001, "25"), null);
  assert.deepEqual(tm.dragEdit(drag, 0, "25", "v2").params, { element_id: "b", start: "f50", track_id: "v2" });
  assert.deepEqual(tm.dragEdit({ ...drag, part: "end" }, -1, "30").params, { element_id: "b", edge: "end", to: "f120" });
  assert.deepEqual(tm.dragEdit({ ...drag, part: "start" }, -9, "30").params.to, "f0");
  assert.equal(tm.dragEdit(drag, 1, "25", "v1", { insert: true }).params.mode, "insert");
  assert.equal(tm.dragEdit({ ...drag, part: "end" }, 1, "25", "v1", { insert: true }).params.mode, undefined);
});

test("project presets and duration", () => {
  assert.deepEqual(tm.projectSettings("9:16", 25), { width: 1080, height: 1920, frame_rate: "25" });
  assert.throws(() => tm.projectSettings("4:3", 25), /unknown canvas preset/);
  assert.throws(() => tm.projectSettings("1:1", 29), /unknown frame rate/);
  assert.equal(tm.projectDuration({ tracks }), 101);
});

test("the frame cache is capped and evicts the least recently used", () => {
  const evicted = [];
  const cache = new LruCache(2, (value) => evicted.push(value));
  cache.set("a", 1); cache.set("b", 2); cache.get("a"); cache.set("c", 3);
  assert.deepEqual(evicted, [2]);
  assert.equal(cache.size, 2);
  cache.delete("a");
  assert.deepEqual(evicted, [2, 1]);
  assert.equal(cache.get("a"), undefined);
  cache.clear();
  assert.deepEqual(evicted, [2, 1, 3]);
});

test("the loader aborts stale requests and serves repeats from the cache", async () => {
  const pending = new Map();
  let loads = 0;
  const loader = new LatestFrameLoader((key, signal) => {
    loads += 1;
    return new Promise((resolve, reject) => {
      pending.set(key, resolve);
      signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
    });
  }, 4);
  const first = loader.show("f1");
  const second = loader.show("f2");
  assert.equal(await first, null); // superseded
  pending.get("f2")("frame-2");
  assert.equal(await second, "frame-2");
  assert.equal(await loader.show("f2"), "frame-2");
  assert.equal(loads, 2);
  assert.deepEqual(loader.stats, { hits: 1, loads: 2, aborted: 1 });
});

test("a dragged track header lands on the row under the pointer, clamped to the first and last", () => {
  const rows = tm.layoutTracks([{ id: "a", kind: "video" }, { id: "b", kind: "video" }, { id: "c", kind: "audio" }]);
  const middle = (r) => r.y + r.height / 2;
  assert.equal(tm.trackDrop(rows, 0, middle(rows[0])), null); // still over itself: no edit
  // track 2 is the top row: dropping track 0 there draws the line above it, and back again below row 0
  assert.deepEqual(tm.trackDrop(rows, 0, middle(rows[2])), { index: 2, lineY: rows[2].y });
  assert.deepEqual(tm.trackDrop(rows, 2, middle(rows[0])), { index: 0, lineY: rows[0].y + rows[0].height });
  assert.equal(tm.trackDrop(rows, 0, -50).index, 2); // above the tracks: the top of the stack
  assert.equal(tm.trackDrop(rows, 2, 10_000).index, 0); // below them: the bottom layer
  assert.equal(tm.trackDrop([], 0, 10), null);
});

test("a slip drag moves the in-point against the drag, by the clip's speed, inside the media", () => {
  const clip = { id: "c", start: "2", duration: "1", source_in: "1/2", speed: 1 };
  assert.deepEqual(tm.slipEdit(clip, -1, "30", 3), {
    action: "slip_element",
    params: { element_id: "c", source_in: "f45" }, // dragged left 1 s: 1 s later in the media
    frame: 45,
  });
  assert.equal(tm.slipEdit(clip, 0.5, "30", 3).params.source_in, "f0"); // right: earlier
  assert.equal(tm.slipEdit(clip, 5, "30", 3).params.source_in, "f0"); // not before the media's start
  assert.equal(tm.slipEdit(clip, -9, "30", 3).params.source_in, "f60"); // nor past its end (3 s - 1 s used)
  assert.equal(tm.slipEdit({ ...clip, speed: 2 }, -0.5, "30", 4).params.source_in, "f45"); // 2x: 1 s of media
  assert.equal(tm.slipEdit(clip, 0.01, "30", 3), null); // same frame: no edit
  assert.equal(tm.slipEdit(clip, -20, "30", null).params.source_in, "f615"); // length unknown: the server checks
});

test("a marker is hit by its triangle at the foot of the ruler, the nearest one first", () => {
  const view = { pxPerSecond: 100, scroll: 0 };
  const markers = [{ id: "a", time: "1" }, { id: "b", time: "21/20" }];
  const foot = tm.RULER_HEIGHT - 4;
  assert.equal(tm.markerAt(markers, view, 99, foot).id, "a");
  assert.equal(tm.markerAt(markers, view, 104, foot).id, "b"); // 105 px is nearer than 100
  assert.equal(tm.markerAt(markers, view, 120, foot), null);
  assert.equal(tm.markerAt(markers, view, 100, 2), null); // the ruler's timecode row scrubs instead
  assert.equal(tm.markerAt(markers, view, 100, tm.RULER_HEIGHT + 1), null);
  assert.equal(tm.markerAt(undefined, view, 100, foot), null);
});

test("several selected elements move together, the one ahead first, the earliest stopping at 0", () => {
  const a = { id: "a", start: "1", duration: "1" };
  const b = { id: "b", start: "2", duration: "1" };
  const c = { id: "c", start: "5/2", duration: "1" };
  const right = tm.groupMoveEdits([a, b, c], 0.5, "30");
  assert.deepEqual(right.map((m) => [m.params.element_id, m.params.start]), [["c", "f90"], ["b", "f75"], ["a", "f45"]]);
  assert.ok(right.every((m) => m.name === "move_element"));
  const left = tm.groupMoveEdits([b, a], -3, "30"); // a would pass 0: the group stops there
  assert.deepEqual(left.map((m) => [m.params.element_id, m.params.start]), [["a", "f0"], ["b", "f30"]]);
  assert.deepEqual(tm.groupMoveEdits([a, b], 0.01, "30"), []); // under half a frame: the same frames
  assert.deepEqual(tm.groupMoveEdits([], 1, "30"), []);
});
