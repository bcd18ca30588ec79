// node --test: keyframed values in the panel (web/panel/keyframes.js); test_panel_keyframes.py compares them with
// the engine's at every frame of many curves.
import assert from "node:assert/strict";
import { test } from "node:test";

import { cubicBezier, valueAt } from "../../web/panel/keyframes.js";

test("constant before the first key and after the last; nothing without keys", () => {
  const keys = [
    { time: "3", value: 10 },
    { time: "1", value: 2 },
  ];
  assert.equal(valueAt(keys, 0), 2);
  assert.equal(valueAt(keys, 1), 2);
  assert.equal(valueAt(keys, 3), 10);
  assert.equal(valueAt(keys, 9), 10);
  assert.equal(valueAt([], 1), null);
  assert.equal(valueAt(undefined, 1), null);
});

test("linear halfway is the mean; hold keeps the earlier key until the next one's frame", () => {
  assert.equal(valueAt([{ time: "0", value: 1 }, { time: "2", value: 0 }], 1), 0.5);
  const held = [
    { time: "0", value: 1, interpolation: "hold" },
    { time: "1001/30000", value: 5 },
  ];
  assert.equal(valueAt(held, 1001 / 30000 - 1 / 30000), 1);
  assert.equal(valueAt(held, 1001 / 30000), 5); // a double of the key's time is that key
});

test("an ease starts slower than linear and ends on the next key; a bézier without a curve is linear", () => {
  const eased = [
    { time: "0", value: 0, interpolation: "ease_in" },
    { time: "1", value: 100 },
  ];
  assert.ok(valueAt(eased, 0.25) < 25);
  assert.ok(Math.abs(valueAt(eased, 1 - 1e-12) - 100) < 1e-6);
  assert.equal(valueAt([{ time: "0", value: 0, interpolation: "bezier" }, { time: "1", value: 8 }], 0.25), 2);
  assert.equal(cubicBezier(0.42, 0, 0.58, 1, 0.5).toFixed(6), "0.500000"); // symmetric curve: halfway
});
