// Applying the server's entity changes (an edit's, an undo's or a redo's answer: kijkocut/edit/changes.py) to
// the project the panel shows, so a committed edit redraws without fetching the whole project again. Pure: the
// project given is not modified; a new one is returned. Mirrors `apply_changes`: element and transition
// changes per track, markers sorted by time, elements by start, the track order last.
import { parseTime } from "./timeline_math.js";

export function applyChanges(project, changes) {
  const next = {
    ...project,
    media: { ...project.media },
    markers: [...(project.markers ?? [])],
    tracks: project.tracks.map((track) => ({ ...track, elements: [...track.elements], transitions: [...(track.transitions ?? [])] })),
  };
  let order = null;
  const touched = new Set();
  const trackOf = (change) => {
    const track = next.tracks.find((t) => t.id === change.track_id);
    if (!track) throw new Error(`change for ${change.entity} ${change.id}: no track ${change.track_id}`);
    return track;
  };
  for (const change of changes) {
    const after = change.after ?? null;
    switch (change.entity) {
      case "name":
        next.name = after;
        break;
      case "settings":
        next.settings = after;
        break;
      case "media":
        if (after === null) delete next.media[change.id];
        else next.media[change.id] = after;
        break;
      case "marker":
        next.markers = next.markers.filter((m) => m.id !== change.id);
        if (after !== null) next.markers.push(after);
        next.markers.sort((a, b) => parseTime(a.time) - parseTime(b.time));
        break;
      case "track": {
        const index = next.tracks.findIndex((t) => t.id === change.id);
        if (after === null) next.tracks = next.tracks.filter((t) => t.id !== change.id);
        else if (index < 0) next.tracks.push({ ...after, elements: [], transitions: [] });
        else next.tracks[index] = { ...next.tracks[index], ...after };
        break;
      }
      case "element": {
        const track = trackOf(change);
        track.elements = track.elements.filter((e) => e.id !== change.id);
        if (after !== null) track.elements.push(after);
        touched.add(track);
        break;
      }
      case "transition": {
        const track = trackOf(change);
        track.transitions = track.transitions.filter((t) => t.id !== change.id);
        if (after !== null) track.transitions.push(after);
        break;
      }
      case "track_order":
        order = after;
        break;
      default:
        throw new Error(`unknown change entity ${change.entity}`);
    }
  }
  for (const track of touched) track.elements.sort((a, b) => parseTime(a.start) - parseTime(b.start));
  if (order) {
    const position = new Map(order.map((id, index) => [id, index]));
    next.tracks.sort((a, b) => (position.get(a.id) ?? order.length) - (position.get(b.id) ?? order.length));
  }
  return next;
}
