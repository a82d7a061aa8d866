"""A real threaded HTTP server on 127.0.0.1 replaying ../shared/data, and the feed test cases."""

from __future__ import annotations

import csv
import email.utils
import gzip
import hashlib
import io
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from tests.http_servers import running

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FEEDS = DATA / "feeds"
FEEDS_REAL = DATA / "feeds-real"
_CONTENT_TYPES = {".rss": "application/rss+xml", ".atom": "application/atom+xml"}
_FILE_MTIME = "Tue, 01 Oct 2019 10:00:00 GMT"  # fixed: the data files' own mtimes vary per checkout


def _manifest(folder: Path) -> list[dict[str, str]]:
    path = folder / "manifest.tsv"
    if not path.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"test data missing: {path} (clone shared/ beside the repository)")
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def served_headers(relpath: str, manifest_headers: str = "") -> list[tuple[str, str]]:
    """What the server sends with a data file: the manifest's headers, else a content type."""
    pairs = [(name, value) for name, value in json.loads(manifest_headers)] if manifest_headers else []
    if not any(name.lower() == "content-type" for name, _ in pairs):
        pairs.append(("Content-Type", _CONTENT_TYPES.get(Path(relpath).suffix, "application/xml")))
    return pairs


FEED_CASES = _manifest(FEEDS)
REAL_CASES = _manifest(FEEDS_REAL)
_HEADERS_BY_PATH = {f"feeds/{row['path']}": row.get("http_headers", "") for row in FEED_CASES}


def _expectation_holds(row: dict[str, str]) -> bool:
    """Whether feedparser, given the bytes and headers we serve, meets the file's own Expect line."""
    try:
        if row.get("skip_unless"):
            eval(row["skip_unless"])  # the manifest's precondition, e.g. __import__('chardet')
        body = (FEEDS / row["path"]).read_bytes()
        headers = {k.lower(): v for k, v in served_headers(row["path"], row.get("http_headers", ""))}
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
        return bool(eval(row["expect"], {"feedparser": feedparser}, dict(parsed)))
    except Exception:  # noqa: BLE001 - any failure (precondition, eval) means "not right"
        return False


def _names_titles_or_links(expect: str) -> bool:
    return bool(re.search(r"title|link", expect)) and bool(re.search(r"\b(entries|feed)\b", expect))


CHECKED_CASES = [row for row in FEED_CASES
                 if _names_titles_or_links(row["expect"]) and _expectation_holds(row)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cases = {"feed_case": (FEED_CASES, "path"), "checked_feed_case": (CHECKED_CASES, "path"),
             "real_feed_case": (REAL_CASES, "file")}
    for name, (rows, key) in cases.items():
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, rows, ids=[row[key] for row in rows])


@dataclass
class Reply:
    """A canned response registered by a test."""

    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    conditional: bool = True  # answer 304 to matching If-None-Match / If-Modified-Since


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many parallel fetches must not see "connection refused"
    daemon_threads = True
    block_on_close = False  # a handler sleeping for a timeout test must not hold up shutdown

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: dict[str, Reply] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        with self.server.lock:
            self.server.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
        try:
            reply = self._route(path)
        except FileNotFoundError:
            reply = Reply(b"not found", [("Content-Type", "text/plain")], status=404)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.conditional and reply.status == 200 and self._not_modified(reply):
            self._send(Reply(status=304, headers=[h for h in reply.headers
                                                  if h[0].lower() in ("etag", "last-modified")]))
        else:
            self._send(reply)

    def _route(self, path: str) -> Reply:
        if path.startswith("/_reply/"):
            reply = self.server.replies.get(path)
            if reply is None:
                raise FileNotFoundError(path)
            return reply
        if match := re.fullmatch(r"/_redirect/(\d+)(/.*)", path):
            hops, rest = int(match.group(1)), match.group(2)
            target = rest if hops <= 1 else f"/_redirect/{hops - 1}{rest}"
            return Reply(headers=[("Location", target)], status=302)
        if path.startswith("/_gzip/"):
            reply = self._file(path[len("/_gzip"):])
            reply.body = gzip.compress(reply.body)
            reply.headers.append(("Content-Encoding", "gzip"))
            return reply
        if path.startswith("/_nolength/"):
            reply = self._file(path[len("/_nolength"):])
            reply.headers.append(("X-No-Length", "1"))
            return reply
        return self._file(path)

    def _file(self, path: str) -> Reply:
        relpath = path.lstrip("/")
        file = (DATA / relpath).resolve()
        if not file.is_relative_to(DATA.resolve()) or not file.is_file():
            raise FileNotFoundError(path)
        body = file.read_bytes()
        headers = served_headers(relpath, _HEADERS_BY_PATH.get(relpath, ""))
        names = {name.lower() for name, _ in headers}
        if "etag" not in names:
            headers.append(("ETag", f'"{hashlib.sha1(body).hexdigest()[:16]}"'))
        if "last-modified" not in names:
            headers.append(("Last-Modified", _FILE_MTIME))
        return Reply(body, headers)

    def _not_modified(self, reply: Reply) -> bool:
        sent = {name.lower(): value for name, value in reply.headers}
        if "if-none-match" in self.headers:
            return self.headers["if-none-match"] == sent.get("etag")
        since, modified = self.headers.get("if-modified-since"), sent.get("last-modified")
        if since and modified:
            return email.utils.parsedate_to_datetime(modified) <= email.utils.parsedate_to_datetime(since)
        return False

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        no_length = any(name == "X-No-Length" for name, _ in reply.headers)
        for name, value in reply.headers:
            if name != "X-No-Length":
                self.send_header(name, value)
        if not no_length and reply.status != 304:
            self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if reply.status != 304:
            try:
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (size limit, timeout)
                pass


class FeedServer:
    """Handle on the running server: URLs for data files and for canned replies."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    @staticmethod
    def headers_for(relpath: str) -> dict[str, str]:
        """The headers that matter to feedparser, as served with a data file (lower-case names)."""
        served = served_headers(relpath, _HEADERS_BY_PATH.get(relpath, ""))
        return {name.lower(): value for name, value in served}

    def serve(self, body: bytes | str, *, headers: list[tuple[str, str]] | None = None, status: int = 200,
              delay: float = 0.0, name: str = "feed.xml", conditional: bool = True) -> str:
        """Register a reply under a fresh path and return its URL."""
        path = f"/_reply/{uuid.uuid4().hex}/{name}"
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._server.replies[path] = Reply(data, list(headers or [("Content-Type", "application/xml")]),
                                           status, delay, conditional)
        return self.base + path

    def requests_for(self, url: str) -> list[dict[str, str]]:
        path = urlsplit(url).path
        with self._server.lock:
            return [headers for seen, headers in self._server.requests if seen == path]


@pytest.fixture
def cassettes(shared_data: Path) -> Path:
    """PRAW's recorded Reddit API exchanges (see tests/crawlers/reddit_replay.py)."""
    return shared_data / "reddit-cassettes"


@pytest.fixture(scope="session")
def feed_server() -> Iterator[FeedServer]:
    with running(_Server(), "feed-server") as server:
        yield FeedServer(server)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No EARFUL_* settings from the developer's shell, and no proxy between us and 127.0.0.1."""
    for name in list(os.environ):
        if name.startswith("EARFUL_") or name.lower() in ("http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
