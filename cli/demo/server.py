"""A small threaded HTTP server on 127.0.0.1 that replays the demo feeds.

It answers conditional requests (ETag / Last-Modified → 304) like a well-behaved feed
host, so collectors can be exercised against it exactly as against the real web.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from cli.demo.feeds import FEED_PATHS, build_feed

logger = logging.getLogger(__name__)


class _Document:
    """One rendered feed with its validators."""

    def __init__(self, body: bytes, content_type: str, modified: datetime) -> None:
        self.body = body
        self.content_type = content_type
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        self.modified = modified
        self.last_modified = format_datetime(modified, usegmt=True)


class _HTTPServer(ThreadingHTTPServer):
    request_queue_size = 1024  # listen backlog: many collectors may connect at once
    daemon_threads = True
    allow_reuse_address = True
    demo: DemoServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("demo server: error serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "EarfulDemo/1"
    timeout = 30  # seconds an idle keep-alive connection may hold a thread
    disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms delayed-ACK stall

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        doc = self.server.demo.document(urlsplit(self.path).path)
        if doc is None:
            body = b"not found\n"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)
            return
        not_modified = self._not_modified(doc)
        self.send_response(304 if not_modified else 200)
        self.send_header("ETag", doc.etag)
        self.send_header("Last-Modified", doc.last_modified)
        self.send_header("Cache-Control", "max-age=60")
        if not_modified:
            self.end_headers()
            return
        self.send_header("Content-Type", doc.content_type)
        self.send_header("Content-Length", str(len(doc.body)))
        self.end_headers()
        if with_body:
            self.wfile.write(doc.body)

    def _not_modified(self, doc: _Document) -> bool:
        """If-None-Match wins when present (RFC 9110); otherwise If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or doc.etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=timezone.utc)
            return doc.modified <= since
        return False

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (base class signature)
        logger.debug("demo server: " + format, *args)


class DemoServer:
    """Serves the demo feeds on ``host:port`` (port 0 picks a free one) from a background thread.

    ``now`` anchors the feeds' dates (default: when the server starts), so documents and
    their ETags stay the same for the server's lifetime.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, now: datetime | None = None) -> None:
        self.host = host
        self.port = port
        self.now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._docs: dict[str, _Document] = {}
        self._lock = threading.Lock()
        self.live_at: datetime | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the demo server is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def feed_urls(self) -> dict[str, str]:
        """Feed name → URL."""
        return {spec.name: self.base_url + path for path, spec in FEED_PATHS.items()}

    def document(self, path: str) -> _Document | None:
        """The rendered feed at ``path`` (built on first request, then kept), or None."""
        spec = FEED_PATHS.get(path)
        if spec is None:
            return None
        with self._lock:
            doc = self._docs.get(path)
            if doc is None:
                body = build_feed(spec.name, self.base_url, self.now, self.live_at)
                doc = self._docs[path] = _Document(body, spec.content_type, self.live_at or self.now)
            return doc

    def release_live(self, at: datetime | None = None) -> None:
        """From now on the feeds also carry the live posts (Acme Mobile down again), dated up to ``at``."""
        with self._lock:
            self.live_at = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
            self._docs.clear()

    def start(self) -> DemoServer:
        """Bind and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.demo = self
        self._httpd = httpd
        self.port = int(httpd.server_address[1])
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="earful-demo-server", daemon=True)
        self._thread.start()
        logger.debug("demo server listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; safe to call twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
