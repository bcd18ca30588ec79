// Keyframed values as the engine computes them (kijkocut/animation.py): from each key to the next one, linear,
// held, or eased along a CSS cubic bézier; constant before the first key and after the last. Key times are
// seconds from the element's start, as the project's JSON writes them ("3/2"). The inspector shows a keyed
// property's value at the playhead with it; tests/panel/test_panel_keyframes.py compares it with the engine's.
import { parseTime } from "./timeline_math.js";

export const EASING_CURVES = {
  ease_in: [0.42, 0.0, 1.0, 1.0],
  ease_out: [0.0, 0.0, 0.58, 1.0],
  ease_in_out: [0.42, 0.0, 0.58, 1.0],
};

// Key times are exact fractions in the engine and doubles here: two times this close are the same frame time.
const SAME_TIME = 1e-9;

// y for a given x on the curve from (0,0) to (1,1) with control points (x1,y1), (x2,y2): the engine's bisection,
// step for step, so both land on the same point.
export function cubicBezier(x1, y1, x2, y2, x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const axis = (p1, p2, s) => 3 * (1 - s) ** 2 * s * p1 + 3 * (1 - s) * s ** 2 * p2 + s ** 3;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (axis(x1, x2, mid) < x) lo = mid;
    else hi = mid;
  }
  return axis(y1, y2, (lo + hi) / 2);
}

export function eased(key, progress) {
  const interpolation = key.interpolation ?? "linear";
  if (interpolation === "linear") return progress;
  if (interpolation === "hold") return 0;
  const curve = interpolation === "bezier" ? key.bezier : EASING_CURVES[interpolation];
  if (!curve) return progress;
  return cubicBezier(...curve, progress);
}

// The value at `local` seconds from the element's start; null without keys.
export function valueAt(keys, local) {
  if (!keys?.length) return null;
  const ordered = keys.map((key) => ({ key, time: parseTime(key.time) })).sort((a, b) => a.time - b.time);
  if (local <= ordered[0].time + SAME_TIME) return ordered[0].key.value;
  for (let i = 0; i + 1 < ordered.length; i++) {
    const current = ordered[i];
    const following = ordered[i + 1];
    if (local < following.time - SAME_TIME) {
      const progress = (local - current.time) / (following.time - current.time);
      return current.key.value + (following.key.value - current.key.value) * eased(current.key, progress);
    }
  }
  return ordered[ordered.length - 1].key.value;
}
