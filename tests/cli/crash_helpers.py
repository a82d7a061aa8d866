"""Helpers for the kill -9 tests: a local feed server with validators, and a process killed at a moment."""

from __future__ import annotations

import hashlib
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.http_servers import serving

WORDS = ("signal", "coverage", "billing", "support", "roaming", "refund", "outage", "contract", "upgrade", "plan")


def big_feed(n: int, words_per_item: int = 150) -> bytes:
    """An RSS feed of ``n`` distinct items about acme, each around 1 KB of text."""
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    items = []
    for i in range(n):
        body = " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(words_per_item))
        when = format_datetime(start + timedelta(minutes=i))
        items.append(f"<item><guid>item-{i}</guid><title>acme report {i}</title><link>https://news.example.com/{i}"
                     f"</link><pubDate>{when}</pubDate><description>acme {i}: {body}</description></item>")
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>big</title>"
            + "".join(items) + "</channel></rss>").encode()


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body: bytes = self.server.body
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        self.server.requests += 1
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def feed_server(body: bytes) -> Iterator[Any]:
    with serving(_Handler, "/feed.xml", body=body, requests=0) as server:
        yield server


def wait_until(check: Any, timeout: float, what: str) -> Any:
    """``check()``'s first true answer (an HTTP call that cannot connect yet counts as no), or fail."""
    import httpx

    ends = time.monotonic() + timeout
    while True:
        try:
            found = check()
            if found:
                return found
        except httpx.TransportError:
            pass
        assert time.monotonic() < ends, f"timed out after {timeout:.0f}s waiting for {what}"
        time.sleep(0.2)


def run_and_kill(command: list[str], env: dict[str, str], trigger: str | None, delay: float,
                 log: Path, timeout: float = 120) -> bool:
    """Start ``command``; once a stderr line contains ``trigger`` (None: at start), wait ``delay`` s, then
    SIGKILL it. Returns False when it finished before the kill."""
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seen = threading.Event() if trigger else None
        assert process.stderr is not None

        def pump() -> None:
            for line in process.stderr:  # type: ignore[union-attr]
                out.write(line)
                if seen is not None and trigger and trigger in line:
                    seen.set()

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        ends = time.monotonic() + timeout
        if seen is not None:
            while not seen.wait(0.01):
                if process.poll() is not None or time.monotonic() > ends:
                    break
        time.sleep(delay)
        finished = process.poll() is not None
        process.kill()
        process.wait()
        reader.join(timeout=5)
        process.stderr.close()
    return not finished
