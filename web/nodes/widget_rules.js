// Rules of the KijkoCut node widgets, without the graph editor: which size a canvas preset stands for, when an
// edited size makes the canvas custom, and the text a node reported. Kept apart so they run under Node too.

export const CUSTOM = "custom";

/** [width, height] of a canvas preset such as "1080x1920 (vertical: TikTok, Reels, Shorts)"; null for custom. */
export function sizeForCanvas(canvas) {
  const match = /^(\d+)x(\d+)\b/.exec(String(canvas ?? ""));
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/** The canvas after the width or height was edited: a size other than the preset's is a custom size. */
export function canvasAfterSizeEdit(canvas, width, height) {
  const size = sizeForCanvas(canvas);
  return size && (size[0] !== Number(width) || size[1] !== Number(height)) ? CUSTOM : canvas;
}

/** The text a node reported in ComfyUI's `ui.text`, one fact a line ("a; b" becomes two); null for none. */
export function resultText(message) {
  const reported = message?.text;
  if (reported === undefined || reported === null) return null;
  const entries = Array.isArray(reported) ? reported : [reported];
  return entries.flatMap((entry) => String(entry).split("; ")).join("\n");
}
