// The inspector: the selected element's properties (transform, opacity, blend mode, gain, pan, fades, speed,
// text and its style) or the selected transition's kind and length. A change is one `set_property` (or
// `update_transition` / `set_speed`) action; the form is rebuilt from the project the server answers with.
// Opacity and the transform have a keyframe button (◇ add at the playhead, ◆ remove the one there): one
// `set_keyframes` action with the property's whole new list. A keyed property shows its value at the playhead
// (keyframes.js, as the engine interpolates it), following the playhead while scrubbing; changing it sets the
// keyframe at the playhead, or adds one there between two keys.
import { valueAt } from "./keyframes.js";
import { fps, parseTime } from "./timeline_math.js";

export const KEYFRAMED = new Set(["transform.x", "transform.y", "transform.scale", "transform.rotation", "transform.opacity"]);

// The index of the keyframe at `local` seconds from the element's start (within half a frame), or -1.
export function keyAt(keys, local, frameRate) {
  const half = 0.5 / fps(frameRate);
  return (keys ?? []).findIndex((key) => Math.abs(parseTime(key.time) - local) < half);
}

// The property's keyframes as set_keyframes takes them, with `value` at `local` (replacing a key there).
export function withKeyframe(keys, local, value, frameRate) {
  const frame = Math.round(local * fps(frameRate));
  const at = keyAt(keys, local, frameRate);
  const kept = (keys ?? []).filter((_, index) => index !== at).map(keyArg);
  // A replaced key keeps how it travels to the next one (its interpolation and curve).
  const added = { ...(at >= 0 ? keyArg(keys[at]) : { interpolation: "linear" }), time: `f${frame}`, value: Number(value) };
  return [...kept, added].sort((a, b) => keyTime(a, frameRate) - keyTime(b, frameRate));
}

export function withoutKeyframe(keys, index) {
  return (keys ?? []).filter((_, i) => i !== index).map(keyArg);
}

function keyArg(key) {
  const arg = { time: String(key.time), value: key.value, interpolation: key.interpolation ?? "linear" };
  if (key.bezier) arg.bezier = key.bezier;
  return arg;
}

function keyTime(key, frameRate) {
  const time = String(key.time);
  return time.startsWith("f") ? Number(time.slice(1)) / fps(frameRate) : parseTime(time);
}

const EFFECT_KINDS = ["brightness", "contrast", "saturation", "exposure", "hue_shift", "grayscale", "sepia", "invert",
  "vignette", "gaussian_blur", "sharpen", "film_grain", "flip"];
const BLEND_MODES = ["normal", "multiply", "screen", "overlay", "add", "darken", "lighten", "difference"];
const COMMON = [
  ["fade_in", "Fade in (s)", "time"],
  ["fade_out", "Fade out (s)", "time"],
  ["blend_mode", "Blend", BLEND_MODES],
];
const CLIP = [
  ["transform.x", "X", "number"],
  ["transform.y", "Y", "number"],
  ["transform.scale", "Scale", "number"],
  ["transform.rotation", "Rotation", "number"],
  ["transform.opacity", "Opacity", "number"],
  ["gain_db", "Gain (dB)", "number"],
  ["pan", "Pan", "number"],
];
const TEXT = [
  ["text", "Text", "text"],
  ["style.size", "Size", "number"],
  ["style.color", "Colour", "color"],
  ["style.weight", "Weight", ["normal", "bold"]],
  ["style.align", "Align", ["left", "center", "right"]],
  ["style.stroke_width", "Outline", "number"],
  ["style.animation_in", "Animation in", ["none", "fade", "typewriter", "slide_up", "slide_down", "slide_left", "slide_right"]],
];

// A keyed value as the field shows it: four decimals are plenty for a person (the key set keeps the exact one).
export function shownValue(value) {
  return Math.round(value * 10000) / 10000;
}

function propertyOf(element, path) {
  return path.split(".").reduce((value, key) => (value === null || value === undefined ? value : value[key]), element);
}

export function inspectorFields(element) {
  if (!element) return [];
  if (element.kind === "clip") return [...CLIP, ["speed", "Speed", "number"], ...COMMON];
  if (element.kind === "text") return [...TEXT, ...COMMON];
  return COMMON;
}

export class Inspector {
  constructor(onEdit) {
    this.onEdit = onEdit; // (action, params) -> Promise
    this.element = null;
    this.keyButtons = []; // {button, keys} of the shown element: their state follows the playhead
    this.keyedInputs = []; // {input, keys} of the shown element's keyed properties: their value follows it too
    // The playhead from the element's start (`local`, null outside it) and where a keyed value is read (`shown`:
    // the playhead kept within the element, so a value is shown when it is outside).
    this.time = { local: null, shown: null, frameRate: "30" };
  }

  // The playhead moved: keyed values show their value there and the keyframe buttons say whether a key is there
  // (no rebuild of the form; a field being typed into is left alone).
  setTime(local, frameRate, shown = local) {
    this.time = { local, shown, frameRate };
    for (const { input, keys } of this.keyedInputs) {
      if (shown !== null && input !== globalThis.document?.activeElement) input.value = shownValue(valueAt(keys, shown));
      input.disabled = local === null;
      input.title = local === null ? "Keyed: put the playhead over the clip to change it" : "Sets the keyframe at the playhead";
    }
    for (const { button, keys } of this.keyButtons) {
      const on = local !== null && keyAt(keys, local, frameRate) >= 0;
      button.textContent = on ? "◆" : "◇";
      button.disabled = local === null;
      button.title = local === null ? "Put the playhead over the clip to key it" : on ? "Remove the keyframe at the playhead" : "Add a keyframe at the playhead";
    }
  }

