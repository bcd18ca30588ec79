// The panel's media bin: ComfyUI's input and output folders (a run's outputs appear after a refresh or when the
// graph finishes), with thumbnails (waveforms for audio files) and durations, an upload button, and transitions to
// drop between clips.
// Items are HTML drag sources; the timeline canvas is the drop target (`MEDIA_TYPE` / `TRANSITION_TYPE`).

export const MEDIA_TYPE = "application/x-kijkocut-media";
export const TRANSITION_TYPE = "application/x-kijkocut-transition";
export const TRANSITIONS = ["crossfade", "dip_to_black", "wipe_left", "slide_left", "push_left", "zoom_in", "iris", "blur_dissolve"];

function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return "still";
  const s = Number(seconds);
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, "0")}`;
}

export class MediaBin {
  constructor(panelApi, onError) {
    this.api = panelApi;
    this.onError = onError;
    this.folder = "input";
    this.files = [];
    this.durations = new Map(); // "folder/name" -> seconds | null
    this.waveforms = new Map(); // "folder/name|mtime" -> Promise of peaks (null when the file has no sound)
    this.waveformQueue = [];
    this.waveformsLoading = 0;
    this.element = null;
  }

  mount(parent) {
    const root = document.createElement("div");
    root.className = "kc-bin";
    root.innerHTML = `
      <div class="kc-bin-bar">
        <select class="kc-bin-folder" title="ComfyUI folder"><option value="input">Input</option><option value="output">Output</option></select>
        <button class="kc-bin-refresh" title="Refresh">⟳</button>
        <label class="kc-button" title="Upload media into input/kijkocut">Upload<input type="file" class="kc-bin-upload" multiple hidden accept="video/*,audio/*,image/*"></label>
      </div>
      <div class="kc-bin-list"></div>
      <div class="kc-bin-transitions"></div>`;
    root.querySelector(".kc-bin-folder").value = this.folder;
    root.querySelector(".kc-bin-folder").addEventListener("change", (event) => {
      this.folder = event.target.value;
      this.refresh();
    });
    root.querySelector(".kc-bin-refresh").addEventListener("click", () => this.refresh());
    root.querySelector(".kc-bin-upload").addEventListener("change", (event) => this.upload([...event.target.files]));
    const chips = root.querySelector(".kc-bin-transitions");
    for (const kind of TRANSITIONS) {
      const chip = document.createElement("span");
      chip.className = "kc-chip";
      chip.draggable = true;
      chip.dataset.transition = kind;
      chip.textContent = kind.replaceAll("_", " ");
      chip.title = "Drop on a cut between two clips";
      chip.addEventListener("dragstart", (event) => event.dataTransfer.setData(TRANSITION_TYPE, kind));
      chips.append(chip);
    }
    parent.append(root);
    this.element = root;
    this.render();
    return root;
  }

  async refresh() {
    try {
      const listing = await this.api.media(this.folder);
      this.files = listing.files.map((file) => ({ ...file, folder: this.folder }));
    } catch (error) {
      this.files = [];
      this.onError(error);
    }
    this.render();
  }

  async upload(files) {
    try {
      for (const file of files) await this.api.upload(file);
      this.folder = "input";
      if (this.element) this.element.querySelector(".kc-bin-folder").value = "input";
      await this.refresh();
    } catch (error) {
      this.onError(error);
    }
  }

  render() {
    const list = this.element?.querySelector(".kc-bin-list");
    if (!list) return;
    list.replaceChildren();
    for (const file of this.files) {
      const item = document.createElement("div");
      item.className = "kc-bin-item";
      item.draggable = true;
      item.dataset.name = file.name;
      item.title = file.name;
      let thumb;
      if (file.kind === "audio") {
        thumb = Object.assign(document.createElement("canvas"), { width: 48, height: 27, className: "kc-bin-wave" });
        this.showWaveform(file, thumb);
      } else {
        thumb = document.createElement("img");
        thumb.loading = "lazy";
        thumb.alt = "";
        thumb.src = this.api.thumbnailUrl(file);
      }
      const text = document.createElement("div");
      text.className = "kc-bin-text";
      const duration = document.createElement("small");
      text.append(Object.assign(document.createElement("span"), { textContent: file.name }), duration);
      item.append(thumb, text);
      item.addEventListener("dragstart", (event) => {
        event.dataTransfer.setData(MEDIA_TYPE, JSON.stringify({ folder: file.folder, name: file.name }));
        event.dataTransfer.effectAllowed = "copy";
      });
      list.append(item);
      this.showDuration(file, duration);
    }
    if (!this.files.length) list.textContent = `No media in ${this.folder}.`;
  }

  // An audio file's waveform, drawn as its peaks; two files decoded at a time, each once per modification.
  async showWaveform(file, canvas) {
    const key = `${file.folder}/${file.name}|${file.mtime}`;
    if (!this.waveforms.has(key)) this.waveforms.set(key, this.queued(() => this.api.fileWaveform(file, canvas.width)));
    let peaks = null;
    try {
      peaks = (await this.waveforms.get(key))?.peaks ?? null;
    } catch {
      this.waveforms.delete(key); // tried again at the next refresh
    }
    drawPeaks(canvas, peaks);
  }

  queued(work) {
    return new Promise((resolve, reject) => {
      this.waveformQueue.push({ work, resolve, reject });
      this.pump();
    });
  }

  pump() {
    while (this.waveformsLoading < 2 && this.waveformQueue.length) {
      const { work, resolve, reject } = this.waveformQueue.shift();
      this.waveformsLoading += 1;
      work()
        .then(resolve, reject)
        .finally(() => {
          this.waveformsLoading -= 1;
          this.pump();
        });
    }
  }

  async showDuration(file, where) {
    const key = `${file.folder}/${file.name}`;
    if (!this.durations.has(key)) {
      try {
        const info = await this.api.mediaInfo(file);
        this.durations.set(key, info.duration === null ? null : eval_fraction(info.duration));
      } catch {
        this.durations.set(key, undefined);
      }
    }
    const seconds = this.durations.get(key);
    where.textContent = seconds === undefined ? "?" : formatDuration(seconds);
  }
}

function drawPeaks(canvas, peaks) {
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  ctx.fillStyle = "#1d2a22";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#6fd39a";
  if (!peaks?.length) {
    ctx.fillRect(0, height / 2, width, 1); // no sound (or not readable): a flat line
    return;
  }
  const step = width / peaks.length;
  peaks.forEach(([low, high], index) => {
    const top = ((1 - Math.min(1, high)) / 2) * height;
    const bottom = ((1 - Math.max(-1, low)) / 2) * height;
    ctx.fillRect(index * step, top, Math.max(1, step - 0.2), Math.max(1, bottom - top));
  });
  canvas.dataset.peaks = String(peaks.length); // drawn: the browser test reads it
}

function eval_fraction(value) {
  const [num, den = "1"] = String(value).split("/");
  return Number(num) / Number(den);
}
