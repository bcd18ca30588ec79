// node --test: the panel applies the server's entity changes like kijkocut/edit/changes.py does.
import assert from "node:assert/strict";
import { test } from "node:test";

import { applyChanges } from "../../web/panel/project_changes.js";

const base = () => ({
  name: "p",
  revision: 3,
  settings: { frame_rate: "25" },
  media: { m1: { id: "m1" } },
  markers: [{ id: "k1", time: "5" }],
  tracks: [
    { id: "v1", kind: "video", name: "V", muted: false, elements: [{ id: "a", start: "0", duration: "2" }, { id: "b", start: "2", duration: "2" }], transitions: [] },
    { id: "a1", kind: "audio", name: "A", muted: false, elements: [], transitions: [] },
  ],
});

test("element moves, adds and removals keep tracks sorted and leave the input alone", () => {
  const project = base();
  const next = applyChanges(project, [
    { entity: "element", id: "a", track_id: "v1", before: {}, after: { id: "a", start: "9/2", duration: "2" } },
    { entity: "element", id: "b", track_id: "v1", before: {}, after: null },
    { entity: "element", id: "c", track_id: "a1", before: null, after: { id: "c", start: "1", duration: "1" } },
  ]);
  assert.deepEqual(next.tracks[0].elements.map((e) => e.id), ["a"]);
  assert.equal(next.tracks[0].elements[0].start, "9/2");
  assert.deepEqual(next.tracks[1].elements.map((e) => e.id), ["c"]);
  assert.deepEqual(project.tracks[0].elements.map((e) => e.id), ["a", "b"]); // untouched
});

test("an element moved to another track: removed from one, added to the other", () => {
  const next = applyChanges(base(), [
    { entity: "element", id: "b", track_id: "v1", before: {}, after: null },
    { entity: "element", id: "b", track_id: "a1", before: null, after: { id: "b", start: "3", duration: "2" } },
  ]);
  assert.deepEqual(next.tracks.map((t) => t.elements.map((e) => e.id)), [["a"], ["b"]]);
});

test("tracks, order, transitions, markers, media, name and settings", () => {
  const next = applyChanges(base(), [
    { entity: "track", id: "t2", after: { id: "t2", kind: "text", name: "T", muted: false } },
    { entity: "track", id: "a1", before: {}, after: { id: "a1", kind: "audio", name: "A", muted: true } },
    { entity: "transition", id: "x", track_id: "v1", after: { id: "x", from_id: "a", to_id: "b", kind: "crossfade" } },
    { entity: "marker", id: "k0", after: { id: "k0", time: "1" } },
    { entity: "media", id: "m1", before: {}, after: null },
    { entity: "name", id: "name", before: "p", after: "q" },
    { entity: "settings", id: "settings", after: { frame_rate: "30" } },
    { entity: "track_order", id: "track_order", after: ["t2", "v1", "a1"] },
  ]);
  assert.deepEqual(next.tracks.map((t) => t.id), ["t2", "v1", "a1"]);
  assert.deepEqual(next.tracks[0].elements, []);
  assert.equal(next.tracks[2].muted, true);
  assert.equal(next.tracks[2].elements.length, 0);
  assert.equal(next.tracks[1].transitions[0].id, "x");
  assert.deepEqual(next.markers.map((m) => m.id), ["k0", "k1"]);
  assert.deepEqual(next.media, {});
  assert.equal(next.name, "q");
  assert.equal(next.settings.frame_rate, "30");
});

test("a change naming an unknown track or entity is an error, not a silent skip", () => {
  assert.throws(() => applyChanges(base(), [{ entity: "element", id: "z", track_id: "nope", after: {} }]), /no track nope/);
  assert.throws(() => applyChanges(base(), [{ entity: "gadget", id: "z" }]), /unknown change entity/);
});
