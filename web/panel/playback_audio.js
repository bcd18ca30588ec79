// Sound while the preview plays: the project's mix, rendered by the server for a few seconds at a time
// (GET /kijkocut/api/projects/{id}/audio, the engine's mix of the revision shown), decoded and scheduled with Web
// Audio against the time playback started, a piece or two ahead of the playhead. Forward shuttling (L: 2x, 4x)
// plays the same mix faster (and higher, as tape would); reverse and faster than 4x are silent. The picture's
// clock is the reference: when the sound drifts from it by more than a frame, what is scheduled is placed again
// from the picture's position (decoded pieces are kept for that). Stopping ends every scheduled piece at once.
export const CHUNK_SECONDS = 4;
export const MAX_HEARD_RATE = 4;
const AHEAD_SECONDS = 6; // how far past the playhead pieces are fetched, in seconds of listening
const PUMP_MS = 250;

// Whether playback at `rate` (timeline seconds per second) is heard.
export function heard(rate) {
  return rate > 0 && rate <= MAX_HEARD_RATE;
}

// Where the piece of the mix that begins at timeline `start` goes on the audio clock, for a session that began
// at clock time `began` at timeline `position`, playing `rate` times faster: `when` it starts, and the `offset`
// into the piece (seconds of the piece) when that moment has passed by `now`.
export function placement({ began, position, rate }, start, now) {
  const when = began + (start - position) / rate;
  return { when: Math.max(when, now), offset: Math.max(0, (now - when) * rate) };
}

// The timeline position the sound has reached at clock time `now`.
export function playedAt({ began, position, rate }, now) {
  return position + (now - began) * rate;
}

export class PlaybackAudio {
  constructor(panelApi, onError = () => {}) {
    this.api = panelApi;
    this.onError = onError;
    this.context = null;
    this.session = null;
    // What was scheduled ({start, when, offset, seconds, peak, rate}), the last drift measured (picture minus
    // sound, seconds of timeline) and how many times the sound was placed again: tests and benchmarks read them.
    this.metrics = { pieces: [], drift: null, resyncs: 0 };
  }

  // Start at timeline `position` (seconds) of a project `duration` long, `rate` times normal speed (heard when
  // `heard(rate)`). `clock()` gives the picture's timeline position now (null once it stopped); `frameSeconds`
  // is the drift tolerated before the sound follows it again.
  async start(projectId, position, duration, rate = 1, { clock = null, frameSeconds = 1 / 30 } = {}) {
    this.stop();
    if (!heard(rate) || !(duration > position)) return;
    const Context = globalThis.AudioContext ?? globalThis.webkitAudioContext;
    if (!Context) return;
    this.context ??= new Context();
    if (!this.analyser) {
      this.analyser = this.context.createAnalyser();
      this.analyser.fftSize = 2048;
      this.analyser.connect(this.context.destination);
    }
    const session = {
      projectId,
      position,
      duration,
      rate,
      clock,
      frameSeconds,
      began: this.context.currentTime,
      next: Math.floor(position / CHUNK_SECONDS),
      sources: [],
      buffers: new Map(), // piece start -> decoded piece, kept until the playhead is past it
      loading: false,
    };
    this.session = session;
    this.metrics = { pieces: [], drift: null, resyncs: 0 };
    try {
      await this.context.resume();
    } catch {
      // a browser that refuses sound without a gesture: playback stays silent
    }
    if (this.session !== session) return;
    // The picture started while the context resumed: begin where it is now.
    session.position = this.pictureAt(session) ?? position;
    session.began = this.context.currentTime;
    session.next = Math.floor(session.position / CHUNK_SECONDS);
    session.timer = setInterval(() => this.pump(session), PUMP_MS);
    this.pump(session);
  }

  stop() {
    const session = this.session;
    this.session = null;
    if (!session) return;
    clearInterval(session.timer);
    this.silence(session);
  }

  silence(session) {
    for (const { source } of session.sources) {
      try {
        source.stop();
      } catch {
        // never started
      }
    }
    session.sources = [];
  }

  pictureAt(session) {
    const position = session.clock?.();
    return typeof position === "number" && Number.isFinite(position) ? position : null;
  }

  played(session) {
    return playedAt(session, this.context.currentTime);
  }

  pump(session) {
    if (this.session !== session) return;
    this.follow(session);
    const played = this.played(session);
    for (const [start, buffer] of session.buffers) if (start + buffer.duration <= played) session.buffers.delete(start);
    if (session.loading) return;
    const start = session.next * CHUNK_SECONDS;
    if (start >= session.duration || start > played + AHEAD_SECONDS * session.rate) return;
    session.next += 1;
    session.loading = true;
    this.load(session, start).finally(() => {
      session.loading = false;
      this.pump(session);
    });
  }

  // The sound against the picture: more than a frame apart, every decoded piece is placed again from where the
  // picture is (nothing fetched again), and pieces behind it are let go.
  follow(session) {
    const picture = this.pictureAt(session);
    if (picture === null) return;
    const drift = picture - this.played(session);
    this.metrics.drift = drift;
    if (Math.abs(drift) <= session.frameSeconds) return;
    this.silence(session);
    session.position = picture;
    session.began = this.context.currentTime;
    session.next = Math.max(session.next, Math.floor(picture / CHUNK_SECONDS));
    this.metrics.resyncs += 1;
    for (const [start, buffer] of session.buffers) {
      if (start + buffer.duration <= picture) session.buffers.delete(start);
      else this.schedule(session, start, buffer);
    }
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
    session.buffers.set(start, buffer);
    this.schedule(session, start, buffer);
  }

  // A piece where it belongs on the shared clock; one that arrives late starts part-way in.
  schedule(session, start, buffer) {
    const { when, offset } = placement(session, start, this.context.currentTime);
    if (offset >= buffer.duration) return;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.playbackRate.value = session.rate;
    source.connect(this.analyser);
    source.start(when, offset);
    const entry = { source, start };
    session.sources.push(entry);
    source.onended = () => {
      session.sources = session.sources.filter((s) => s !== entry);
    };
    this.metrics.pieces.push({ start, when, offset, seconds: buffer.duration, peak: peakOf(buffer), rate: session.rate });
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
