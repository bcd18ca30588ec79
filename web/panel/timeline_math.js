// Pure timeline maths for the Timeline panel: rational time strings, the frame grid, timecode, the view
// (zoom and scroll), track layout, what is visible, hit testing and snapping. No DOM, no I/O: tested under
// Node's own test runner (tests/panel/timeline_math.test.mjs).

export const RULER_HEIGHT = 24;
export const TRACK_GAP = 2;
export const DEFAULT_TRACK_HEIGHT = { video: 56, overlay: 48, audio: 40, text: 32, adjustment: 28 };
export const EDGE_GRAB_PX = 6;
export const MIN_VISIBLE_SECONDS = 1;
export const MAX_VISIBLE_SECONDS = 3600;

// "12", "1001/30000", "2.5" (the project JSON's Time) -> seconds as a Number, for drawing only.
export function parseTime(value) {
  if (typeof value === "number") return value;
  const text = String(value ?? "0").trim();
  const slash = text.indexOf("/");
  if (slash < 0) return Number(text);
  return Number(text.slice(0, slash)) / Number(text.slice(slash + 1));
}

// The frame rate string ("30", "30000/1001") -> frames per second.
export function fps(frameRate) {
  const rate = parseTime(frameRate);
  if (!(rate > 0)) throw new Error(`not a frame rate: ${frameRate}`);
  return rate;
}

export function frameAt(seconds, frameRate) {
  // The nudge keeps 1/30 * 30 from landing on 0.9999… and a frame early.
  return Math.max(0, Math.floor(seconds * fps(frameRate) + 1e-6));
}

export function secondsOfFrame(frame, frameRate) {
  return frame / fps(frameRate);
}

export function nearestFrame(seconds, frameRate) {
  return Math.max(0, Math.round(seconds * fps(frameRate)));
}

// What the panel sends for a time: a frame number the server reads exactly on the project's frame grid.
export function frameToken(frame) {
  return `f${Math.max(0, Math.round(frame))}`;
}

// The exact time of a frame as a fraction string ("1001/10" at 30000/1001), for the frame preview route.
export function frameTime(frame, frameRate) {
  const [num, den = "1"] = String(frameRate).split("/");
  return `${Math.round(frame) * Number(den)}/${Number(num)}`;
}

// HH:MM:SS:FF on a whole-frame timebase (non-drop display; the rate's frames per second rounded).
export function timecode(seconds, frameRate) {
  const base = Math.round(fps(frameRate));
  const frame = nearestFrame(seconds, frameRate);
  const totalSeconds = Math.floor(frame / base);
  const ff = frame % base;
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600);
  return [hh, mm, ss, ff].map((n) => String(n).padStart(2, "0")).join(":");
}

// --- the view: pixels per second and the time at the left edge -------------------------------------------------

export function clampZoom(pxPerSecond, widthPx) {
  const lo = widthPx / MAX_VISIBLE_SECONDS;
  const hi = widthPx / MIN_VISIBLE_SECONDS;
  return Math.min(hi, Math.max(lo, pxPerSecond));
}

export function xOfTime(view, seconds) {
  return (seconds - view.scroll) * view.pxPerSecond;
}

export function timeOfX(view, x) {
  return view.scroll + x / view.pxPerSecond;
}

// Zoom by `factor` keeping the time under `anchorX` where it is.
export function zoomAt(view, factor, anchorX, widthPx) {
  const anchorTime = timeOfX(view, anchorX);
  const pxPerSecond = clampZoom(view.pxPerSecond * factor, widthPx);
  return { pxPerSecond, scroll: Math.max(0, anchorTime - anchorX / pxPerSecond) };
}

export function fitView(durationSeconds, widthPx) {
  const span = Math.max(MIN_VISIBLE_SECONDS, durationSeconds * 1.05);
  return { pxPerSecond: clampZoom(widthPx / span, widthPx), scroll: 0 };
}

export function scrollBy(view, deltaPx) {
  return { ...view, scroll: Math.max(0, view.scroll + deltaPx / view.pxPerSecond) };
}

