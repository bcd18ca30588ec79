// Draws the timeline on a 2D canvas from the panel's state: ruler with timecode, track headers, the clips and
// transitions that are visible (nothing off-screen is touched, so 500 elements cost what the visible ones
// cost), markers, the playhead, a drag's ghost and the snap guide.
import {
  RULER_HEIGHT,
  layoutTracks,
  parseTime,
  rulerTicks,
  timecode,
  visibleElements,
  xOfTime,
} from "./timeline_math.js";

export const HEADER_WIDTH = 96;
const COLOURS = {
  background: "#1b1d21",
  ruler: "#25282e",
  rulerText: "#aab",
  track: "#23262c",
  trackAlt: "#202328",
  header: "#2b2f36",
  clip: { video: "#3d6fb6", overlay: "#7a5bb5", audio: "#3f9a6b", text: "#b5803d", adjustment: "#777" },
  selected: "#ffd34d",
  playhead: "#ff4d4d",
  guide: "#ffe066",
  transition: "rgba(255,255,255,0.35)",
  marker: "#4dd2ff",
};

// `state`: {project, view, playhead, selection:Set, heights, scrollY, drag, guide, mediaNames}
export function drawTimeline(ctx, width, height, state) {
  const { project, view } = state;
  ctx.fillStyle = COLOURS.background;
  ctx.fillRect(0, 0, width, height);
  if (!project) return { drawn: 0 };
  const laneWidth = width - HEADER_WIDTH;
  const rows = layoutTracks(project.tracks, state.heights, state.scrollY);
  const frameRate = project.settings.frame_rate;
  let drawn = 0;

  ctx.save();
  ctx.translate(HEADER_WIDTH, 0);
  ctx.beginPath();
  ctx.rect(0, 0, laneWidth, height);
  ctx.clip();
  for (const row of rows) {
    if (row.y > height || row.y + row.height < RULER_HEIGHT) continue;
    ctx.fillStyle = row.index % 2 ? COLOURS.trackAlt : COLOURS.track;
    ctx.fillRect(0, row.y, laneWidth, row.height);
    const colour = COLOURS.clip[row.track.kind] ?? "#888";
    for (const element of visibleElements(row.track.elements, view, laneWidth)) {
      drawElement(ctx, row, element, view, colour, state);
      drawn += 1;
    }
    for (const transition of row.track.transitions ?? []) drawTransition(ctx, row, transition, view);
  }
  for (const ghost of state.drag?.ghosts ?? (state.drag?.ghost ? [state.drag.ghost] : [])) drawGhost(ctx, ghost, view);
  drawRuler(ctx, laneWidth, view, frameRate, project.markers ?? [], state);
  const px = xOfTime(view, state.playhead);
  ctx.fillStyle = COLOURS.playhead;
  ctx.fillRect(Math.round(px) - 1, 0, 2, height);
  if (state.guide !== null && state.guide !== undefined) {
    ctx.strokeStyle = COLOURS.guide;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    const gx = Math.round(xOfTime(view, state.guide)) + 0.5;
    ctx.moveTo(gx, 0);
    ctx.lineTo(gx, height);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  drawHeaders(ctx, rows, height);
  if (state.trackDrag?.drop) {
    // Where a dragged track header would land: a line across headers and lanes.
    ctx.fillStyle = COLOURS.guide;
    ctx.fillRect(0, Math.round(state.trackDrag.drop.lineY) - 1, width, 3);
  }
  return { drawn };
}

function drawElement(ctx, row, element, view, colour, state) {
  const x0 = xOfTime(view, parseTime(element.start));
  const x1 = xOfTime(view, parseTime(element.start) + parseTime(element.duration));
  const w = Math.max(1, x1 - x0);
  const dragged = state.drag?.group ? !!state.drag.ghosts && state.drag.group.has(element.id) : state.drag?.ghost?.id === element.id;
  ctx.globalAlpha = dragged ? 0.35 : 1;
  ctx.fillStyle = colour;
  ctx.fillRect(x0, row.y + 2, w, row.height - 4);
  if (element.kind === "clip") drawFilmstrip(ctx, row, element, view, x0, x1, state);
  if (element.kind === "clip") drawWaveform(ctx, row, element, view, x0, x1, state);
  const fadeIn = parseTime(element.fade_in ?? 0) * view.pxPerSecond;
  const fadeOut = parseTime(element.fade_out ?? 0) * view.pxPerSecond;
  ctx.fillStyle = "rgba(0,0,0,0.35)";
  if (fadeIn > 1) triangle(ctx, x0, row.y + 2, x0 + fadeIn, row.y + 2, x0, row.y + row.height - 2);
  if (fadeOut > 1) triangle(ctx, x1, row.y + 2, x1 - fadeOut, row.y + 2, x1, row.y + row.height - 2);
  if (state.selection.has(element.id)) { // over the filmstrip, so a selected clip always shows it
    ctx.strokeStyle = COLOURS.selected;
    ctx.lineWidth = 2;
    ctx.strokeRect(x0 + 1, row.y + 3, w - 2, row.height - 6);
  }
  if (w > 24) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0 + 2, row.y, w - 4, row.height);
    ctx.clip();
    ctx.fillStyle = "#fff";
    ctx.font = "11px sans-serif";
    ctx.fillText(label(element, state.mediaNames), Math.max(x0, 0) + 4, row.y + 15);
    ctx.restore();
  }
  ctx.globalAlpha = 1;
}

