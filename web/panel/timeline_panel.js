// The Timeline panel: a project's tracks and clips on a canvas with a frame-exact preview, a media bin, an
// inspector and an export dialog. State lives in this object, not in the DOM, so `mount(el)` can be called again
// whenever ComfyUI re-creates the tab's element. Every edit is an action sent to the server against the revision
// shown; the panel redraws from what the server answers and from the `kijkocut.change` feed, so an edit made by
// the MCP server, the CLI or another browser shows up here too.
import { ExportDialog } from "./export_dialog.js";
import { LatestFrameLoader, LruCache } from "./frame_cache.js";
import { applyChanges } from "./project_changes.js";
import { Inspector } from "./inspector.js";
import { MEDIA_TYPE, MediaBin, TRANSITION_TYPE } from "./media_bin.js";
import { PanelApi } from "./panel_api.js";
import { PlaybackAudio } from "./playback_audio.js";
import { HEADER_WIDTH, drawTimeline, headerFlagAt } from "./timeline_draw.js";
import {
  CANVAS_PRESETS,
  FRAME_RATES,
  RULER_HEIGHT,
  cutNear,
  dragEdit,
  fitView,
  fps,
  frameTime,
  frameToken,
  groupMoveEdits,
  hitTest,
  layoutTracks,
  markerAt,
  nearestFrame,
  parseTime,
  projectDuration,
  projectSettings,
  scrollBy,
  slipEdit,
  snap,
  snapTargets,
  timeOfX,
  timecode,
  trackDrop,
  xOfTime,
  zoomAt,
} from "./timeline_math.js";

export const PREVIEW_WIDTHS = { "180p": 320, "360p": 640, "540p": 960, "720p": 1280 };
const PLAYBACK_WIDTH = 320;
const FRAME_CACHE_FRAMES = 90; // 640x360 RGBA bitmaps: ~80 MB at most, however long one scrubs
const ZOOM_STEP = 1.25;
const PREVIEW_AFTER_EDIT_MS = 120;
const THUMBNAIL_CACHE = 400;
const THUMBNAIL_RETRY_MS = 3000;
const THUMBNAIL_REQUESTS = 2; // at once: filmstrips never crowd out the preview frame
// A save by another program is pushed as `kijkocut.change`, but only when the server notices it before
// anything else reads the project (ProjectStore.get re-reads a changed file without announcing it): a cheap
// revision check every few seconds while the panel is shown catches the rest.
const REVISION_CHECK_MS = 2000;

const STYLE = `
.kc-panel { position: relative; display: flex; flex-direction: column; height: 100%; min-height: 240px; color: #ddd; background: #16181c;
  font: 12px sans-serif; outline: none; }
.kc-panel:focus-within, .kc-panel:focus { box-shadow: inset 0 0 0 1px #3d6fb6; }
.kc-toolbar { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; padding: 4px; border-bottom: 1px solid #2b2f36; }
.kc-toolbar button, .kc-button, .kc-toolbar select, .kc-toolbar input { background: #2b2f36; color: #ddd; border: 1px solid #3a3f48;
  border-radius: 3px; padding: 2px 6px; font-size: 12px; cursor: pointer; }
.kc-toolbar input.kc-name { width: 120px; cursor: text; }
.kc-sep { width: 1px; height: 18px; background: #3a3f48; margin: 0 2px; }
.kc-status { margin-left: auto; color: #ffb366; max-width: 40%; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.kc-timecode { font-family: monospace; min-width: 90px; }
.kc-body { display: flex; flex: 1; min-height: 0; }
.kc-bin { width: 190px; display: flex; flex-direction: column; border-right: 1px solid #2b2f36; min-height: 0; }
.kc-bin-bar { display: flex; gap: 3px; padding: 3px; }
.kc-bin-bar select, .kc-bin-bar button { background: #2b2f36; color: #ddd; border: 1px solid #3a3f48; font-size: 11px; }
.kc-bin-list { flex: 1; overflow-y: auto; }
.kc-bin-item { display: flex; gap: 4px; padding: 2px 4px; cursor: grab; align-items: center; }
.kc-bin-item:hover { background: #23262c; }
.kc-bin-item img, .kc-bin-item canvas { width: 48px; height: 27px; object-fit: cover; background: #000; flex: none; }
.kc-bin-text { display: flex; flex-direction: column; overflow: hidden; font-size: 11px; }
.kc-bin-text span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.kc-bin-transitions { display: flex; flex-wrap: wrap; gap: 2px; padding: 3px; border-top: 1px solid #2b2f36; }
.kc-chip { background: #3a3f48; border-radius: 8px; padding: 1px 6px; font-size: 10px; cursor: grab; }
.kc-preview { flex: none; width: 320px; display: flex; align-items: center; justify-content: center; background: #000; }
.kc-preview canvas { max-width: 100%; max-height: 100%; }
.kc-timeline { flex: 1; position: relative; min-width: 0; }
.kc-timeline canvas { position: absolute; inset: 0; width: 100%; height: 100%; touch-action: none; }
.kc-inspector { width: 200px; overflow-y: auto; border-left: 1px solid #2b2f36; padding: 4px; }
.kc-inspector-title { font-weight: bold; margin-bottom: 4px; }
.kc-field { display: flex; justify-content: space-between; gap: 4px; margin: 2px 0; }
.kc-key { background: none; border: none; color: #ffcc00; cursor: pointer; padding: 0 2px; }
.kc-key:disabled { color: #555; cursor: default; }
.kc-field input, .kc-field select { width: 100px; background: #2b2f36; color: #ddd; border: 1px solid #3a3f48; }
.kc-export { position: absolute; right: 210px; top: 34px; bottom: 4px; overflow-y: auto; z-index: 5; background: #23262c;
  border: 1px solid #3a3f48; padding: 8px; width: 320px; box-shadow: 0 4px 16px #000a; }
.kc-export progress { width: 100%; }
.kc-export video { width: 100%; margin-top: 4px; }
.kc-export-title { font-weight: bold; margin-bottom: 6px; }
`;

