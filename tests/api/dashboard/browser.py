"""Driving Debian's chromium headless with Playwright (the system browser; Playwright never downloads one):
a live server over the demo index, pages that record console errors and remote requests, and screenshots."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = Path(os.environ.get("EARFUL_TEST_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS: list[Path] = []  # the screenshot folder, printed at the end of the run


def screenshot_dir() -> Path:
    if not SHOTS:
        SHOTS.append(Path(tempfile.mkdtemp(prefix="earful-dashboard-screens-")))
    return SHOTS[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """The app served by a real uvicorn on 127.0.0.1, in a thread."""

    app: Any
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    proxy_headers=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the dashboard's test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def chromium_context(user_data_dir: Path) -> Iterator[Any]:
    """A persistent (fresh user-data-dir) context of the system chromium; CI must have it (scripts/test.sh
    installs it), a laptop without it skips."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium with apt-get")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=str(CHROMIUM), headless=True, args=FLAGS, viewport=LAPTOP,
            accept_downloads=True)
        try:
            yield context
        finally:
            context.close()


class Watched:
    """A page whose console errors, uncaught exceptions and requests to other origins are recorded."""

    def __init__(self, page: Any, origin: str) -> None:
        self.page = page
        self.origins = [origin]  # where requests may go
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))
        page.on("request", self._request)

    def _request(self, request: Any) -> None:
        if not request.url.startswith(tuple(o + "/" for o in self.origins) + ("data:", "blob:")):
            self.problems.append(f"remote request: {request.url}")

    def expect_problem(self, fragment: str) -> None:
        """Forget the one problem a test caused on purpose (a refused form logs its 403)."""
        matching = [p for p in self.problems if fragment in p]
        assert matching, f"expected a problem with {fragment!r}; got {self.problems}"
        self.problems.remove(matching[0])

    def shoot(self, name: str) -> None:
        """Full-page screenshots at laptop and phone width."""
        for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
            self.page.set_viewport_size(size)
            self.page.wait_for_timeout(150)  # charts redraw on resize
            # caret="initial": hiding the caret injects a style element, which the CSP rightly refuses
            self.page.screenshot(path=str(screenshot_dir() / f"{name}-{label}.png"), full_page=True, caret="initial")
        self.page.set_viewport_size(LAPTOP)


# Text whose colour is too close to its background (WCAG 2 contrast: 4.5:1, 3:1 for large or bold 18.7 px).
CONTRAST_JS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                             if (c.length === 3 || c[3] > 0.5) return c; } return [255, 255, 255]; };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || style.visibility === 'hidden' || el.closest('[aria-hidden=true], .visually-hidden, .stars')) continue;
    if (!el.getClientRects().length) continue;
    const [a, b] = [lum(rgb(style.color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) bad.push(`${el.tagName.toLowerCase()}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
  }
  return bad;
}"""


def low_contrast(page: Any) -> list[str]:
    return page.evaluate(CONTRAST_JS)  # type: ignore[no-any-return]