// Pictures of a clip's media along it, one tile per slot of the track's height (asked for through
// state.thumbnail, which answers with a cached bitmap or null and fetches the missing ones).
function drawFilmstrip(ctx, row, element, view, x0, x1, state) {
  const media = state.project.media?.[element.media_id];
  const video = media?.info?.video;
  if (!video || !state.thumbnail || row.track.kind === "audio" || row.height < 24) return;
  const tileHeight = row.height - 4;
  const tileWidth = Math.max(16, Math.round((tileHeight * video.display_width) / video.display_height));
  const sourceIn = parseTime(element.source_in ?? 0);
  const speed = element.speed ?? 1;
  const step = Math.max(0.5, Math.round(((tileWidth / view.pxPerSecond) * speed) * 2) / 2); // media seconds
  const first = Math.max(0, Math.floor((0 - x0) / tileWidth));
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, row.y + 2, x1 - x0, tileHeight);
  ctx.clip();
  ctx.globalAlpha = 0.75;
  for (let i = first; x0 + i * tileWidth < Math.min(x1, state.laneWidth ?? x1); i += 1) {
    const mediaTime = sourceIn + ((i * tileWidth) / view.pxPerSecond) * speed;
    const t = media.info.kind === "image" ? 0 : Math.round(mediaTime / step) * step;
    const bitmap = state.thumbnail(element.media_id, t, tileHeight);
    if (bitmap) ctx.drawImage(bitmap, x0 + i * tileWidth, row.y + 2, tileWidth, tileHeight);
  }
  ctx.restore();
}

// The sound of a clip from its media's peaks (fetched once per media; asked for through state.wantWaveform).
function drawWaveform(ctx, row, element, view, x0, x1, state) {
  const media = state.project.media?.[element.media_id];
  if (!media?.info?.audio || !media.info.duration) return;
  if (row.track.kind !== "audio" && media.info.kind !== "audio") return;
  const peaks = state.waveforms?.get(element.media_id);
  if (!peaks) {
    state.wantWaveform?.(element.media_id);
    return;
  }
  if (!Array.isArray(peaks) || !peaks.length) return;
  const mediaDuration = parseTime(media.info.duration);
  const start = parseTime(element.start);
  const sourceIn = parseTime(element.source_in ?? 0);
  const speed = element.speed ?? 1;
  const middle = row.y + row.height / 2;
  const half = (row.height - 8) / 2;
  ctx.fillStyle = "rgba(255,255,255,0.55)";
  const from = Math.max(x0, 0);
  const to = Math.min(x1, from + 4096); // the lane is never wider; the clip rectangle clips the rest
  for (let x = from; x < to; x += 2) {
    const mediaTime = sourceIn + (view.scroll + x / view.pxPerSecond - start) * speed;
    const bucket = Math.floor((mediaTime / mediaDuration) * peaks.length);
    if (bucket < 0 || bucket >= peaks.length) continue;
    const [low, high] = peaks[bucket];
    const top = middle - Math.max(0.5, high * half);
    ctx.fillRect(x, top, 1.5, Math.max(1, (high - low) * half));
  }
}

