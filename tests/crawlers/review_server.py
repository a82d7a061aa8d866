"""A real HTTP server on 127.0.0.1 for the spider tests: shared review pages, robots.txt, canned replies.

Loaded by the spider test modules with ``load_helper()`` (the tests are not a package).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.http_servers import running

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
REVIEW_PAGES = (DATA / "review-pages").resolve()  # resolved: ../shared may be a symlink
DEFAULT_ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class Reply:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    fail_first: int = 0  # answer 503 this many times before the real reply
    headers: list[tuple[str, str]] = field(default_factory=list)
    served: int = 0


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: dict[str, Reply] = {}
        self.robots = DEFAULT_ROBOTS
        self.requests: list[tuple[str, str]] = []  # (path, user agent)
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        with self.server.lock:
            self.server.requests.append((path, self.headers.get("User-Agent", "")))
        if path == "/robots.txt":
            self._send(200, self.server.robots.encode(), "text/plain")
        elif path.startswith("/review-pages/"):
            file = (REVIEW_PAGES / path.removeprefix("/review-pages/")).resolve()
            if file.is_relative_to(REVIEW_PAGES) and file.is_file():
                self._send(200, file.read_bytes(), "text/html; charset=utf-8")
            else:
                self._send(404, b"not found", "text/plain")
        elif (reply := self.server.replies.get(path)) is not None:
            with self.server.lock:
                reply.served += 1
                failing = reply.served <= reply.fail_first
            if failing:
                self._send(503, b"try again", "text/plain", [("Retry-After", "0")])
            else:
                self._send(reply.status, reply.body, reply.content_type, reply.headers)
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str,
              headers: list[tuple[str, str]] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers or []:
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (size limit)
            pass


class PageServer:
    def __init__(self, server: _Server) -> None:
        self._server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def serve(self, body: bytes | str, *, path: str | None = None, status: int = 200,
              content_type: str = "text/html; charset=utf-8", fail_first: int = 0) -> str:
        """Register a reply (under a fresh path unless one is given) and return its URL."""
        path = path or f"/_reply/{uuid.uuid4().hex}/page.html"
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._server.replies[path] = Reply(data, content_type, status, fail_first)
        return self.base + path

    def set_robots(self, text: str) -> None:
        self._server.robots = text

    def hits(self, url: str) -> int:
        path = urlsplit(url).path
        with self._server.lock:
            return sum(1 for seen, _ in self._server.requests if seen == path)

    def user_agents(self) -> set[str]:
        with self._server.lock:
            return {agent for _, agent in self._server.requests}


@pytest.fixture(scope="module")
def page_server() -> Iterator[PageServer]:
    with running(_Server(), "page-server") as server:
        yield PageServer(server)


def crawl_settings(data_dir: Path, **extra: Any) -> Any:
    """Earful settings for crawling the local server quickly (no delays) from a temp data dir."""
    from earful.settings import Settings

    values: dict[str, Any] = {"data_dir": data_dir, "crawl_delay": 0.0, "crawl_autothrottle": False,
                              "crawl_concurrency_per_domain": 8, "fetch_timeout": 10.0, "crawl_retries": 2}
    values.update(extra)
    return Settings(**values)
