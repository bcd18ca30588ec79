// The Timeline panel's client of the KijkoCut HTTP API (/kijkocut/api/, nodes/project_api.py). Every edit is an
// action of the service layer applied against the revision the panel shows; the panel never edits project
// JSON. `api` is ComfyUI's (scripts/api.js): fetchApi adds the server's base path.

import { EditChannel } from "./edit_channel.js";

const API = "/kijkocut/api";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export class PanelApi {
  constructor(api, channel = editChannelFor(api)) {
    this.api = api;
    this.channel = channel; // edits by WebSocket when it is open (edit_channel.js), else by HTTP
    this.lastServerTiming = null; // the last edit's Server-Timing: the server's share of its latency
  }

  // An edit: over the edit channel when it is open, else the HTTP route. `message` names it for the channel.
  async edit(message, route, body) {
    const sent = this.channel?.request({ ...message, body });
    if (!sent) return this.request("POST", route, body);
    let reply;
    try {
      reply = await sent;
    } catch (error) {
      throw new ApiError(0, `${error.message}; the project is fetched again`);
    }
    if (reply.status !== 200) throw new ApiError(reply.status, reply.answer?.error ?? `${message.op}: ${reply.status}`);
    this.lastServerTiming = `commit;dur=${Number(reply.server_ms).toFixed(1)}`;
    return reply.answer;
  }

  async request(method, route, body, { signal } = {}) {
    const options = { method, signal, headers: {} };
    if (body !== undefined) {
      options.body = JSON.stringify(body);
      options.headers["Content-Type"] = "application/json";
    }
    const response = await this.api.fetchApi(route, options);
    if (response.headers?.get?.("Server-Timing")) this.lastServerTiming = response.headers.get("Server-Timing");
    const text = await response.text();
    let answer = null;
    try {
      answer = text ? JSON.parse(text) : null;
    } catch {
      answer = { error: text.slice(0, 300) };
    }
    if (!response.ok) throw new ApiError(response.status, answer?.error ?? `${method} ${route}: ${response.status}`);
    return answer;
  }

  projects() {
    return this.request("GET", `${API}/projects`).then((answer) => answer.projects);
  }

  createProject(name, settings) {
    return this.request("POST", `${API}/projects`, { name, ...settings });
  }

  project(id) {
    return this.request("GET", `${API}/projects/${encodeURIComponent(id)}`);
  }

  rename(id, name, baseRevision) {
    return this.request("PATCH", `${API}/projects/${encodeURIComponent(id)}`, { name, base_revision: baseRevision });
  }

  apply(id, action, params, baseRevision, folder = "input") {
    return this.edit(
      { op: "action", project_id: id, name: action },
      `${API}/projects/${encodeURIComponent(id)}/actions/${action}`,
      { params, base_revision: baseRevision, folder },
    );
  }

  // Several actions ([{name, params}]) applied as ONE undo step: a gesture over a selection.
  applyAll(id, actions, baseRevision, title) {
    return this.edit({ op: "actions", project_id: id }, `${API}/projects/${encodeURIComponent(id)}/actions`, {
      actions,
      base_revision: baseRevision,
      title,
    });
  }

  changesSince(id, revision) {
    return this.request("GET", `${API}/projects/${encodeURIComponent(id)}/changes?since=${revision}`);
  }

  undo(id, baseRevision) {
    return this.edit({ op: "undo", project_id: id }, `${API}/projects/${encodeURIComponent(id)}/undo`, {
      base_revision: baseRevision,
    });
  }

  redo(id, baseRevision) {
    return this.edit({ op: "redo", project_id: id }, `${API}/projects/${encodeURIComponent(id)}/redo`, {
      base_revision: baseRevision,
    });
  }

  media(folder) {
    return this.request("GET", `${API}/media?folder=${encodeURIComponent(folder)}`);
  }

  mediaInfo(file) {
    return this.request("GET", `/kijkocut/media/info?${mediaQuery(file)}`);
  }

  // Peaks ([[low, high], ...] in -1..1) of an audio file of the bin, confined to ComfyUI's folders by the route.
  fileWaveform(file, buckets = 48) {
    return this.request("GET", `/kijkocut/media/waveform?${mediaQuery(file)}&buckets=${buckets}`);
  }

  thumbnailUrl(file, width = 96) {
    return this.api.apiURL(`/kijkocut/media/thumbnail?${mediaQuery(file)}&width=${width}&t=0.5`);
  }

  // A decoded preview frame (ImageBitmap) of the project at an exact time; abortable.
  async frame(id, time, width, signal) {
    const route = `${API}/projects/${encodeURIComponent(id)}/frame?t=${encodeURIComponent(time)}&width=${width}`;
    const response = await this.api.fetchApi(route, { signal });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      throw new ApiError(response.status, answer.error ?? `frame: ${response.status}`);
    }
    return createImageBitmap(await response.blob());
  }

  waveform(id, mediaId, buckets = 2000) {
    return this.request(
      "GET",
      `${API}/projects/${encodeURIComponent(id)}/media/${encodeURIComponent(mediaId)}/waveform?buckets=${buckets}`,
    );
  }

  // The project's mixed sound for [start, start + seconds) as WAV bytes (an ArrayBuffer for decodeAudioData).
  async audio(id, start, seconds) {
    const route = `${API}/projects/${encodeURIComponent(id)}/audio?start=${start}&seconds=${seconds}`;
    const response = await this.api.fetchApi(route);
    if (!response.ok) {
      const text = await response.text();
      let message = text.slice(0, 300);
      try {
        message = JSON.parse(text).error ?? message;
      } catch {
        // not JSON: the text itself
      }
      throw new ApiError(response.status, message);
    }
    return response.arrayBuffer();
  }

  async mediaThumbnail(id, mediaId, seconds, width) {
    const route = `${API}/projects/${encodeURIComponent(id)}/media/${encodeURIComponent(mediaId)}/thumbnail?t=${seconds}&width=${width}`;
    const response = await this.api.fetchApi(route);
    if (!response.ok) throw new ApiError(response.status, `thumbnail: ${response.status}`);
    return createImageBitmap(await response.blob());
  }

  startExport(id, filename, options, baseRevision) {
    return this.request("POST", `${API}/projects/${encodeURIComponent(id)}/exports`, {
      filename,
      options,
      base_revision: baseRevision,
    });
  }

  job(jobId) {
    return this.request("GET", `${API}/jobs/${encodeURIComponent(jobId)}`);
  }

  cancelJob(jobId) {
    return this.request("POST", `${API}/jobs/${encodeURIComponent(jobId)}/cancel`, {});
  }

  // ComfyUI's own upload route: the file lands in the input folder (subfolder kijkocut).
  async upload(file) {
    const form = new FormData();
    form.append("image", file, file.name);
    form.append("type", "input");
    form.append("subfolder", "kijkocut");
    form.append("overwrite", "false");
    const response = await this.api.fetchApi("/upload/image", { method: "POST", body: form });
    if (!response.ok) throw new ApiError(response.status, `upload of ${file.name} failed (${response.status})`);
    return response.json();
  }

  viewUrl(folder, name) {
    const slash = name.lastIndexOf("/");
    const query = new URLSearchParams({
      filename: name.slice(slash + 1),
      subfolder: slash < 0 ? "" : name.slice(0, slash),
      type: folder,
    });
    return this.api.apiURL(`/view?${query}`);
  }
}

function mediaQuery(file) {
  return new URLSearchParams({ filename: file.filename, subfolder: file.subfolder ?? "", type: file.folder }).toString();
}

// The edit channel of the ComfyUI serving this page (its base path kept), where the page can open one.
function editChannelFor(api) {
  if (typeof api?.apiURL !== "function" || !globalThis.WebSocket || !globalThis.location) return null;
  const url = new URL(api.apiURL(`${API}/edits`), globalThis.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return new EditChannel(url.href);
}