function label(element, mediaNames) {
  if (element.name) return element.name;
  if (element.kind === "text") return `T  ${element.text}`;
  if (element.kind === "clip") return mediaNames?.[element.media_id] ?? element.media_id;
  return element.kind;
}

function triangle(ctx, ax, ay, bx, by, cx, cy) {
  ctx.beginPath();
  ctx.moveTo(ax, ay);
  ctx.lineTo(bx, by);
  ctx.lineTo(cx, cy);
  ctx.fill();
}

function drawTransition(ctx, row, transition, view) {
  const from = row.track.elements.find((e) => e.id === transition.from_id);
  if (!from) return;
  const cut = parseTime(from.start) + parseTime(from.duration);
  const duration = parseTime(transition.duration);
  const offset = { center: duration / 2, start: 0, end: duration }[transition.alignment] ?? duration / 2;
  const x0 = xOfTime(view, cut - offset);
  const w = Math.max(4, duration * view.pxPerSecond);
  ctx.fillStyle = COLOURS.transition;
  ctx.fillRect(x0, row.y + row.height / 2 - 7, w, 14);
  ctx.fillStyle = "#000";
  ctx.font = "9px sans-serif";
  if (w > 30) ctx.fillText(transition.kind, x0 + 3, row.y + row.height / 2 + 3);
}

function drawGhost(ctx, ghost, view) {
  const x0 = xOfTime(view, ghost.start);
  ctx.strokeStyle = COLOURS.selected;
  ctx.setLineDash([5, 3]);
  ctx.lineWidth = 2;
  ctx.strokeRect(x0, ghost.y + 2, Math.max(2, ghost.duration * view.pxPerSecond), ghost.height - 4);
  ctx.setLineDash([]);
}

// `state.markerDrag` ({id, time}) draws a dragged marker where it would land; the selected one is white.
function drawRuler(ctx, width, view, frameRate, markers, state = {}) {
  ctx.fillStyle = COLOURS.ruler;
  ctx.fillRect(0, 0, width, RULER_HEIGHT);
  const { ticks } = rulerTicks(view, width);
  ctx.fillStyle = COLOURS.rulerText;
  ctx.font = "10px monospace";
  for (const tick of ticks) {
    ctx.fillRect(Math.round(tick.x), RULER_HEIGHT - 8, 1, 8);
    ctx.fillText(timecode(tick.seconds, frameRate), tick.x + 3, 11);
  }
  for (const marker of markers) {
    const dragged = state.markerDrag?.id === marker.id;
    const x = xOfTime(view, dragged ? state.markerDrag.time : parseTime(marker.time));
    if (x < -6 || x > width + 6) continue;
    ctx.fillStyle = dragged || state.selectedMarker === marker.id ? "#ffffff" : COLOURS.marker;
    triangle(ctx, x - 5, RULER_HEIGHT - 8, x + 5, RULER_HEIGHT - 8, x, RULER_HEIGHT);
  }
}

function drawHeaders(ctx, rows, height) {
  ctx.fillStyle = COLOURS.header;
  ctx.fillRect(0, 0, HEADER_WIDTH, height);
  ctx.font = "11px sans-serif";
  for (const row of rows) {
    if (row.y > height || row.y + row.height < RULER_HEIGHT) continue;
    ctx.fillStyle = "#ddd";
    ctx.fillText(row.track.name || row.track.kind, 6, row.y + 14);
    ctx.font = "10px monospace";
    const flags = [
      ["M", row.track.muted],
      ["S", row.track.solo],
      ["H", row.track.hidden],
      ["L", row.track.locked],
    ];
    flags.forEach(([letter, on], index) => {
      ctx.fillStyle = on ? COLOURS.selected : "#777";
      ctx.fillText(letter, 6 + index * 14, row.y + Math.min(row.height - 4, 30));
    });
    ctx.font = "11px sans-serif";
  }
  ctx.fillStyle = COLOURS.ruler;
  ctx.fillRect(0, 0, HEADER_WIDTH, RULER_HEIGHT);
}

// Which header flag (mute/solo/hide/lock) is at (x, y) of a row: the update_track parameter, or null.
export function headerFlagAt(row, x, y) {
  const flagY = row.y + Math.min(row.height - 4, 30);
  if (y < flagY - 11 || y > flagY + 3) return null;
  const index = Math.floor((x - 6) / 14);
  return ["muted", "solo", "hidden", "locked"][index] ?? null;
}
