// Sound while the preview plays: the project's mix, rendered by the server for a few seconds at a time
// (GET /kijkocut/api/projects/{id}/audio, the engine's mix of the revision shown), decoded and scheduled with Web
// Audio against the time playback started, a piece or two ahead of the playhead. Only at normal speed forward
// (J/K/L shuttling is silent). Stopping ends every scheduled piece at once.
export const CHUNK_SECONDS = 4;
const AHEAD_SECONDS = 6; // how far past the playhead pieces are fetched
const PUMP_MS = 250;

export class PlaybackAudio {
  constructor(panelApi, onError = () => {}) {
    this.api = panelApi;
    this.onError = onError;
    this.context = null;
    this.session = null;
    this.metrics = { pieces: [] }; // what was scheduled: {start, when, offset, seconds, peak} (tests read it)
  }

  // Start at timeline `position` (seconds) of a project `duration` long; `rate` 1 is heard, others are silent.
  async start(projectId, position, duration, rate = 1) {
    this.stop();
    if (rate !== 1 || !(duration > position)) return;
    const Context = globalThis.AudioContext ?? globalThis.webkitAudioContext;
    if (!Context) return;
    this.context ??= new Context();
    if (!this.analyser) {
      this.analyser = this.context.createAnalyser();
      this.analyser.fftSize = 2048;
      this.analyser.connect(this.context.destination);
    }
    const session = { projectId, position, duration, began: this.context.currentTime, next: Math.floor(position / CHUNK_SECONDS), sources: [], loading: false };
    this.session = session;
    this.metrics.pieces = [];
    try {
      await this.context.resume();
    } catch {
      // a browser that refuses sound without a gesture: playback stays silent
    }
    if (this.session !== session) return;
    session.began = this.context.currentTime; // the panel's clock and this one start together
    session.timer = setInterval(() => this.pump(session), PUMP_MS);
    this.pump(session);
  }

  stop() {
    const session = this.session;
    this.session = null;
    if (!session) return;
    clearInterval(session.timer);
    for (const source of session.sources) {
      try {
        source.stop();
      } catch {
        // never started
      }
    }
  }

  played(session) {
    return session.position + (this.context.currentTime - session.began);
  }

  pump(session) {
    if (this.session !== session || session.loading) return;
    const start = session.next * CHUNK_SECONDS;
    if (start >= session.duration || start > this.played(session) + AHEAD_SECONDS) return;
    session.next += 1;
    session.loading = true;
    this.load(session, start).finally(() => {
      session.loading = false;
      this.pump(session);
    });
  }

  async load(session, start) {
    let buffer;
    try {
      const bytes = await this.api.audio(session.projectId, start, CHUNK_SECONDS);
      if (this.session !== session) return;
      buffer = await this.context.decodeAudioData(bytes);
    } catch (error) {
      if (this.session === session) this.onError(error);
      return;
    }
    if (this.session !== session) return;
    // Where this piece belongs on the shared clock; a piece that arrives late starts part-way in.
    const when = session.began + (start - session.position);
    const now = this.context.currentTime;
    const offset = Math.max(0, now - when);
    if (offset >= buffer.duration) return;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.analyser);
    source.start(Math.max(when, now), offset);
    session.sources.push(source);
    source.onended = () => {
      session.sources = session.sources.filter((s) => s !== source);
    };
    this.metrics.pieces.push({ start, when, offset, seconds: buffer.duration, peak: peakOf(buffer) });
  }

  // The level (RMS) of what is being heard now, 0 when silent.
  level() {
    if (!this.analyser) return 0;
    const data = new Float32Array(this.analyser.fftSize);
    this.analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const value of data) sum += value * value;
    return Math.sqrt(sum / data.length);
  }
}

function peakOf(buffer) {
  let peak = 0;
  for (let channel = 0; channel < buffer.numberOfChannels; channel++) {
    for (const value of buffer.getChannelData(channel)) peak = Math.max(peak, Math.abs(value));
  }
  return peak;
}
