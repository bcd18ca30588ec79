"""The Timeline panel's speed, measured in headless Chromium (Playwright, Debian's chromium) against a real
ComfyUI with this pack (COMFYUI_PATH, as the host tests use):

- scrub latency: playhead moved (panel.setPlayhead) -> that exact frame painted in the 640x360 preview, random
  seeks over 1080p H.264 sources with 250-frame GOPs, each to a frame not seen before (no cache hits); once
  with preview proxies off (KIJKOCUT_PREVIEW_PROXIES=0: every seek decodes the original) and once with the
  proxies ready (360p, 12-frame GOP);
- opening a project with 500 elements (request, parse, first draw), and the frame interval and draw time
  while panning and zooming it;
- an edit (move_element as a drag's release sends it) committed on the server and redrawn;
- the preview's decoded-frame cache stays capped while scrubbing.

    python benchmarks/panel_scrub.py [--seeks 40] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kijkocut import samples  # noqa: E402
from tests.comfyui_host import start_comfyui  # noqa: E402
from tests.panel.browser import browser_missing, panel_page, panel_state, prepare_server  # noqa: E402

RATE = 25
API = "/kijkocut/api"

SCRUB_JS = """async (frames) => {
  const p = window.kijkocutPanel;
  const took = [];
  for (const frame of frames) {
    const started = performance.now();
    p.setPlayhead(frame / __RATE__);
    while (!(p.metrics.shownFrameKey || "").split("|")[2] || Number(p.metrics.shownFrameKey.split("|")[2]) !== frame) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (performance.now() - started > 30000) throw new Error("frame " + frame + " never shown");
    }
    took.push(p.metrics.frameShownAt - started);
  }
  return { took, cached: p.loader.cache.size, capacity: p.loader.cache.capacity };
}""".replace("__RATE__", str(RATE))

OPEN_JS = """async (id) => {
  const p = window.kijkocutPanel;
  const started = performance.now();
  await p.open(id);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return performance.now() - started;
}"""

PAN_ZOOM_JS = """async (frames) => {
  const p = window.kijkocutPanel;
  const intervals = [], draws = [];
  let last = performance.now();
  for (let i = 0; i < frames; i += 1) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    intervals.push(now - last);
    last = now;
    if (i % 40 < 20) p.view = { ...p.view, scroll: Math.max(0, p.view.scroll + 40 / p.view.pxPerSecond) };
    else p.view = { ...p.view, pxPerSecond: p.view.pxPerSecond * (i % 2 ? 1.05 : 0.96) };
    const started = performance.now();
    p.drawNow();
    draws.push(performance.now() - started);
  }
  return { intervals, draws, drawn: p.metrics.lastDrawn };
}"""

# A drag's release sends move_element (what p.edit does); "redrawn" is when the panel's draw of the committed
# revision finished (it draws on the next animation frame), "on screen" one frame later, when the page shows it.
# Releases fall at any moment of the display's 16.7 ms frame, not just after one.
EDIT_JS = """async (count) => {
  const p = window.kijkocutPanel;
  const track = p.project.tracks[0];
  const element = track.elements[track.elements.length - 1];
  const seconds = (time) => Number(time.split("/")[0]) / Number(time.split("/")[1] || 1);
  let drawn = { revision: -1, at: 0 };
  p.drawNow = function () {
    Object.getPrototypeOf(this).drawNow.call(this);
    drawn = { revision: this.project?.revision, at: performance.now() };
  };
  const serverMs = () => Number((p.api.lastServerTiming || "").split("dur=")[1] || NaN);
  const out = { redrawn: [], shown: [], server: [] };
  let start = Math.round(seconds(element.start) * __RATE__);
  try {
    for (let i = 0; i < count; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, (i * 7) % 17));
      start += i % 2 ? -1 : 1;
      const started = performance.now();
      const answer = await p.edit("move_element", { element_id: element.id, start: "f" + start });
      if (!answer) throw new Error("the edit failed: " + p.$(".kc-status").textContent);
      while (drawn.revision !== answer.revision) await new Promise((resolve) => setTimeout(resolve, 1));
      out.redrawn.push(drawn.at - started);
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      out.shown.push(performance.now() - started);
      out.server.push(serverMs());
      const moved = p.project.tracks[0].elements.find((e) => e.id === element.id);
      if (!moved || Math.round(seconds(moved.start) * __RATE__) !== start) {
        throw new Error("the panel does not show the moved element at frame " + start);
      }
    }
  } finally {
    delete p.drawNow;
  }
  out.channel = Boolean(p.api.channel && p.api.channel.open);
  return out;
}""".replace("__RATE__", str(RATE))


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def make_sources(folder: Path, seconds: int) -> list[Path]:
    began = time.perf_counter()
    sources = [
        samples.write_video(
            folder / f"long_gop_{hue}.mp4",
            seconds=seconds,
            width=1920,
            height=1080,
            rate=RATE,
            hue=hue,
            gop=250,
            options={"preset": "ultrafast", "crf": "23", "sc_threshold": "0"},
        )
        for hue in (0, 200)
    ]
    print(f"sources: 2 x {seconds} s 1920x1080 H.264, GOP 250, made in {time.perf_counter() - began:.0f} s")
    return sources


def build_scrub_project(server, names: list[str]) -> str:
    status, created = server.post_json(f"{API}/projects", {"name": "scrub", "frame_rate": str(RATE)})
    assert status == 201, created
    pid = created["id"]
    for name in names:
        status, answer = server.post_json(
            f"{API}/projects/{pid}/actions/add_clip", {"params": {"path": name}}
        )
        assert status == 200, answer
    return pid


def build_big_project(server, elements: int = 500, tracks: int = 5) -> str:
    status, created = server.post_json(f"{API}/projects", {"name": "500 elements", "frame_rate": str(RATE)})
    pid = created["id"]
    commands = []
    per_track = elements // tracks
    for index in range(tracks):
        track_id = f"trk_bench{index}"
        commands.append({"op": "add_track", "kind": "text", "track_id": track_id})
        commands.append(
            {
                "op": "add_elements",
                "track_id": track_id,
                "elements": [
                    {"kind": "text", "text": f"t{index}.{n}", "start": f"{n * 2}", "duration": "3/2"}
                    for n in range(per_track)
                ],
            }
        )
    status, answer = server.post_json(f"{API}/projects/{pid}/commands", {"commands": commands})
    assert status == 200, answer
    return pid


def wait_for_proxies(server, pid: str, timeout: float = 600) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        states = set(server.get_json(f"{API}/projects/{pid}/proxies")["proxies"].values())
        if states == {"ready"}:
            return time.perf_counter() - began
        if "failed" in states:
            raise RuntimeError(f"a proxy failed: {states}")
        time.sleep(0.5)
    raise RuntimeError("proxies not ready in time")


def scrub_phase(sources: list[Path], proxies: bool, seeks: int, seconds: int, extra: bool) -> dict:
    os.environ["KIJKOCUT_PREVIEW_PROXIES"] = "1" if proxies else "0"
    result: dict = {}
    with start_comfyui() as server:
        for source in sources:
            shutil.copy(source, server.input_dir / source.name)  # a link leading out of input is refused
        prepare_server(server)
        pid = build_scrub_project(server, [s.name for s in sources])
        if proxies:
            result["proxy_seconds"] = wait_for_proxies(server, pid)
        with panel_page(server.url) as page:
            # Scrubbing alone: no filmstrip tiles fetched beside it (without proxies they seek the originals).
            page.evaluate("window.kijkocutPanel.thumbnail = () => null")
            page.evaluate(OPEN_JS, pid)
            frames = random.Random(7).sample(range(2 * seconds * RATE), seeks)
            page.evaluate(SCRUB_JS, frames[:3])  # warm-up: first decoder and JIT
            scrub = page.evaluate(SCRUB_JS, frames[3:])
            result["scrub"] = scrub
            if extra:
                result.update(big_project_phase(server, page))
    return result


def big_project_phase(server, page) -> dict:
    big = build_big_project(server)
    result = {"open": [page.evaluate(OPEN_JS, big) for _ in range(5)]}
    result["pan_zoom"] = page.evaluate(PAN_ZOOM_JS, 240)
    page.evaluate(EDIT_JS, 5)  # warm-up
    result["edits"] = page.evaluate(EDIT_JS, 60)
    result["heap_mb"] = panel_state(
        page, "performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null"
    )
    return result


def project_only() -> dict:
    with start_comfyui() as server:
        prepare_server(server)
        with panel_page(server.url) as page:
            page.evaluate("window.kijkocutPanel.thumbnail = () => null")
            return big_project_phase(server, page)


def row(name: str, values: list[float], target: str) -> str:
    return f"| {name:<44} | {len(values):>4} | {statistics.median(values):>8.1f} | {pct(values, 95):>8.1f} | {max(values):>8.1f} | {target:<8} |"


def print_table(before: dict | None, after: dict) -> None:
    print(f"\nTimeline panel, headless Chromium, {os.cpu_count()} CPUs (ms)\n")
    print(f"| {'measure':<44} | {'n':>4} | {'p50':>8} | {'p95':>8} | {'max':>8} | {'target':<8} |")
    print(f"|{'-' * 46}|{'-' * 6}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    if before:
        print(row("scrub to exact frame, originals (GOP 250)", before["scrub"]["took"], "p95<100"))
    if "scrub" in after:
        print(row("scrub to exact frame, proxies ready (GOP 12)", after["scrub"]["took"], "p95<100"))
    print(row("open 500-element project + first draw", after["open"], "<1000"))
    print(row("frame interval while panning/zooming (500)", after["pan_zoom"]["intervals"][5:], "p95<20"))
    print(row("draw time per frame (500 elements)", after["pan_zoom"]["draws"], ""))
    print(row("edit committed + redrawn (move_element)", after["edits"]["redrawn"], "p95<50"))
    print(row("  the server's share (Server-Timing)", after["edits"]["server"], ""))
    print(row("  + the next frame composited (on screen)", after["edits"]["shown"], ""))
    if "scrub" in after:
        print(
            f"\nproxies for both sources ready {after['proxy_seconds']:.1f} s after import; "
            f"preview cache after scrubbing: {after['scrub']['cached']} of {after['scrub']['capacity']} frames"
        )
    print(f"JS heap {after.get('heap_mb') or 0:.1f} MB")
    how = (
        "the edit channel (WebSocket)" if after["edits"].get("channel") else "HTTP (the channel was not open)"
    )
    print(f"edits sent over {how}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeks", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=20, help="length of each 1080p source")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--skip-originals", action="store_true", help="only the run with proxies (and the rest)"
    )
    parser.add_argument(
        "--project-only",
        action="store_true",
        help="only the 500-element project's figures (open, pan/zoom, edits), no scrubbing",
    )
    args = parser.parse_args()
    missing = browser_missing()
    if missing or not os.environ.get("COMFYUI_PATH"):
        sys.exit(f"cannot run: {missing or 'COMFYUI_PATH is not set'}")
    if args.project_only:
        print_table(None, project_only())
        return
    with tempfile.TemporaryDirectory(prefix="panel-bench-") as scratch:
        sources = make_sources(Path(scratch), args.seconds)
        before = (
            None
            if args.skip_originals
            else scrub_phase(sources, proxies=False, seeks=args.seeks, seconds=args.seconds, extra=False)
        )
        after = scrub_phase(sources, proxies=True, seeks=args.seeks, seconds=args.seconds, extra=True)
    print_table(before, after)
    if args.json:
        args.json.write_text(json.dumps({"before": before, "after": after}, indent=1))


if __name__ == "__main__":
    main()