// Ruler ticks: a step that puts major labels at least `minLabelPx` apart.
const STEPS = [1 / 30, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
export function rulerStep(pxPerSecond, minLabelPx = 80) {
  return STEPS.find((step) => step * pxPerSecond >= minLabelPx) ?? STEPS[STEPS.length - 1];
}

export function rulerTicks(view, widthPx, minLabelPx = 80) {
  const step = rulerStep(view.pxPerSecond, minLabelPx);
  const first = Math.floor(view.scroll / step);
  const last = Math.ceil(timeOfX(view, widthPx) / step);
  const ticks = [];
  for (let i = first; i <= last; i += 1) ticks.push({ seconds: i * step, x: xOfTime(view, i * step) });
  return { step, ticks };
}

// --- layout ----------------------------------------------------------------------------------------------------

export function trackHeight(track, heights = {}) {
  return heights[track.id] ?? DEFAULT_TRACK_HEIGHT[track.kind] ?? 40;
}

// Tracks top to bottom as drawn: [{track, index, y, height}], y below the ruler, minus the vertical scroll.
// The marker whose triangle (at the foot of the ruler) is under lane x / y, nearest first, or null.
export function markerAt(markers, view, laneX, y, thresholdPx = 6) {
  if (y < RULER_HEIGHT - 12 || y >= RULER_HEIGHT) return null;
  let best = null;
  for (const marker of markers ?? []) {
    const distance = Math.abs(xOfTime(view, parseTime(marker.time)) - laneX);
    if (distance <= thresholdPx && (!best || distance < best.distance)) best = { marker, distance };
  }
  return best?.marker ?? null;
}

// Dragging a track header: the place in the track list the track would take when dropped at `y` (the row under
// the pointer; above the first row: 0, below the last: the last), and where the drop line goes; null when the
// track would stay where it is. A moved track takes the row's place (reorder_track's index).
export function trackDrop(rows, fromIndex, y) {
  if (!rows.length) return null;
  const byY = [...rows].sort((a, b) => a.y - b.y);
  const [top, bottom] = [byY[0], byY[byY.length - 1]];
  const row = y < top.y ? top : y >= bottom.y + bottom.height ? bottom : byY.find((r) => y < r.y + r.height);
  if (!row || row.index === fromIndex) return null;
  const from = rows.find((r) => r.index === fromIndex);
  return { index: row.index, lineY: from && row.y < from.y ? row.y : row.y + row.height };
}

// Rows by track index, laid out as editors show a stack: the last track (drawn over the others) at the top,
// the first (the bottom layer) at the bottom.
export function layoutTracks(tracks, heights = {}, scrollY = 0) {
  let y = RULER_HEIGHT - scrollY;
  const rows = new Array(tracks.length);
  for (let index = tracks.length - 1; index >= 0; index -= 1) {
    const height = trackHeight(tracks[index], heights);
    rows[index] = { track: tracks[index], index, y, height };
    y += height + TRACK_GAP;
  }
  return rows;
}

// Elements of a track that overlap the visible time span (sorted by start, so a binary search finds the first).
export function visibleElements(elements, view, widthPx) {
  const from = view.scroll;
  const to = timeOfX(view, widthPx);
  const shown = [];
  for (const element of elements) {
    const start = parseTime(element.start);
    if (start > to) continue;
    if (start + parseTime(element.duration) < from) continue;
    shown.push(element);
  }
  return shown;
}

// What is under (x, y): {row, element, part: "start" | "end" | "body"} or {row} on an empty spot of a track,
// or null above/below the tracks.
export function hitTest(rows, view, x, y, grabPx = EDGE_GRAB_PX) {
  const row = rows.find((r) => y >= r.y && y < r.y + r.height);
  if (!row) return null;
  const t = timeOfX(view, x);
  for (const element of row.track.elements) {
    const start = parseTime(element.start);
    const end = start + parseTime(element.duration);
    const x0 = xOfTime(view, start);
    const x1 = xOfTime(view, end);
    if (x < x0 - grabPx || x > x1 + grabPx) continue;
    const wide = x1 - x0 > grabPx * 3; // narrow clips: the body wins, or they could not be moved
    if (wide && Math.abs(x - x0) <= grabPx) return { row, element, part: "start", t };
    if (wide && Math.abs(x - x1) <= grabPx) return { row, element, part: "end", t };
    if (x >= x0 && x <= x1) return { row, element, part: "body", t };
  }
  return { row, element: null, part: null, t };
}

// The cut nearest x on a track: two elements where one ends as the next starts, within `grabPx`.
export function cutNear(row, view, x, grabPx = 12) {
  const elements = [...row.track.elements].sort((a, b) => parseTime(a.start) - parseTime(b.start));
  for (let i = 0; i + 1 < elements.length; i += 1) {
    const end = parseTime(elements[i].start) + parseTime(elements[i].duration);
    if (Math.abs(end - parseTime(elements[i + 1].start)) > 1e-6) continue;
    if (Math.abs(xOfTime(view, end) - x) <= grabPx) return { from: elements[i], to: elements[i + 1], seconds: end };
  }
  return null;
}

// --- snapping ----------------------------------------------------------------------------------------------------

// Times to snap to: every element edge (except those of `exceptIds`), the playhead and the markers.
export function snapTargets(tracks, playhead, markers = [], exceptIds = new Set()) {
  const targets = [{ seconds: 0, kind: "start" }, { seconds: playhead, kind: "playhead" }];
  for (const track of tracks) {
    for (const element of track.elements) {
      if (exceptIds.has(element.id)) continue;
      const start = parseTime(element.start);
      targets.push({ seconds: start, kind: "edge" }, { seconds: start + parseTime(element.duration), kind: "edge" });
    }
  }
  for (const marker of markers) targets.push({ seconds: parseTime(marker.time), kind: "marker" });
  return targets;
}

// The nearest target within `thresholdPx` of any of `times` (a moved clip snaps by either edge): the shift to
// apply and the guide's time, or {shift: 0, guide: null}.
export function snap(times, targets, pxPerSecond, thresholdPx = 8) {
  let best = null;
  for (const t of times) {
    for (const target of targets) {
      const distance = Math.abs(target.seconds - t) * pxPerSecond;
      if (distance <= thresholdPx && (!best || distance < best.distance)) {
        best = { distance, shift: target.seconds - t, guide: target.seconds, kind: target.kind };
      }
    }
  }
  return best ? { shift: best.shift, guide: best.guide, kind: best.kind } : { shift: 0, guide: null, kind: null };
}

// --- drags --------------------------------------------------------------------------------------------------------

// The edit a finished drag asks for, in frames on the project's grid, or null when nothing moved. A move with
// `insert` pushes what is at the destination to the right instead of overwriting it.
export function dragEdit(drag, deltaSeconds, frameRate, targetTrackId, { insert = false } = {}) {
  const { element, part } = drag;
  const start = parseTime(element.start);
  const end = start + parseTime(element.duration);
  if (part === "body") {
    const frame = nearestFrame(Math.max(0, start + deltaSeconds), frameRate);
    const sameTrack = !targetTrackId || targetTrackId === drag.trackId;
    if (frame === nearestFrame(start, frameRate) && sameTrack) return null;
    const params = { element_id: element.id, start: frameToken(frame) };
    if (!sameTrack) params.track_id = targetTrackId;
    if (insert) params.mode = "insert";
    return { action: "move_element", params };
  }
  const edgeTime = part === "start" ? start : end;
  const frame = nearestFrame(Math.max(0, edgeTime + deltaSeconds), frameRate);
  if (frame === nearestFrame(edgeTime, frameRate)) return null;
  return { action: "trim_element", params: { element_id: element.id, edge: part, to: frameToken(frame) } };
}

// Several selected elements dragged together by `deltaSeconds` (each stays on its track): the move_element edits
// for one run_actions step, or [] when they land on the same frames. Moved in the drag's direction, the one ahead
// first, so an element never lands on a selected neighbour that has yet to move (overwrite would cut it). The
// earliest element stops at 0.
export function groupMoveEdits(elements, deltaSeconds, frameRate) {
  if (!elements.length) return [];
  const earliest = Math.min(...elements.map((e) => parseTime(e.start)));
  const delta = Math.max(deltaSeconds, -earliest);
  const moves = [];
  for (const element of elements) {
    const from = nearestFrame(parseTime(element.start), frameRate);
    const to = nearestFrame(Math.max(0, parseTime(element.start) + delta), frameRate);
    if (to !== from) moves.push({ from, name: "move_element", params: { element_id: element.id, start: frameToken(to) } });
  }
  moves.sort((a, b) => (delta > 0 ? b.from - a.from : a.from - b.from));
  return moves.map(({ name, params }) => ({ name, params }));
}

// A slip drag (the clip's media slides under it; dragging right shows earlier media, as in other editors): the
// slip_element edit, the new in-point clamped to the media (`mediaDuration` in seconds, null when unknown), or
// null when it lands on the same frame.
export function slipEdit(element, deltaSeconds, frameRate, mediaDuration = null) {
  const speed = Number(element.speed ?? 1);
  const sourceIn = parseTime(element.source_in ?? "0");
  const rate = fps(frameRate);
  let frame = nearestFrame(Math.max(0, sourceIn - deltaSeconds * speed), frameRate);
  if (mediaDuration !== null && mediaDuration !== undefined) {
    const latest = Math.floor((mediaDuration - parseTime(element.duration) * speed) * rate + 1e-6);
    frame = Math.max(0, Math.min(frame, latest));
  }
  if (frame === nearestFrame(sourceIn, frameRate)) return null;
  return { action: "slip_element", params: { element_id: element.id, source_in: frameToken(frame) }, frame };
}

// --- presets ------------------------------------------------------------------------------------------------------

export const CANVAS_PRESETS = {
  "16:9": [1920, 1080],
  "9:16": [1080, 1920],
  "1:1": [1080, 1080],
};
export const FRAME_RATES = ["24", "25", "30", "60"];

export function projectSettings(preset, frameRate) {
  const size = CANVAS_PRESETS[preset];
  if (!size) throw new Error(`unknown canvas preset ${preset}`);
  if (!FRAME_RATES.includes(String(frameRate))) throw new Error(`unknown frame rate ${frameRate}`);
  return { width: size[0], height: size[1], frame_rate: String(frameRate) };
}

export function projectDuration(project) {
  let end = 0;
  for (const track of project.tracks ?? []) {
    for (const element of track.elements) end = Math.max(end, parseTime(element.start) + parseTime(element.duration));
  }
  return end;
}