  mount(parent) {
    this.element = document.createElement("div");
    this.element.className = "kc-inspector";
    parent.append(this.element);
    return this.element;
  }

  show(selected, transition) {
    if (!this.element) return;
    this.element.replaceChildren();
    this.keyButtons = [];
    this.keyedInputs = [];
    const title = document.createElement("div");
    title.className = "kc-inspector-title";
    this.element.append(title);
    if (transition) {
      title.textContent = `Transition ${transition.id}`;
      this.field("Kind", transition.kind, ["crossfade", "dip_to_black", "dip_to_white", "wipe_left", "wipe_right",
        "slide_left", "push_left", "zoom_in", "zoom_out", "iris", "blur_dissolve"], (kind) =>
        this.onEdit("update_transition", { transition_id: transition.id, kind }));
      this.field("Duration (s)", parseTime(transition.duration), "time", (duration) =>
        this.onEdit("update_transition", { transition_id: transition.id, duration: String(duration) }));
      return;
    }
    if (!selected) {
      title.textContent = "Nothing selected";
      return;
    }
    title.textContent = `${selected.kind} ${selected.id}`;
    for (const [path, label, type] of inspectorFields(selected)) {
      let value = propertyOf(selected, path);
      if (type === "time") value = parseTime(value ?? 0);
      const keys = selected.keyframes?.[path];
      const keyed = selected.kind === "clip" && KEYFRAMED.has(path);
      const row = this.field(label, value, type, (next) => {
        if (path === "speed") return this.onEdit("set_speed", { element_id: selected.id, speed: Number(next) });
        const now = this.time;
        if (keys?.length && now.local !== null) {
          return this.onEdit("set_keyframes", { element_id: selected.id, property: path, keyframes: withKeyframe(keys, now.local, next, now.frameRate) });
        }
        return this.onEdit("set_property", { element_id: selected.id, property: path, value: String(next) });
      }, path);
      if (keys?.length) this.keyedInputs.push({ input: row.querySelector("input"), keys });
      if (keyed) this.keyButton(row, selected, path, keys ?? []);
    }
    this.setTime(this.time.local, this.time.frameRate, this.time.shown);
    if (selected.kind === "clip" || selected.kind === "adjustment") this.effects(selected);
  }

  // The effects stack: each effect on/off, its first setting, removal; a kind to add at the end.
  effects(selected) {
    const title = Object.assign(document.createElement("div"), { className: "kc-inspector-title", textContent: "Effects" });
    this.element.append(title);
    for (const effect of selected.effects ?? []) {
      const row = document.createElement("div");
      row.className = "kc-field kc-effect";
      const enabled = Object.assign(document.createElement("input"), { type: "checkbox", checked: effect.enabled !== false });
      enabled.title = "on/off";
      enabled.addEventListener("change", () =>
        this.onEdit("update_effect", { element_id: selected.id, effect_id: effect.id, enabled: enabled.checked }));
      const [name, value] = Object.entries(effect.params ?? {}).find(([, v]) => typeof v === "number") ?? [];
      row.append(enabled, Object.assign(document.createElement("span"), { textContent: effect.kind }));
      if (name) {
        const input = Object.assign(document.createElement("input"), { type: "number", step: "any", value, title: name });
        input.style.width = "56px";
        input.addEventListener("change", () =>
          this.onEdit("update_effect", { element_id: selected.id, effect_id: effect.id, params: { [name]: Number(input.value) } }));
        row.append(input);
      }
      const remove = Object.assign(document.createElement("button"), { textContent: "×", title: "Remove" });
      remove.addEventListener("click", () => this.onEdit("remove_effect", { element_id: selected.id, effect_id: effect.id }));
      row.append(remove);
      this.element.append(row);
    }
    const add = document.createElement("select");
    add.className = "kc-effect-add";
    add.append(new Option("+ effect…", ""));
    for (const kind of EFFECT_KINDS) add.append(new Option(kind.replaceAll("_", " "), kind));
    add.addEventListener("change", () => add.value && this.onEdit("add_effect", { element_id: selected.id, kind: add.value }));
    this.element.append(add);
  }

  field(label, value, type, commit, path = label) {
    const row = document.createElement("label");
    row.className = "kc-field";
    row.append(Object.assign(document.createElement("span"), { textContent: label }));
    let input;
    if (Array.isArray(type)) {
      input = document.createElement("select");
      for (const option of type) input.append(new Option(option, option));
    } else {
      input = document.createElement("input");
      input.type = type === "text" ? "text" : type === "color" ? "color" : "number";
      if (input.type === "number") input.step = "any";
    }
    input.dataset.property = path;
    input.value = value ?? "";
    // An unset number is placed by the engine (a title's or a clip's centre, no width limit): say so.
    if (value == null && input.type === "number") input.placeholder = "auto";
    input.addEventListener("change", () => commit(input.value));
    row.append(input);
    this.element.append(row);
    return row;
  }

  keyButton(row, selected, path, keys) {
    const button = Object.assign(document.createElement("button"), { className: "kc-key", textContent: "◇" });
    button.dataset.property = path;
    button.addEventListener("click", (event) => {
      event.preventDefault(); // inside the field's label: no focus jump to the input
      const { local, frameRate } = this.time;
      if (local === null) return;
      const at = keyAt(keys, local, frameRate);
      const value = keys.length ? valueAt(keys, local) : (row.querySelector("input")?.value ?? propertyOf(selected, path));
      const keyframes = at >= 0 ? withoutKeyframe(keys, at) : withKeyframe(keys, local, value, frameRate);
      this.onEdit("set_keyframes", { element_id: selected.id, property: path, keyframes });
    });
    row.append(button);
    this.keyButtons.push({ button, keys });
  }
}
