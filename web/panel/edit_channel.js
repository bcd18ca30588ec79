// The panel's edits over one WebSocket (GET /kijkocut/api/edits, nodes/project_api.py `edit_channel`): each
// request is a message with an id, answered on the socket by {id, status, answer}. The same work and rules as
// the HTTP edit routes; it spares each edit an HTTP request (5.6 ms against 0.7 ms for a round trip in Chromium
// here). While the socket is not open the caller sends the edit by HTTP, and the socket is opened again.

export class ChannelClosed extends Error {
  constructor() {
    super("the connection to ComfyUI closed before the edit's answer came");
  }
}

const OPEN = 1; // WebSocket.OPEN

export class EditChannel {
  constructor(url, { WebSocketClass = globalThis.WebSocket, retryMs = 2000, now = () => performance.now() } = {}) {
    this.url = url;
    this.WebSocketClass = WebSocketClass;
    this.retryMs = retryMs;
    this.now = now;
    this.socket = null;
    this.pending = new Map(); // id -> {resolve, reject}
    this.nextId = 1;
    this.lastTry = -Infinity;
    this.connect();
  }

  get open() {
    return this.socket?.readyState === OPEN;
  }

  connect() {
    if (!this.WebSocketClass || this.socket || this.now() - this.lastTry < this.retryMs) return;
    this.lastTry = this.now();
    let socket;
    try {
      socket = new this.WebSocketClass(this.url);
    } catch {
      return; // a server without the channel: edits go by HTTP
    }
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => this.closed(socket);
  }

  closed(socket) {
    if (this.socket !== socket) return;
    this.socket = null;
    for (const { reject } of this.pending.values()) reject(new ChannelClosed());
    this.pending.clear();
  }

  receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    const waiting = this.pending.get(message?.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    waiting.resolve(message);
  }

  // A promise of the reply ({status, answer, server_ms}), or null when the socket is not open: send it by HTTP.
  request(message) {
    if (!this.open) {
      this.connect();
      return null;
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ ...message, id }));
    });
  }
}
