"""A real browser on a real ComfyUI for the timeline panel's end-to-end tests and benchmarks: Debian's chromium
driven by Playwright (no browser download), every request that is not to the local server aborted, the
frontend's first-run template dialog turned off, and helpers that read the panel's state
(`window.kijkocutPanel`) and turn timeline times into pixels."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("KIJKOCUT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(os.environ.get("KIJKOCUT_PANEL_SHOTS", "/tmp/panel-shots"))


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; the test extra has it)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set KIJKOCUT_CHROMIUM)"
    return None


@contextlib.contextmanager
def comfyui_page(server_url: str, viewport=(1600, 900)) -> Iterator[Any]:
    """A page on the ComfyUI at `server_url`, loaded, with every non-local request aborted. `page.pack_errors`
    collects errors thrown from the pack's modules (the frontend 1.27 throws one of its own at start-up, from a
    core setting's onChange, which is none of ours); `page.inflight` the requests not yet answered."""
    from playwright.sync_api import sync_playwright

    local = ("data:", "blob:", server_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.route(
                "**/*",
                lambda route: route.continue_() if route.request.url.startswith(local) else route.abort(),
            )
            inflight: dict[int, tuple[float, str]] = {}
            page.on("request", lambda r: inflight.__setitem__(id(r), (time.monotonic(), r.url)))
            page.on("requestfinished", lambda r: inflight.pop(id(r), None))
            page.on("requestfailed", lambda r: inflight.pop(id(r), None))
            page.inflight = inflight  # type: ignore[attr-defined]
            errors: list[str] = []
            page.on(
                "pageerror",
                lambda error: (
                    errors.append(f"{error}: {error.stack}")
                    if "/extensions/kijkocut/" in (error.stack or "")
                    else None
                ),
            )
            page.pack_errors = errors  # type: ignore[attr-defined]
            page.goto(server_url)
            page.wait_for_function("window.app && window.app.extensionManager", timeout=90_000)
            yield page
        finally:
            browser.close()


@contextlib.contextmanager
def panel_page(server_url: str, viewport=(1600, 900)) -> Iterator[Any]:
    """A page on the ComfyUI at `server_url` with the Timeline panel open and focused."""
    with comfyui_page(server_url, viewport) as page:
        page.evaluate("app.extensionManager.command.execute('KijkoCut.OpenTimeline')")
        page.wait_for_selector(".kc-panel", timeout=30_000)
        page.wait_for_function("window.kijkocutPanel !== undefined")
        page.panel_errors = page.pack_errors  # type: ignore[attr-defined]
        yield page


def browser_host() -> Iterator[Any]:
    """A real ComfyUI with this pack, ready for a browser (a module fixture's body): skips the test with the
    reason when chromium, Playwright or the ComfyUI host is missing."""
    import pytest

    from tests.comfyui_host import ComfyUIUnavailable, start_comfyui

    missing = browser_missing()
    if missing:
        pytest.skip(missing)
    try:
        with start_comfyui() as server:
            prepare_server(server)
            yield server
    except ComfyUIUnavailable as exc:
        pytest.skip(str(exc))


def prepare_server(server) -> None:
    """No first-run template dialog over the graph (a new user's default)."""
    status, _ = server.post_json("/settings", {"Comfy.TutorialCompleted": True})
    assert status == 200


def panel_state(page, expression: str) -> Any:
    return page.evaluate(f"(() => {{ const p = window.kijkocutPanel; return {expression}; }})()")


def wait_for_revision(page, revision: int, timeout: float = 30) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            f"window.kijkocutPanel.project && window.kijkocutPanel.project.revision >= {revision}",
            timeout=timeout * 1000,
        )
    except PlaywrightTimeout:
        now = time.monotonic()
        waiting = [
            f"{now - began:.1f} s {url}" for began, url in page.inflight.values() if "/kijkocut/" in url
        ]
        shown = panel_state(page, "[p.project && p.project.revision, !!p.reloading, p.metrics.editMs.length]")
        raise AssertionError(
            f"revision {revision} not shown in {timeout} s; panel {shown}; requests {waiting}"
        ) from None
    return panel_state(page, "p.project")


def timeline_point(page, seconds: float, track_index: int) -> tuple[float, float]:
    """Page coordinates of a time on a track of the timeline canvas."""
    return panel_state(
        page,
        f"""(() => {{
          const box = p.canvas.getBoundingClientRect();
          const row = p.rows()[{track_index}];
          const x = box.left + 96 + ({seconds} - p.view.scroll) * p.view.pxPerSecond;
          return [x, box.top + row.y + row.height / 2];
        }})()""",
    )


def ruler_point(page, seconds: float) -> tuple[float, float]:
    return panel_state(
        page,
        f"""(() => {{
          const box = p.canvas.getBoundingClientRect();
          return [box.left + 96 + ({seconds} - p.view.scroll) * p.view.pxPerSecond, box.top + 10];
        }})()""",
    )


def drag(page, start: tuple[float, float], end: tuple[float, float], steps: int = 8) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=steps)
    page.mouse.up()


def shown_preview(page) -> tuple[str | None, Any]:
    """The key of the frame the preview shows and its pixels (RGB rows)."""
    import numpy as np

    key, width, height, data = panel_state(
        page,
        """(() => {
          const c = p.previewCanvas;
          const rgba = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
          return [p.metrics.shownFrameKey, c.width, c.height, Array.from(rgba)];
        })()""",
    )
    pixels = np.array(data, dtype=np.uint8).reshape(height, width, 4)[..., :3]
    return key, pixels


def wait_until(check, timeout: float = 20, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
