// Preview frames for scrubbing: a capped LRU cache of decoded frames and a latest-wins loader that aborts the
// request a newer playhead position made stale. The fetch is injected (`load(key, signal)`), so this runs under
// Node's test runner as it runs in the browser.

export class LruCache {
  constructor(capacity, onEvict = () => {}) {
    this.capacity = capacity;
    this.onEvict = onEvict;
    this.entries = new Map();
  }

  get(key) {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key);
    this.entries.delete(key); // re-insert: Map order is the recency order
    this.entries.set(key, value);
    return value;
  }

  has(key) {
    return this.entries.has(key);
  }

  set(key, value) {
    if (this.entries.has(key)) this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const [oldest, evicted] = this.entries.entries().next().value;
      this.entries.delete(oldest);
      this.onEvict(evicted, oldest);
    }
  }

  delete(key) {
    if (!this.entries.has(key)) return;
    const value = this.entries.get(key);
    this.entries.delete(key);
    this.onEvict(value, key);
  }

  clear() {
    for (const [key, value] of this.entries) this.onEvict(value, key);
    this.entries.clear();
  }

  get size() {
    return this.entries.size;
  }
}

// Frames by key (project, revision, frame, width). `show(key)` resolves to the frame, or to null when a later
// `show` superseded it (its request is aborted, so the server stops decoding for a position nobody waits for).
export class LatestFrameLoader {
  constructor(load, capacity = 120, onEvict = () => {}) {
    this.load = load;
    this.cache = new LruCache(capacity, onEvict);
    this.current = null; // {key, controller}
    this.stats = { hits: 0, loads: 0, aborted: 0 };
  }

  async show(key) {
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.stats.hits += 1;
      this.abortCurrent();
      return cached;
    }
    if (this.current?.key === key) return this.current.promise;
    this.abortCurrent();
    const controller = new AbortController();
    const promise = this.load(key, controller.signal).then(
      (frame) => {
        if (frame !== null && frame !== undefined) this.cache.set(key, frame);
        if (this.current?.controller === controller) this.current = null;
        return controller.signal.aborted ? null : frame;
      },
      (error) => {
        if (this.current?.controller === controller) this.current = null;
        if (controller.signal.aborted || error?.name === "AbortError") return null;
        throw error;
      },
    );
    this.current = { key, controller, promise };
    this.stats.loads += 1;
    return promise;
  }

  // Fill the cache around a position without disturbing the one being shown.
  async prefetch(keys) {
    for (const key of keys) {
      if (this.cache.has(key) || this.current) continue;
      try {
        const frame = await this.load(key, new AbortController().signal);
        if (frame !== null && frame !== undefined) this.cache.set(key, frame);
      } catch {
        return; // a prefetch is a bonus; the next show() reports real failures
      }
    }
  }

  abortCurrent() {
    if (!this.current) return;
    this.current.controller.abort();
    this.stats.aborted += 1;
    this.current = null;
  }

  clear() {
    this.abortCurrent();
    this.cache.clear();
  }
}