export class TimelinePanel {
  constructor(api, setting = (id, fallback) => fallback, graph = null) {
    this.api = new PanelApi(api);
    this.setting = setting;
    this.graph = graph; // a GraphLink (graph_link.js) in ComfyUI: "Use in graph"
    this.pendingOpen = null; // a project a graph node asked for before the panel was first shown
    this.project = null;
    this.projects = [];
    this.view = { pxPerSecond: 40, scroll: 0 };
    this.playhead = 0;
    this.selection = new Set();
    this.selectedTransition = null;
    this.heights = {};
    this.scrollY = 0;
    this.drag = null;
    this.trackDrag = null; // a track header being dragged to another place in the stack
    this.markerDrag = null; // a marker being dragged along the ruler: {id, x, from, time, moved}
    this.selectedMarker = null; // the marker Delete removes
    this.guide = null;
    this.clipboard = null;
    this.playing = null;
    this.root = null;
    this.reloading = null;
    this.reloadAgain = false;
    this.waveforms = new Map(); // media id -> peaks, or "loading" / "none"
    this.thumbnails = new LruCache(THUMBNAIL_CACHE, (bitmap) => bitmap?.close?.()); // "media|t|h" -> bitmap
    this.thumbnailQueue = [];
    this.thumbnailsLoading = 0;
    // Figures the browser tests and benchmarks read (window.kijkocutPanel): what is shown and how long it took.
    this.metrics = { shownFrameKey: null, frameShownAt: 0, editMs: [], drawMs: [], lastDrawn: 0 };
    this.loader = new LatestFrameLoader(
      (key, signal) => this.loadFrame(key, signal),
      FRAME_CACHE_FRAMES,
      (bitmap) => bitmap?.close?.(),
    );
    this.bin = new MediaBin(this.api, (error) => this.report(error));
    this.inspector = new Inspector((action, params) => this.edit(action, params));
    this.exportDialog = new ExportDialog(this.api, (error) => this.report(error));
    this.audio = new PlaybackAudio(this.api, (error) => this.report(error));
  }

  // --- mounting ---------------------------------------------------------------------------------------------

