// The export dialog: a preset, a file name in ComfyUI's output folder, an optional range; the job's progress
// bar and cancel; the finished file playable in the panel.
const PRESETS = ["default", "youtube_1080p", "tiktok", "reels", "shorts", "instagram_square", "webm_vp9", "gif"];
const POLL_MS = 400;

export class ExportDialog {
  constructor(panelApi, onError) {
    this.api = panelApi;
    this.onError = onError;
    this.element = null;
    this.job = null;
  }

  open(parent, project) {
    this.close();
    const dialog = document.createElement("div");
    dialog.className = "kc-export";
    const stem = (project.name || "timeline").replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 60);
    dialog.innerHTML = `
      <div class="kc-export-title">Export “${escapeHtml(project.name)}”</div>
      <label class="kc-field"><span>Preset</span><select class="kc-export-preset"></select></label>
      <label class="kc-field"><span>File</span><input class="kc-export-file" value="kijkocut/${stem}.mp4"></label>
      <label class="kc-field"><span>From (s)</span><input class="kc-export-start" type="number" step="any" placeholder="start"></label>
      <label class="kc-field"><span>To (s)</span><input class="kc-export-end" type="number" step="any" placeholder="end"></label>
      <progress class="kc-export-progress" max="1" value="0"></progress>
      <div class="kc-export-status"></div>
      <div class="kc-export-buttons">
        <button class="kc-export-start-button">Export</button>
        <button class="kc-export-cancel" disabled>Cancel</button>
        <button class="kc-export-close">Close</button>
      </div>
      <video class="kc-export-video" controls hidden></video>`;
    const presets = dialog.querySelector(".kc-export-preset");
    for (const preset of PRESETS) presets.append(new Option(preset, preset));
    dialog.querySelector(".kc-export-start-button").addEventListener("click", () => this.start(project));
    dialog.querySelector(".kc-export-cancel").addEventListener("click", () => this.cancel());
    dialog.querySelector(".kc-export-close").addEventListener("click", () => this.close());
    parent.append(dialog);
    this.element = dialog;
  }

  status(text) {
    if (this.element) this.element.querySelector(".kc-export-status").textContent = text;
  }

  async start(project) {
    const get = (selector) => this.element.querySelector(selector).value.trim();
    const options = { preset: get(".kc-export-preset") };
    if (get(".kc-export-start")) options.start = get(".kc-export-start");
    if (get(".kc-export-end")) options.end = get(".kc-export-end");
    const filename = get(".kc-export-file");
    try {
      this.job = await this.api.startExport(project.id, filename, options, project.revision);
    } catch (error) {
      this.status(error.message);
      return;
    }
    this.filename = filename;
    this.element.querySelector(".kc-export-cancel").disabled = false;
    this.element.querySelector(".kc-export-start-button").disabled = true;
    this.poll();
  }

  async poll() {
    const dialog = this.element;
    while (this.job && dialog === this.element) {
      let job;
      try {
        job = await this.api.job(this.job.id);
      } catch (error) {
        this.status(error.message);
        return;
      }
      this.job = job;
      const progress = dialog.querySelector(".kc-export-progress");
      progress.value = job.total_frames ? job.done_frames / job.total_frames : 0;
      this.status(`${job.status} ${job.done_frames}/${job.total_frames} frames`);
      if (["completed", "failed", "cancelled"].includes(job.status)) {
        dialog.querySelector(".kc-export-cancel").disabled = true;
        dialog.querySelector(".kc-export-start-button").disabled = false;
        if (job.status === "completed") {
          progress.value = 1;
          this.status(`done: ${job.output}${job.summary ? ` (${job.summary})` : ""}`);
          const video = dialog.querySelector(".kc-export-video");
          video.src = this.api.viewUrl("output", this.filename.includes(".") ? this.filename : `${this.filename}.mp4`);
          video.hidden = false;
        } else if (job.status === "failed") {
          this.status(`failed: ${job.error ?? "unknown error"}`);
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async cancel() {
    if (!this.job) return;
    try {
      await this.api.cancelJob(this.job.id);
    } catch (error) {
      this.onError(error);
    }
  }

  close() {
    this.element?.remove();
    this.element = null;
    this.job = null;
  }
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}
