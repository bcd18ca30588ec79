// node --test: where playback's sound goes on the audio clock (web/panel/playback_audio.js) at J/L speeds.
import assert from "node:assert/strict";
import { test } from "node:test";

import { heard, placement, playedAt } from "../../web/panel/playback_audio.js";

test("normal speed and forward shuttling up to 4x are heard; reverse, pause and 8x are not", () => {
  assert.deepEqual([1, 2, 4].map(heard), [true, true, true]);
  assert.deepEqual([-1, -2, 0, 8].map(heard), [false, false, false, false]);
});

test("a piece is placed where the timeline reaches it at the session's speed", () => {
  const session = { began: 10, position: 3, rate: 2 };
  // Timeline 4 s is 1 s of timeline after the start: half a second of listening at 2x.
  assert.deepEqual(placement(session, 4, 10), { when: 10.5, offset: 0 });
  assert.deepEqual(placement({ ...session, rate: 1 }, 4, 10), { when: 11, offset: 0 });
  assert.deepEqual(placement({ ...session, rate: 4 }, 8, 10), { when: 11.25, offset: 0 });
});

test("a piece that arrives late starts part-way in, by the timeline seconds already played", () => {
  const session = { began: 10, position: 0, rate: 2 };
  // At clock 11 the timeline is at 2 s; the piece from 0 s is started now, 2 s into it.
  assert.deepEqual(placement(session, 0, 11), { when: 11, offset: 2 });
  assert.equal(playedAt(session, 11), 2);
  assert.equal(playedAt({ ...session, rate: 4 }, 10.5), 2);
});
