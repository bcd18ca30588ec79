// node --test: the panel's edit channel answers each request by its id, fails what is in flight when the socket
// closes, and hands edits to HTTP while it is not open (edit_channel.js, panel_api.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ChannelClosed, EditChannel } from "../../web/panel/edit_channel.js";
import { ApiError, PanelApi } from "../../web/panel/panel_api.js";

class FakeSocket {
  static made = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.made.push(this);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  opened() {
    this.readyState = 1;
  }
  reply(message) {
    this.onmessage({ data: JSON.stringify(message) });
  }
  close() {
    this.readyState = 3;
    this.onclose();
  }
}

function channel(clock = { t: 0 }) {
  FakeSocket.made = [];
  const made = new EditChannel("ws://x/kijkocut/api/edits", { WebSocketClass: FakeSocket, now: () => clock.t });
  return { made, socket: FakeSocket.made[0], clock };
}

test("replies are matched to requests by id, in any order", async () => {
  const { made, socket } = channel();
  assert.equal(made.request({ op: "undo" }), null); // not open yet: the caller uses HTTP
  socket.opened();
  const first = made.request({ op: "action", name: "a" });
  const second = made.request({ op: "action", name: "b" });
  assert.deepEqual(socket.sent.map((m) => [m.id, m.name]), [[1, "a"], [2, "b"]]);
  socket.reply({ id: 2, status: 200, answer: { revision: 2 } });
  socket.reply({ id: 99, status: 200 }); // nobody waits for it: ignored
  socket.reply({ id: 1, status: 409, answer: { error: "stale" } });
  assert.deepEqual(await second, { id: 2, status: 200, answer: { revision: 2 } });
  assert.equal((await first).status, 409);
});

test("a closed socket fails what is in flight and is opened again, not more often than the retry delay", async () => {
  const { made, socket, clock } = channel();
  socket.opened();
  const waiting = made.request({ op: "redo" });
  socket.close();
  await assert.rejects(waiting, ChannelClosed);
  assert.equal(made.request({ op: "redo" }), null);
  assert.equal(FakeSocket.made.length, 1); // within the retry delay
  clock.t = 5000;
  assert.equal(made.request({ op: "redo" }), null);
  assert.equal(FakeSocket.made.length, 2);
});

test("PanelApi sends edits over the open channel and by HTTP otherwise, with the routes' errors", async () => {
  const { made, socket } = channel();
  const posted = [];
  const http = {
    fetchApi: async (route, options) => {
      posted.push([route, JSON.parse(options.body)]);
      return { ok: true, status: 200, headers: { get: () => "commit;dur=3.0" }, text: async () => '{"revision": 1}' };
    },
  };
  const api = new PanelApi(http, made);
  assert.deepEqual(await api.apply("prj_1", "add_marker", { time: 1 }, 0), { revision: 1 });
  assert.deepEqual(posted, [["/kijkocut/api/projects/prj_1/actions/add_marker", { params: { time: 1 }, base_revision: 0, folder: "input" }]]);
  assert.equal(api.lastServerTiming, "commit;dur=3.0");
  socket.opened();
  const undo = api.undo("prj_1", 1);
  assert.deepEqual(socket.sent.at(-1), { op: "undo", project_id: "prj_1", body: { base_revision: 1 }, id: 1 });
  socket.reply({ id: 1, status: 200, answer: { revision: 2 }, server_ms: 4.25 });
  assert.deepEqual(await undo, { revision: 2 });
  assert.equal(api.lastServerTiming, "commit;dur=4.3");
  const stale = api.apply("prj_1", "add_marker", { time: 2 }, 0);
  socket.reply({ id: 2, status: 409, answer: { error: "the project is now at revision 2" } });
  await assert.rejects(stale, (error) => error instanceof ApiError && error.status === 409 && /revision 2/.test(error.message));
  const lost = api.redo("prj_1", 2);
  socket.close();
  await assert.rejects(lost, (error) => error instanceof ApiError && error.status === 0);
  assert.equal(posted.length, 1);
});
