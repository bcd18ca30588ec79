// The inspector: the selected element's properties (transform, opacity, blend mode, gain, pan, fades, speed,
// text and its style) or the selected transition's kind and length. A change is one `set_property` (or
// `update_transition` / `set_speed`) action; the form is rebuilt from the project the server answers with.
import { parseTime } from "./timeline_math.js";

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

function valueAt(element, path) {
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
      let value = valueAt(selected, path);
      if (type === "time") value = parseTime(value ?? 0);
      this.field(label, value, type, (next) => {
        if (path === "speed") return this.onEdit("set_speed", { element_id: selected.id, speed: Number(next) });
        return this.onEdit("set_property", { element_id: selected.id, property: path, value: String(next) });
      }, path);
    }
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
    input.addEventListener("change", () => commit(input.value));
    row.append(input);
    this.element.append(row);
  }
}