  mount(el) {
    if (!this.root) this.build();
    el.style.height = "100%"; // the tab's element: the panel fills the bottom panel however it is resized
    el.append(this.root);
    this.resizeObserver?.disconnect();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.timelineCell);
    this.resize();
    clearInterval(this.revisionCheck);
    this.revisionCheck = setInterval(() => this.checkRevision(), REVISION_CHECK_MS);
    if (!this.projectsLoaded) {
      this.projectsLoaded = true;
      this.bin.refresh();
      this.refreshProjects(true);
    }
    globalThis.kijkocutPanel = this;
  }

  unmount() {
    this.stop();
    clearInterval(this.revisionCheck);
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
  }

  build() {
    const root = document.createElement("div");
    root.className = "kc-panel";
    root.tabIndex = 0;
    root.innerHTML = `<style>${STYLE}</style>
      <div class="kc-toolbar">
        <select class="kc-project" title="Open a project"></select>
        <input class="kc-name" title="Project name (Enter renames)">
        <select class="kc-preset" title="Canvas of a new project">${Object.keys(CANVAS_PRESETS).map((p) => `<option>${p}</option>`).join("")}</select>
        <select class="kc-fps" title="Frame rate of a new project">${FRAME_RATES.map((r) => `<option>${r}</option>`).join("")}</select>
        <button class="kc-new" title="Create a project with this canvas and frame rate">New</button>
        <span class="kc-sep"></span>
        <button class="kc-undo" title="Undo (Ctrl+Z)">↶</button>
        <button class="kc-redo" title="Redo (Ctrl+Shift+Z)">↷</button>
        <button class="kc-split" title="Split at the playhead (S)">Split</button>
        <button class="kc-delete" title="Ripple delete (Delete)">Ripple delete</button>
        <select class="kc-track-kind">${["video", "overlay", "audio", "text", "adjustment"].map((k) => `<option>${k}</option>`).join("")}</select>
        <button class="kc-add-track" title="Add a track of this kind">+ Track</button>
        <span class="kc-sep"></span>
        <button class="kc-zoom-out" title="Zoom out (-)">−</button>
        <button class="kc-zoom-in" title="Zoom in (+)">+</button>
        <button class="kc-fit" title="Zoom to fit (\\)">Fit</button>
        <label title="Snap to edges, the playhead and markers"><input type="checkbox" class="kc-snap"> Snap</label>
        <span class="kc-sep"></span>
        <button class="kc-play" title="Play/pause (Space)">▶</button>
        <span class="kc-timecode">00:00:00:00</span>
        <button class="kc-export-open" title="Export the project">Export…</button>
        <button class="kc-use-in-graph" title="Add a Load Panel Project node for this project to the graph, wired to its Render/Export nodes">Use in graph</button>
        <span class="kc-status"></span>
      </div>
      <div class="kc-body">
        <div class="kc-preview"><canvas class="kc-preview-canvas" width="640" height="360"></canvas></div>
        <div class="kc-timeline"><canvas class="kc-timeline-canvas"></canvas></div>
      </div>`;
    this.root = root;
    const $ = (selector) => root.querySelector(selector);
    this.bin.mount($(".kc-body"));
    $(".kc-body").prepend(this.bin.element);
    this.inspector.mount($(".kc-body"));
    this.canvas = $(".kc-timeline-canvas");
    this.timelineCell = $(".kc-timeline");
    this.previewCanvas = $(".kc-preview-canvas");
    $(".kc-snap").checked = this.setting("KijkoCut.Timeline.Snapping", true) !== false;
    $(".kc-project").addEventListener("change", (event) => this.open(event.target.value));
    $(".kc-name").addEventListener("change", (event) => this.rename(event.target.value));
    $(".kc-new").addEventListener("click", () => this.create());
    $(".kc-undo").addEventListener("click", () => this.history("undo"));
    $(".kc-redo").addEventListener("click", () => this.history("redo"));
    $(".kc-split").addEventListener("click", () => this.split());
    $(".kc-delete").addEventListener("click", () => this.deleteSelection(true));
    $(".kc-add-track").addEventListener("click", () => this.edit("add_track", { kind: $(".kc-track-kind").value }));
    $(".kc-zoom-in").addEventListener("click", () => this.zoom(ZOOM_STEP));
    $(".kc-zoom-out").addEventListener("click", () => this.zoom(1 / ZOOM_STEP));
    $(".kc-fit").addEventListener("click", () => this.fit());
    $(".kc-play").addEventListener("click", () => this.togglePlay());
    $(".kc-export-open").addEventListener("click", () => this.project && this.exportDialog.open(root, this.project));
    $(".kc-use-in-graph").hidden = !this.graph;
    $(".kc-use-in-graph").addEventListener("click", () => this.useInGraph());
    root.addEventListener("keydown", (event) => this.onKey(event));
    this.canvas.addEventListener("pointerdown", (event) => this.onPointerDown(event));
    this.canvas.addEventListener("pointermove", (event) => this.onPointerMove(event));
    this.canvas.addEventListener("pointerup", (event) => this.onPointerUp(event));
    this.canvas.addEventListener("pointercancel", () => this.cancelDrag());
    this.canvas.addEventListener("wheel", (event) => this.onWheel(event), { passive: false });
    this.canvas.addEventListener("dblclick", (event) => this.toggleTrackHeight(event));
    this.canvas.addEventListener("dragover", (event) => {
      const types = [...event.dataTransfer.types];
      if (types.includes(MEDIA_TYPE) || types.includes(TRANSITION_TYPE)) event.preventDefault();
    });
    this.canvas.addEventListener("drop", (event) => this.onDrop(event));
    this.inspector.show(null, null);
  }

  $(selector) {
    return this.root.querySelector(selector);
  }

  get laneWidth() {
    return Math.max(1, (this.canvas?.clientWidth ?? 800) - HEADER_WIDTH);
  }

  resize() {
    const ratio = globalThis.devicePixelRatio || 1;
    const { clientWidth, clientHeight } = this.canvas;
    this.canvas.width = Math.max(1, Math.round(clientWidth * ratio));
    this.canvas.height = Math.max(1, Math.round(clientHeight * ratio));
    if (this.viewOnShow && clientWidth && this.project) this.openingView();
    this.draw();
  }

  // --- projects -----------------------------------------------------------------------------------------------

  async refreshProjects(openNewest = false) {
    try {
      this.projects = await this.api.projects();
    } catch (error) {
      this.report(error);
      return;
    }
    const select = this.$(".kc-project");
    select.replaceChildren(new Option("— project —", ""));
    for (const project of this.projects) select.append(new Option(project.name, project.id));
    if (this.project) select.value = this.project.id;
    else if (this.pendingOpen) await this.openFromGraph(this.pendingOpen);
    else if (openNewest && this.projects.length) {
      const newest = [...this.projects].sort((a, b) => String(b.modified ?? "").localeCompare(String(a.modified ?? "")))[0];
      await this.open(newest.id);
    }
  }

  async create() {
    const settings = projectSettings(this.$(".kc-preset").value, this.$(".kc-fps").value);
    const name = `Timeline ${this.projects.length + 1}`;
    try {
      const created = await this.api.createProject(name, settings);
      await this.open(created.id);
      await this.refreshProjects();
      this.status(`created ${name} (${settings.width}x${settings.height} @ ${settings.frame_rate})`);
    } catch (error) {
      this.report(error);
    }
  }

  async open(id) {
    if (!id) return;
    this.stop();
    this.loader.clear();
    this.waveforms.clear();
    this.thumbnails.clear();
    this.thumbnailQueue = [];
    this.selection.clear();
    this.selectedTransition = null;
    this.playhead = 0;
    this.project = null;
    await this.reload(id);
    if (!this.project) return;
    this.openingView();
    this.$(".kc-project").value = id;
    this.draw();
    this.preview();
  }

  // The view a project opens with: fitted, or the default zoom for a long one. A panel hidden meanwhile (a project
  // opened from the graph while the bottom panel is closed) has no width yet: it is done once the panel shows.
  openingView() {
    this.viewOnShow = !this.canvas?.clientWidth;
    const visible = Number(this.setting("KijkoCut.Timeline.DefaultZoom", 30)) || 30;
    const duration = projectDuration(this.project);
    this.view = duration > 0 ? fitView(duration, this.laneWidth) : { pxPerSecond: this.laneWidth / visible, scroll: 0 };
    if (duration > visible * 4) this.view = { pxPerSecond: this.laneWidth / visible, scroll: 0 };
  }

  // A graph node naming a stored project (by id or name) was selected: show that project.
  async openFromGraph(ref) {
    if (!this.root || !this.projectsLoaded) {
      this.pendingOpen = ref;
      return;
    }
    this.pendingOpen = null;
    const find = () => this.projects.find((p) => p.id === ref) ?? this.projects.find((p) => p.name === ref);
    if (!find()) await this.refreshProjects();
    const found = find();
    if (!found) return this.status(`the selected node names no stored project ${JSON.stringify(ref)}`);
    if (this.project?.id === found.id) return;
    await this.open(found.id);
    this.status(`opened ${found.name} from the selected node`);
  }

  useInGraph() {
    if (!this.project) return this.status("open or create a project first");
    try {
      const { created, wired } = this.graph.useInGraph(this.project.id);
      const into = wired.map((n) => n.title).join(", ");
      this.status(created ? `Load Panel Project added${into ? ` → ${into}` : ""}` : "already in the graph: selected it");
    } catch (error) {
      this.report(error);
    }
  }

  async rename(name) {
    if (!this.project || !name.trim()) return;
    try {
      await this.api.rename(this.project.id, name.trim(), this.project.revision);
      await this.reload();
      await this.refreshProjects();
    } catch (error) {
      this.report(error);
    }
  }

  // Fetch the project as the server has it now (coalesced: changes arriving during a load cause one more).
  async reload(id = this.project?.id) {
    if (!id) return;
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          this.setProject(await this.api.project(id));
        } catch (error) {
          this.report(error);
        }
      } while (this.reloadAgain);
    })();
    try {
      await this.reloading;
    } finally {
      this.reloading = null;
    }
  }

  setProject(project) {
    this.project = project;
    this.mediaNames = Object.fromEntries(
      Object.values(project.media ?? {}).map((m) => [m.id, m.name || m.path.split(/[\\/]/).pop()]),
    );
    const ids = new Set(project.tracks.flatMap((t) => t.elements.map((e) => e.id)));
    for (const id of [...this.selection]) if (!ids.has(id)) this.selection.delete(id);
    if (this.selectedTransition) {
      this.selectedTransition = project.tracks.flatMap((t) => t.transitions ?? []).find((t) => t.id === this.selectedTransition.id) ?? null;
    }
    this.$(".kc-name").value = project.name;
    this.$(".kc-undo").disabled = !project.can_undo;
    this.$(".kc-redo").disabled = !project.can_redo;
    this.showInspector();
    this.draw();
    // The new revision's frame once edits settle: a burst of edits (a drag, undo pressed repeatedly) does not
    // make the server render frames nobody will see, in the same process that commits the next edit.
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => this.preview(), PREVIEW_AFTER_EDIT_MS);
  }

  // A `kijkocut.change` event from the server's feed. An edit's, undo's or redo's event for the revision after
  // the one shown is applied at once: our own edit's event arrives before its HTTP answer, so the edit shows
  // sooner, and another front end's edit redraws without fetching the whole project. Anything else is fetched
  // (once the edits in flight are done).
  onChange(event) {
    if (!this.project || event?.project_id !== this.project.id) return;
    if (event.revision <= this.project.revision) return;
    const stepped = ["edit", "undo", "redo"].includes(event.kind) && Array.isArray(event.changes);
    if (stepped && !this.reloading && this.showChanges(event.revision, event.changes, event.can_undo, event.can_redo)) return;
    if (this.editsInFlight) this.missedRevision = Math.max(this.missedRevision ?? 0, event.revision);
    else this.reload();
  }

  async checkRevision() {
    const shown = this.project;
    if (!shown || this.reloading || this.editsInFlight || document.hidden) return;
    try {
      const answer = await this.api.changesSince(shown.id, shown.revision);
      if (this.project === shown && answer.revision !== shown.revision) this.reload();
    } catch {
      // a project deleted meanwhile or a server restarting: the next edit or reload reports it
    }
  }

  // --- edits ----------------------------------------------------------------------------------------------------

  edit(action, params, folder = "input") {
    return this.commit(action, (id, revision) => this.api.apply(id, action, params, revision, folder));
  }

  // Several actions of one gesture (the selected clips deleted, split or pasted): ONE undo step.
  editAll(actions, title) {
    if (actions.length <= 1) return actions.length ? this.edit(actions[0].name, actions[0].params) : null;
    return this.commit(title, (id, revision) => this.api.applyAll(id, actions, revision, title));
  }

  async commit(label, send) {
    if (!this.project) {
      this.status("open or create a project first");
      return null;
    }
    const started = performance.now();
    this.editsInFlight = (this.editsInFlight ?? 0) + 1;
    try {
      const answer = await send(this.project.id, this.project.revision);
      await this.adopt(answer);
      this.metrics.editMs.push(performance.now() - started);
      this.status(answer.label ?? label);
      return answer;
    } catch (error) {
      this.report(error);
      if (error.status === 409 || error.status === 0) await this.reload(); // stale, or the answer was lost
      return null;
    } finally {
      this.editsInFlight -= 1;
      if (!this.editsInFlight && this.missedRevision > (this.project?.revision ?? 0)) this.reload();
      if (!this.editsInFlight) this.missedRevision = 0;
    }
  }

  // Show an edit's outcome: its changes applied to the project shown when they follow from it directly (no
  // refetch of a large project), else the project fetched again.
  async adopt(answer) {
    if (this.reloading) await this.reloading;
    const shown = this.project;
    if (!shown || answer.project_id !== shown.id || answer.revision <= shown.revision) return;
    if (!this.showChanges(answer.revision, answer.changes, answer.can_undo, answer.can_redo)) await this.reload();
  }

  // One revision's changes applied to the project shown; false when they do not follow from it.
  showChanges(revision, changes, canUndo, canRedo) {
    const shown = this.project;
    if (!shown || revision !== shown.revision + 1) return false;
    try {
      const next = applyChanges(shown, changes);
      this.setProject({ ...next, revision, can_undo: canUndo ?? true, can_redo: canRedo ?? false });
      return true;
    } catch (error) {
      console.warn("KijkoCut: reloading the project after a change it could not apply:", error);
      return false;
    }
  }

  async history(step) {
    if (!this.project) return;
    try {
      const answer = await this.api[step](this.project.id, this.project.revision);
      await this.adopt(answer);
      this.status(`${step}: ${answer.label ?? ""}`);
    } catch (error) {
      this.report(error);
      if (error.status === 409 || error.status === 0) await this.reload(); // stale, or the answer was lost
    }
  }

  selectedElements() {
    if (!this.project) return [];
    return this.project.tracks.flatMap((t) => t.elements.filter((e) => this.selection.has(e.id)));
  }

  async split() {
    const at = frameToken(nearestFrame(this.playhead, this.project?.settings.frame_rate ?? "30"));
    const under = this.selectedElements().filter((e) => {
      const start = parseTime(e.start);
      return this.playhead > start && this.playhead < start + parseTime(e.duration);
    });
    if (!under.length) return this.edit("split_at", { at });
    const splits = under.map((element) => ({ name: "split_element", params: { element_id: element.id, at } }));
    return this.editAll(splits, `Split ${splits.length} clips`);
  }

  async deleteSelection(ripple) {
    if (this.selectedMarker) {
      const id = this.selectedMarker;
      this.selectedMarker = null;
      if ((this.project?.markers ?? []).some((m) => m.id === id)) return this.edit("remove_marker", { marker_id: id });
    }
    const deletes = this.selectedElements().map((element) => ({ name: "delete_element", params: { element_id: element.id, ripple } }));
    return this.editAll(deletes, `Delete ${deletes.length} clips`);
  }

  // Ctrl+A: every element of the timeline, for one gesture over all of them.
  selectAll() {
    if (!this.project) return;
    this.selection = new Set(this.project.tracks.flatMap((t) => t.elements.map((e) => e.id)));
    this.selectedTransition = null;
    this.selectedMarker = null;
    this.status(`${this.selection.size} selected`);
    this.showInspector();
    this.draw();
  }

  copy() {
    this.clipboard = this.selectedElements().filter((e) => e.kind === "clip").map((e) => ({ ...e, track: this.trackOf(e.id)?.id }));
    this.status(`${this.clipboard.length} clip(s) copied`);
  }

  async paste() {
    if (!this.clipboard?.length || !this.project) return;
    const frameRate = this.project.settings.frame_rate;
    const first = Math.min(...this.clipboard.map((e) => parseTime(e.start)));
    const adds = this.clipboard.map((element) => ({
      name: "add_clip",
      params: {
        media_id: element.media_id,
        track_id: element.track,
        start: frameToken(nearestFrame(this.playhead + parseTime(element.start) - first, frameRate)),
        source_in: element.source_in,
        duration: element.duration,
      },
    }));
    const answer = await this.editAll(adds, `Paste ${adds.length} clips`);
    // What was pasted is selected (to move it on, or delete it), as in other editors.
    const pasted = [answer?.created ?? []].flat().map((created) => created?.element_id).filter(Boolean);
    if (pasted.length && this.project) {
      this.selection = new Set(pasted);
      this.showInspector();
      this.draw();
    }
    return answer;
  }

  trackOf(elementId) {
    return this.project?.tracks.find((t) => t.elements.some((e) => e.id === elementId)) ?? null;
  }

  // --- view -------------------------------------------------------------------------------------------------------

  zoom(factor, anchorX = xOfTime(this.view, this.playhead)) {
    const anchor = Math.min(this.laneWidth, Math.max(0, anchorX));
    this.view = zoomAt(this.view, factor, anchor, this.laneWidth);
    this.draw();
  }

  fit() {
    if (!this.project) return;
    this.view = fitView(projectDuration(this.project), this.laneWidth);
    this.draw();
  }

  draw() {
    if (this.drawPending || !this.canvas) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.drawNow();
    });
  }

  drawNow() {
    if (!this.canvas) return;
    const started = performance.now();
    const ctx = this.canvas.getContext("2d");
    const ratio = this.canvas.width / Math.max(1, this.canvas.clientWidth);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const result = drawTimeline(ctx, this.canvas.clientWidth, this.canvas.clientHeight, {
      project: this.project,
      view: this.view,
      playhead: this.playhead,
      selection: this.selection,
      heights: this.heights,
      scrollY: this.scrollY,
      drag: this.drag,
      trackDrag: this.trackDrag,
      markerDrag: this.markerDrag,
      selectedMarker: this.selectedMarker,
      guide: this.guide,
      mediaNames: this.mediaNames,
      waveforms: this.waveforms,
      wantWaveform: (mediaId) => this.loadWaveform(mediaId),
      thumbnail: (mediaId, t, height) => this.thumbnail(mediaId, t, height),
      laneWidth: this.laneWidth,
    });
    this.metrics.lastDrawn = result.drawn;
    this.metrics.drawMs.push(performance.now() - started);
    if (this.metrics.drawMs.length > 1000) this.metrics.drawMs.splice(0, 500);
    if (this.project) this.$(".kc-timecode").textContent = timecode(this.playhead, this.project.settings.frame_rate);
  }

  // A filmstrip tile: the cached bitmap, or null while it is fetched (a few at a time, newest wish first).
  thumbnail(mediaId, seconds, height) {
    const key = `${mediaId}|${seconds}|${height}`;
    const cached = this.thumbnails.get(key);
    if (cached !== undefined) return cached;
    if (!this.thumbnailQueue.some((job) => job.key === key)) {
      this.thumbnailQueue.push({ key, mediaId, seconds, height });
      if (this.thumbnailQueue.length > 64) this.thumbnailQueue.shift(); // scrolled past: not wanted any more
    }
    this.pumpThumbnails();
    return null;
  }

  pumpThumbnails() {
    while (this.thumbnailsLoading < THUMBNAIL_REQUESTS && this.thumbnailQueue.length && this.project) {
      const job = this.thumbnailQueue.pop();
      const projectId = this.project.id;
      const width = Math.round((job.height * 16) / 9);
      this.thumbnailsLoading += 1;
      this.thumbnails.set(job.key, null); // asked for: not again while it loads or after it failed
      this.api
        .mediaThumbnail(projectId, job.mediaId, job.seconds, Math.max(8, width))
        .then((bitmap) => {
          this.thumbnails.set(job.key, bitmap);
          this.draw();
        })
        .catch((error) => {
          // 503: the media's preview proxy is still being made; ask again later. Other failures stay blank.
          if (error.status === 503) setTimeout(() => this.thumbnails.delete(job.key), THUMBNAIL_RETRY_MS);
        })
        .finally(() => {
          this.thumbnailsLoading -= 1;
          this.pumpThumbnails();
        });
    }
  }

  async loadWaveform(mediaId) {
    if (this.waveforms.has(mediaId) || !this.project) return;
    this.waveforms.set(mediaId, "loading");
    try {
      const answer = await this.api.waveform(this.project.id, mediaId);
      this.waveforms.set(mediaId, answer.peaks);
      this.draw();
    } catch {
      this.waveforms.set(mediaId, "none"); // no sound, or a file this server may not open: nothing drawn
    }
  }

  // --- playhead and preview ---------------------------------------------------------------------------------------

  setPlayhead(seconds, { lowRes = false } = {}) {
    if (!this.project) return;
    const frameRate = this.project.settings.frame_rate;
    this.playhead = nearestFrame(Math.max(0, seconds), frameRate) / fps(frameRate);
    // While playing, only keyed values shown in the inspector follow (a few fields; the rest waits for the stop).
    if (!this.playing || this.inspector.keyedInputs.length) this.inspectorTime();
    this.draw();
    this.preview({ lowRes });
  }

  previewWidth(lowRes) {
    const { width, height } = this.project.settings;
    const wanted = lowRes ? PLAYBACK_WIDTH : PREVIEW_WIDTHS[this.setting("KijkoCut.Timeline.PreviewQuality", "360p")] ?? 640;
    const boxHeight = Math.round((wanted * 9) / 16);
    return Math.max(16, Math.min(wanted, Math.round((boxHeight * width) / height)));
  }

  // Show the exact frame at the playhead (latest wins: a newer position aborts the request of an older one).
  async preview({ lowRes = false } = {}) {
    if (!this.project) return;
    const frameRate = this.project.settings.frame_rate;
    const duration = projectDuration(this.project);
    if (duration <= 0) {
      this.clearPreview();
      return;
    }
    const last = Math.max(0, Math.ceil(duration * fps(frameRate)) - 1);
    const frame = Math.min(nearestFrame(this.playhead, frameRate), last);
    const key = [this.project.id, this.project.revision, frame, this.previewWidth(lowRes)].join("|");
    if (lowRes && this.playing) {
      // Playback: one request at a time, each frame shown when it arrives (latest-wins would abort every
      // request before the server answers, at 60 playhead moves a second).
      if (this.playbackLoading) return;
      this.playbackLoading = true;
      try {
        const bitmap = await this.loader.show(key);
        if (bitmap && this.playing) this.paintPreview(bitmap, key);
      } catch (error) {
        this.report(error);
      } finally {
        this.playbackLoading = false;
      }
      return;
    }
    this.wantedKey = key;
    let bitmap;
    try {
      bitmap = await this.loader.show(key);
    } catch (error) {
      this.report(error);
      return;
    }
    if (!bitmap || key !== this.wantedKey) return;
    this.paintPreview(bitmap, key);
    if (!this.playing && !lowRes) {
      const [id, revision, , width] = key.split("|");
      const around = [1, -1, 2].map((d) => frame + d).filter((f) => f >= 0 && f <= last);
      this.loader.prefetch(around.map((f) => [id, revision, f, width].join("|")));
    }
  }

  loadFrame(key, signal) {
    const [id, , frame, width] = key.split("|");
    return this.api.frame(id, frameTime(Number(frame), this.project.settings.frame_rate), Number(width), signal);
  }

  paintPreview(bitmap, key) {
    const canvas = this.previewCanvas;
    if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
    }
    canvas.getContext("2d").drawImage(bitmap, 0, 0);
    this.metrics.shownFrameKey = key;
    this.metrics.frameShownAt = performance.now();
  }

  clearPreview() {
    const ctx = this.previewCanvas.getContext("2d");
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, this.previewCanvas.width, this.previewCanvas.height);
    this.metrics.shownFrameKey = null;
  }

  togglePlay(rate = 1) {
    if (this.playing && this.playing.rate === rate) this.stop();
    else this.play(rate);
  }

  play(rate = 1) {
    if (!this.project) return;
    this.stop();
    const duration = projectDuration(this.project);
    if (rate > 0 && this.playhead >= duration) this.playhead = 0;
    this.playing = { rate, startWall: performance.now(), startPosition: this.playhead };
    const playing = this.playing;
    this.audio.start(this.project.id, this.playhead, duration, rate, {
      clock: () => (this.playing === playing ? this.playingPosition() : null),
      frameSeconds: 1 / fps(this.project.settings.frame_rate),
    });
    this.$(".kc-play").textContent = "❚❚";
    const tick = () => {
      if (!this.playing) return;
      const position = this.playingPosition();
      if (position >= duration || position <= 0) {
        this.setPlayhead(Math.min(Math.max(position, 0), duration));
        this.stop();
        return;
      }
      this.setPlayhead(position, { lowRes: true });
      this.playing.frame = requestAnimationFrame(tick);
    };
    this.playing.frame = requestAnimationFrame(tick);
  }

  // Where playback's clock (the picture's) is on the timeline now.
  playingPosition() {
    return this.playing.startPosition + (this.playing.rate * (performance.now() - this.playing.startWall)) / 1000;
  }

  stop() {
    if (!this.playing) return;
    cancelAnimationFrame(this.playing.frame);
    this.audio.stop();
    this.playing = null;
    if (this.root) this.$(".kc-play").textContent = "▶";
    this.inspectorTime(); // playback leaves the inspector alone: it shows the values where it stopped
    this.preview();
  }

  // --- pointer --------------------------------------------------------------------------------------------------

  point(event) {
    const box = this.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    return { x, y: event.clientY - box.top, lane: x - HEADER_WIDTH };
  }

  rows() {
    return this.project ? layoutTracks(this.project.tracks, this.heights, this.scrollY) : [];
  }

  transitionAt(row, lane, y) {
    for (const transition of row.track.transitions ?? []) {
      const from = row.track.elements.find((e) => e.id === transition.from_id);
      if (!from) continue;
      const cut = parseTime(from.start) + parseTime(from.duration);
      const duration = parseTime(transition.duration);
      const offset = { center: duration / 2, start: 0, end: duration }[transition.alignment] ?? duration / 2;
      const x0 = xOfTime(this.view, cut - offset);
      const x1 = x0 + Math.max(4, duration * this.view.pxPerSecond);
      if (lane >= x0 && lane <= x1 && Math.abs(y - (row.y + row.height / 2)) <= 7) return transition;
    }
    return null;
  }

  onPointerDown(event) {
    this.root.focus({ preventScroll: true });
    if (!this.project || event.button !== 0) return;
    const { x, y, lane } = this.point(event);
    this.canvas.setPointerCapture(event.pointerId);
    if (y < RULER_HEIGHT && lane >= 0) {
      const marker = markerAt(this.project.markers, this.view, lane, y);
      if (marker) {
        // A marker: selected (Delete removes it), dragged to move it, a click puts the playhead on it.
        this.selectedMarker = marker.id;
        this.markerDrag = { id: marker.id, x: lane, time: parseTime(marker.time), from: parseTime(marker.time), moved: false };
        this.draw();
        return;
      }
      this.selectedMarker = null;
      this.scrubbing = true;
      this.setPlayhead(timeOfX(this.view, lane));
      return;
    }
    const rows = this.rows();
    if (x < HEADER_WIDTH) {
      const row = rows.find((r) => y >= r.y && y < r.y + r.height);
      const flag = row && headerFlagAt(row, x, y);
      if (flag) this.edit("update_track", { track_id: row.track.id, [flag]: !row.track[flag] });
      else if (row) this.trackDrag = { trackId: row.track.id, from: row.index, y, moved: false, drop: null };
      return;
    }
    const hit = hitTest(rows, this.view, lane, y);
    const transition = hit?.row && this.transitionAt(hit.row, lane, y);
    if (transition) {
      this.selection.clear();
      this.selectedTransition = transition;
      this.showInspector();
      this.draw();
      return;
    }
    this.selectedTransition = null;
    this.selectedMarker = null;
    const slip = (event.ctrlKey || event.metaKey) && hit?.part === "body" && hit.element.kind === "clip";
    if (slip && !hit.row.track.locked) {
      // Ctrl+drag a clip's body: slip (a Ctrl+click without a drag still adds it to the selection, on release).
      this.drag = { element: hit.element, part: "body", slip: true, x: lane, y, delta: 0, moved: false };
      this.draw();
      return;
    }
    if (hit?.element) {
      if (event.shiftKey || event.ctrlKey || event.metaKey) {
        if (this.selection.has(hit.element.id)) this.selection.delete(hit.element.id);
        else this.selection.add(hit.element.id);
      } else if (!this.selection.has(hit.element.id)) {
        this.selection = new Set([hit.element.id]);
      }
      if (!hit.row.track.locked) {
        this.drag = { element: hit.element, part: hit.part, trackId: hit.row.track.id, row: hit.row, x: lane, y, delta: 0, moved: false };
        // The body of one of several selected elements: they move together, each on its own track.
        if (hit.part === "body" && this.selection.size > 1 && this.selection.has(hit.element.id)) this.drag.group = new Set(this.selection);
      }
    } else {
      this.selection.clear();
      if (hit) {
        this.scrubbing = true;
        this.setPlayhead(hit.t);
      }
    }
    this.showInspector();
    this.draw();
  }

  onPointerMove(event) {
    if (!this.project) return;
    const { y, lane } = this.point(event);
    if (this.scrubbing) {
      this.setPlayhead(timeOfX(this.view, lane));
      return;
    }
    if (this.markerDrag) {
      const dragged = this.markerDrag;
      if (!dragged.moved && Math.abs(lane - dragged.x) < 3) return;
      dragged.moved = true;
      let time = Math.max(0, dragged.from + (lane - dragged.x) / this.view.pxPerSecond);
      this.guide = null;
      if (this.$(".kc-snap").checked) {
        const others = (this.project.markers ?? []).filter((m) => m.id !== dragged.id);
        const snapped = snap([time], snapTargets(this.project.tracks, this.playhead, others), this.view.pxPerSecond);
        time += snapped.shift;
        this.guide = snapped.guide;
      }
      const rate = this.project.settings.frame_rate;
      dragged.time = nearestFrame(time, rate) / fps(rate);
      this.draw();
      return;
    }
    if (this.trackDrag) {
      const dragged = this.trackDrag;
      if (!dragged.moved && Math.abs(y - dragged.y) < 4) return;
      dragged.moved = true;
      dragged.drop = trackDrop(this.rows(), dragged.from, y);
      this.draw();
      return;
    }
    const drag = this.drag;
    if (!drag) return;
    if (!drag.moved && Math.abs(lane - drag.x) < 3 && Math.abs(y - drag.y) < 3) return;
    drag.moved = true;
    if (drag.slip) {
      drag.delta = (lane - drag.x) / this.view.pxPerSecond;
      const change = this.slipChange(drag);
      const frame = change ? change.frame : nearestFrame(parseTime(drag.element.source_in ?? "0"), this.project.settings.frame_rate);
      this.status(`slip: media from ${timecode(frame / fps(this.project.settings.frame_rate), this.project.settings.frame_rate)}`);
      return;
    }
    if (drag.group) return this.dragGroup(drag, lane);
    let delta = (lane - drag.x) / this.view.pxPerSecond;
    const start = parseTime(drag.element.start);
    const duration = parseTime(drag.element.duration);
    const edges = drag.part === "body" ? [start + delta, start + duration + delta] : [(drag.part === "start" ? start : start + duration) + delta];
    this.guide = null;
    if (this.$(".kc-snap").checked) {
      const targets = snapTargets(this.project.tracks, this.playhead, this.project.markers, new Set([drag.element.id]));
      const snapped = snap(edges, targets, this.view.pxPerSecond);
      delta += snapped.shift;
      this.guide = snapped.guide;
    }
    if (drag.part === "body") delta = Math.max(delta, -start);
    drag.delta = delta;
    const rows = this.rows();
    const target = drag.part === "body" ? rows.find((r) => y >= r.y && y < r.y + r.height) ?? drag.row : drag.row;
    drag.targetTrackId = target.track.id;
    drag.ghost = {
      id: drag.element.id,
      start: drag.part === "end" ? start : start + delta,
      duration: drag.part === "body" ? duration : drag.part === "start" ? duration - delta : duration + delta,
      y: target.y,
      height: target.height,
    };
    this.draw();
  }

  // A drag of several selected elements: the dragged one's edges snap (to what is not moving), the earliest stops
  // at 0, and each one's ghost is drawn on its own track.
  dragGroup(drag, lane) {
    const members = this.selectedElements().filter((e) => drag.group.has(e.id));
    let delta = (lane - drag.x) / this.view.pxPerSecond;
    const start = parseTime(drag.element.start);
    this.guide = null;
    if (this.$(".kc-snap").checked) {
      const targets = snapTargets(this.project.tracks, this.playhead, this.project.markers, drag.group);
      const snapped = snap([start + delta, start + parseTime(drag.element.duration) + delta], targets, this.view.pxPerSecond);
      delta += snapped.shift;
      this.guide = snapped.guide;
    }
    drag.delta = Math.max(delta, -Math.min(...members.map((e) => parseTime(e.start))));
    const rows = new Map(this.rows().map((row) => [row.track.id, row]));
    drag.ghosts = members.flatMap((element) => {
      const row = rows.get(this.trackOf(element.id)?.id);
      if (!row) return [];
      const duration = parseTime(element.duration);
      return [{ id: element.id, start: parseTime(element.start) + drag.delta, duration, y: row.y, height: row.height }];
    });
    this.draw();
  }

  async onPointerUp(event) {
    if (this.canvas.hasPointerCapture?.(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId);
    this.scrubbing = false;
    const markerDrag = this.markerDrag;
    this.markerDrag = null;
    if (markerDrag) {
      this.guide = null;
      const rate = this.project.settings.frame_rate;
      const frame = nearestFrame(markerDrag.time, rate);
      if (!markerDrag.moved) this.setPlayhead(markerDrag.from);
      this.draw();
      if (markerDrag.moved && frame !== nearestFrame(markerDrag.from, rate)) {
        await this.edit("move_marker", { marker_id: markerDrag.id, time: frameToken(frame) });
      }
      return;
    }
    const trackDrag = this.trackDrag;
    this.trackDrag = null;
    if (trackDrag) {
      this.draw();
      if (trackDrag.drop) await this.edit("reorder_track", { track_id: trackDrag.trackId, index: trackDrag.drop.index });
      return;
    }
    const drag = this.drag;
    this.drag = null;
    this.guide = null;
    if (drag?.slip) {
      if (!drag.moved) this.toggleSelected(drag.element.id);
      this.draw();
      const change = drag.moved && this.slipChange(drag);
      if (change) await this.edit(change.action, change.params);
      return;
    }
    if (!drag?.moved) {
      this.draw();
      return;
    }
    if (drag.group) {
      const members = this.selectedElements().filter((e) => drag.group.has(e.id));
      const moves = groupMoveEdits(members, drag.delta, this.project.settings.frame_rate);
      this.draw();
      if (moves.length) await this.editAll(moves, `Move ${members.length} clips`);
      return;
    }
    const change = dragEdit(drag, drag.delta, this.project.settings.frame_rate, drag.targetTrackId, {
      insert: event.altKey, // Alt+drag: insert (push later clips right) instead of overwrite
    });
    this.draw();
    if (change) await this.edit(change.action, change.params);
  }

  slipChange(drag) {
    const media = this.project.media?.[drag.element.media_id];
    const duration = media?.info?.duration;
    return slipEdit(drag.element, drag.delta, this.project.settings.frame_rate, duration == null ? null : parseTime(duration));
  }

  toggleSelected(id) {
    if (this.selection.has(id)) this.selection.delete(id);
    else this.selection.add(id);
    this.showInspector();
  }

  cancelDrag() {
    this.drag = null;
    this.markerDrag = null;
    this.trackDrag = null;
    this.guide = null;
    this.scrubbing = false;
    this.draw();
  }

  // Double-click a track header: twice the height, or back (a view setting of this browser, not an edit).
  toggleTrackHeight(event) {
    const { x, y } = this.point(event);
    if (x >= HEADER_WIDTH) return;
    const row = this.rows().find((r) => y >= r.y && y < r.y + r.height);
    if (!row) return;
    if (this.heights[row.track.id]) delete this.heights[row.track.id];
    else this.heights[row.track.id] = row.height * 2;
    this.draw();
  }

    onWheel(event) {
    if (!this.project) return;
    event.preventDefault();
    const { lane } = this.point(event);
    if (event.ctrlKey || event.metaKey) {
      this.zoom(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, lane);
    } else if (event.shiftKey) {
      this.scrollY = Math.max(0, this.scrollY + event.deltaY);
      this.draw();
    } else {
      this.view = scrollBy(this.view, Math.abs(event.deltaX) > Math.abs(event.deltaY) ? event.deltaX : event.deltaY);
      this.draw();
    }
  }

  async onDrop(event) {
    event.preventDefault();
    if (!this.project) {
      this.status("open or create a project first");
      return;
    }
    const { y, lane } = this.point(event);
    const row = this.rows().find((r) => y >= r.y && y < r.y + r.height);
    const transition = event.dataTransfer.getData(TRANSITION_TYPE);
    if (transition) {
      const cut = row && cutNear(row, this.view, lane, 16);
      if (!cut) {
        this.status("drop a transition on a cut between two clips that touch");
        return;
      }
      await this.edit("add_transition", { from_element_id: cut.from.id, to_element_id: cut.to.id, kind: transition });
      return;
    }
    const media = event.dataTransfer.getData(MEDIA_TYPE);
    if (!media) return;
    const { folder, name } = JSON.parse(media);
    let seconds = Math.max(0, timeOfX(this.view, lane));
    if (this.$(".kc-snap").checked) {
      seconds += snap([seconds], snapTargets(this.project.tracks, this.playhead, this.project.markers), this.view.pxPerSecond).shift;
    }
    const params = { path: name, start: frameToken(nearestFrame(seconds, this.project.settings.frame_rate)) };
    if (row && ["video", "overlay", "audio"].includes(row.track.kind)) params.track_id = row.track.id;
    else if (!row && this.project.tracks.length) params.new_track = true;
    await this.edit("add_clip", params, folder);
  }

  // --- keyboard (only while the panel has the focus: ComfyUI's own shortcuts keep working elsewhere) ------------

  onKey(event) {
    const tag = event.target?.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    const ctrl = event.ctrlKey || event.metaKey;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const frameRate = this.project?.settings.frame_rate ?? "30";
    const step = event.shiftKey ? fps(frameRate) : 1;
    const actions = {
      " ": () => this.togglePlay(1),
      k: () => this.stop(),
      l: () => this.play(this.playing?.rate > 0 ? Math.min(this.playing.rate * 2, 8) : 1),
      j: () => this.play(this.playing?.rate < 0 ? Math.max(this.playing.rate * 2, -8) : -1),
      ArrowRight: () => this.setPlayhead((nearestFrame(this.playhead, frameRate) + step) / fps(frameRate)),
      ArrowLeft: () => this.setPlayhead((nearestFrame(this.playhead, frameRate) - step) / fps(frameRate)),
      Home: () => this.setPlayhead(0),
      End: () => this.setPlayhead(this.project ? projectDuration(this.project) : 0),
      s: () => this.split(),
      m: () => this.edit("add_marker", { time: frameToken(nearestFrame(this.playhead, frameRate)) }),
      Delete: () => this.deleteSelection(!event.shiftKey),
      Backspace: () => this.deleteSelection(!event.shiftKey),
      "+": () => this.zoom(ZOOM_STEP),
      "=": () => this.zoom(ZOOM_STEP),
      "-": () => this.zoom(1 / ZOOM_STEP),
      "\\": () => this.fit(),
      Escape: () => {
        this.selection.clear();
        this.selectedTransition = null;
        this.showInspector();
        this.draw();
      },
    };
    const withCtrl = {
      z: () => this.history(event.shiftKey ? "redo" : "undo"),
      y: () => this.history("redo"),
      a: () => this.selectAll(),
      c: () => this.copy(),
      v: () => this.paste(),
    };
    const run = ctrl ? withCtrl[key] : actions[key];
    if (!run) return;
    event.preventDefault();
    event.stopPropagation();
    run();
  }

  // --- messages ---------------------------------------------------------------------------------------------------

  showInspector() {
    const [selected] = this.selectedElements();
    this.inspectorTime(selected);
    this.inspector.show(this.selection.size === 1 ? selected : null, this.selectedTransition);
  }

  // The playhead as the inspector sees it: seconds from the selected element's start (null outside it), and
  // that kept within the element for the keyed values it shows.
  inspectorTime(selected = this.selection.size === 1 ? this.selectedElements()[0] : null) {
    if (!this.project) return;
    const frameRate = this.project.settings.frame_rate;
    const local = selected ? this.playhead - parseTime(selected.start) : null;
    const duration = selected ? parseTime(selected.duration) : 0;
    const inside = local !== null && local >= -1e-9 && local < duration - 1e-9;
    const shown = local === null ? null : Math.min(Math.max(0, local), duration);
    this.inspector.setTime(inside ? Math.max(0, local) : null, frameRate, shown);
  }

  status(text) {
    if (this.root) this.$(".kc-status").textContent = text;
  }

  report(error) {
    this.status(error?.message ?? String(error));
  }
}
