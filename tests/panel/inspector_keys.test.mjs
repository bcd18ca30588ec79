// node --test: the inspector's keyframe lists (web/panel/inspector.js), as set_keyframes receives them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { KEYFRAMED, keyAt, withKeyframe, withoutKeyframe } from "../../web/panel/inspector.js";

const keys = [
  { time: "0", value: 1, interpolation: "linear" },
  { time: "3/2", value: 0.2, interpolation: "bezier", bezier: [0.4, 0, 0.2, 1] },
];

test("a key is found within half a frame of the playhead", () => {
  assert.equal(keyAt(keys, 1.5, "30"), 1);
  assert.equal(keyAt(keys, 1.5 + 0.4 / 30, "30"), 1);
  assert.equal(keyAt(keys, 1.5 + 0.6 / 30, "30"), -1);
  assert.equal(keyAt(undefined, 0, "30"), -1);
});

test("adding a key at the playhead inserts it in time order on the frame grid, keeping the others whole", () => {
  const next = withKeyframe(keys, 0.5, "0.7", "30");
  assert.deepEqual(next, [
    { time: "0", value: 1, interpolation: "linear" },
    { time: "f15", value: 0.7, interpolation: "linear" },
    { time: "3/2", value: 0.2, interpolation: "bezier", bezier: [0.4, 0, 0.2, 1] },
  ]);
  assert.deepEqual(withKeyframe([], 2, 5, "25"), [{ time: "f50", value: 5, interpolation: "linear" }]);
});

test("a key set where one is replaces it (keeping its interpolation); removal drops only that one", () => {
  const next = withKeyframe(keys, 1.5, 0.9, "30");
  assert.equal(next.length, 2);
  assert.deepEqual(next[1], { time: "f45", value: 0.9, interpolation: "bezier", bezier: [0.4, 0, 0.2, 1] });
  assert.deepEqual(withoutKeyframe(keys, 0), [{ time: "3/2", value: 0.2, interpolation: "bezier", bezier: [0.4, 0, 0.2, 1] }]);
  assert.ok(KEYFRAMED.has("transform.opacity") && !KEYFRAMED.has("gain_db"));
});
