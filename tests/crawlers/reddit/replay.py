"""A local Reddit API replaying recorded cassettes (betamax / VCR style JSON), for PRAW.

One threaded HTTP server on 127.0.0.1 (a free port) stands for both ``oauth.reddit.com``
and ``www.reddit.com``; point ``EARFUL_REDDIT_OAUTH_URL`` / ``EARFUL_REDDIT_URL`` at it.

* Token endpoint: ``POST /api/v1/access_token`` always answers itself (the recordings'
  tokens are placeholders). It checks HTTP Basic credentials against ``client_id`` /
  ``client_secret`` and answers 401 when they differ, as Reddit does. API requests must
  then carry ``Authorization: bearer <that token>``, else 401 with Reddit's
  ``www-authenticate`` header.
* Matching, in this order: replies added with :meth:`RedditReplay.add` (newest first;
  their ``query`` is a subset that must match); a recorded request with the same method,
  path and query parameters compared order-independently (paths case-insensitive, trailing
  ``/`` and ``.json`` ignored); then a recorded request equal after ignoring parameters that
  only shape a listing (``LOOSE_PARAMS``: page size, sort, syntax, time filter, ...), so a
  collector's own page size or sort still finds the recording. Cursor and query parameters
  (``q``, ``before``, ``after``, ``id``) always have to match. Several recordings matching one
  request are served in recorded order, the last one repeating.
* A subreddit's recorded error or redirect (403 private/quarantined, 404 banned, 302 to the
  search page for one that does not exist) answers any other unmatched request under the
  same ``/r/<name>/``, as Reddit does for such a subreddit.
* Unmatched: a GET gets an empty Listing (200), which is what Reddit answers for "nothing
  newer than that"; a comment page (``/comments/<id>``), ``/api/morechildren`` and any other
  method get Reddit's JSON 404, because an empty listing would be a wrong answer there.
* Placeholders the recorder left in URIs and bodies (``<TEST_SUBREDDIT>``, ...) are replaced
  by the values given in ``placeholders`` before matching and serving.

Every request is kept in :attr:`RedditReplay.requests` (method, path, query, headers and
how it was matched) so tests can check what a collector asked for.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from pydantic import SecretStr

from earful.settings import Settings

# Cassettes of ../shared/data/reddit-cassettes the tests replay.
SEARCH = "TestSubreddit.test_search.json"
NEW = "TestSubredditListings.test_new.json"
THREAD = "TestSubmission.test_comments.json"
POLL = "TestPollData.test_get_attrs.json"
FORBIDDEN = "TestSubredditQuarantine.test_opt_out.json"
NOT_FOUND = "TestSubreddit.test_traffic__not_public.json"
HTML_400 = "TestReddit.test_bad_request_without_json_text_html_response.json"

TOKEN_PATH = "/api/v1/access_token"
LOOSE_PARAMS = frozenset({"limit", "raw_json", "sort", "syntax", "t", "restrict_sr", "sr_detail",
                          "count", "show", "include_over_18", "depth", "context", "threaded"})
EMPTY_LISTING = {"kind": "Listing", "data": {"children": [], "after": None, "before": None,
                                             "dist": 0, "modhash": ""}}
_DROPPED_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "content-encoding",
                              "set-cookie", "strict-transport-security"})
Query = tuple[tuple[str, str], ...]


def normal_path(path: str) -> str:
    path = path.lower().removesuffix(".json").rstrip("/")
    return path or "/"


def normal_query(pairs: Iterable[tuple[str, str]]) -> Query:
    return tuple(sorted(pairs))


def _subreddit_scope(path: str) -> str | None:
    """``/r/name`` for a path under a subreddit (a private or banned one fails every listing)."""
    parts = path.split("/")
    return "/".join(parts[:3]) if len(parts) > 3 and parts[1] == "r" and parts[2] != "all" else None


def _loose(query: Query) -> Query:
    return tuple(pair for pair in query if pair[0] not in LOOSE_PARAMS)


@dataclass
class Recorded:
    """One reply the server can give."""

    method: str
    path: str
    query: Query
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    origin: str  # cassette file name, or "added"


@dataclass
class Added:
    method: str
    path: str
    query: dict[str, str]
    reply: Recorded
    times: int | None  # None: every time


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    matched: str  # "added", "exact", "loose", "token" or "unmatched"
    status: int


def _body_bytes(body: Any) -> bytes:
    if isinstance(body, Mapping):
        if body.get("base64_string"):
            return base64.b64decode(body["base64_string"])
        return str(body.get("string") or "").encode("utf-8")
    return str(body or "").encode("utf-8")


def _json(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> Recorded:
    return Recorded("", "", (), status, [("Content-Type", "application/json; charset=UTF-8"),
                                         *(headers or [])], json.dumps(payload).encode(), "generated")


@dataclass
class RedditReplay:
    """The server; use as a context manager (``with RedditReplay([...]) as reddit:``)."""

    cassettes: Iterable[Path] = ()
    placeholders: dict[str, str] = field(default_factory=dict)
    client_id: str = "earful-test-id"
    client_secret: str = "earful-test-secret"

    def __post_init__(self) -> None:
        self.recorded: list[Recorded] = []
        self.added: list[Added] = []
        self.requests: list[Seen] = []
        self.token = "replay-" + secrets.token_hex(8)
        self.token_reply: Recorded | None = None  # set to make the token endpoint fail
        self._used: set[int] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        for path in self.cassettes:
            self.load(path)

    # -- content ---------------------------------------------------------------------------
    def _fill(self, text: str) -> str:
        for placeholder, value in self.placeholders.items():
            text = text.replace(placeholder, value)
        return text

    def load(self, path: Path) -> int:
        """Add a cassette's interactions (all but the token POST); returns how many."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        count = 0
        for interaction in data.get("interactions", []):
            request, response = interaction["request"], interaction["response"]
            url = urlsplit(self._fill(request["uri"]))
            if normal_path(url.path) == normal_path(TOKEN_PATH):
                continue
            headers = [(name, value) for name, values in (response.get("headers") or {}).items()
                       for value in (values if isinstance(values, list) else [values])
                       if name.lower() not in _DROPPED_HEADERS]
            body = self._fill(_body_bytes(response.get("body")).decode("utf-8")).encode("utf-8")
            self.recorded.append(Recorded(
                request["method"].upper(), normal_path(url.path),
                normal_query(parse_qsl(url.query, keep_blank_values=True)),
                int(response["status"]["code"]), headers, body, Path(path).name))
            count += 1
        return count

    def add(self, method: str, path: str, *, status: int = 200, body: Any = None,
            headers: Mapping[str, str] | None = None, query: Mapping[str, str] | None = None,
            times: int | None = None) -> None:
        """Answer ``method path`` (with at least ``query``) like this; ``body`` dict/list is JSON."""
        data = body if isinstance(body, bytes) else (
            json.dumps(body).encode() if not isinstance(body, str) else body.encode())
        pairs = list((headers or {}).items())
        if not any(name.lower() == "content-type" for name, _ in pairs):
            pairs.append(("Content-Type", "application/json; charset=UTF-8"))
        reply = Recorded(method.upper(), normal_path(path), (), status, pairs, data, "added")
        with self._lock:
            self.added.insert(0, Added(method.upper(), normal_path(path), dict(query or {}), reply, times))

    def reuse(self, cassette: Path, method: str, recorded_path: str, *, at: str,
              query: Mapping[str, str] | None = None, times: int | None = None) -> Recorded:
        """Serve the response recorded for ``method recorded_path`` in ``cassette`` at path ``at``."""
        probe = RedditReplay([cassette], placeholders=self.placeholders)
        match = next(r for r in probe.recorded
                     if r.method == method.upper() and r.path == normal_path(recorded_path))
        self.add(method, at, status=match.status, body=match.body, headers=dict(match.headers),
                 query=query, times=times)
        return match

    def fail_token(self, status: int = 401, payload: Any = None) -> None:
        """Make the token endpoint answer ``status`` (Reddit: 401 for a wrong app id/secret)."""
        self.token_reply = _json(status, payload or {"message": "Unauthorized", "error": status})

    # -- matching --------------------------------------------------------------------------
    def reply_for(self, method: str, path: str, query: Query) -> tuple[Recorded, str]:
        path = normal_path(path)
        with self._lock:
            for added in self.added:
                if (added.method == method and added.path == path and added.times != 0
                        and all((k, v) in query for k, v in added.query.items())):
                    if added.times is not None:
                        added.times -= 1
                    return added.reply, "added"
            for how, key in (("exact", lambda q: q), ("loose", _loose)):
                wanted = key(query)
                hits = [i for i, r in enumerate(self.recorded)
                        if r.method == method and r.path == path and key(r.query) == wanted]
                if hits:
                    index = next((i for i in hits if i not in self._used), hits[-1])
                    self._used.add(index)
                    return self.recorded[index], how
            scope = _subreddit_scope(path)
            for recorded in self.recorded:
                if scope and recorded.status >= 300 and _subreddit_scope(recorded.path) == scope:
                    return recorded, "subreddit"
        if method == "GET" and not (path.startswith("/comments/") or path == "/api/morechildren"):
            return _json(200, EMPTY_LISTING), "unmatched"
        return _json(404, {"message": "Not Found", "error": 404}), "unmatched"

    def _token(self, authorization: str) -> Recorded:
        if self.token_reply is not None:
            return self.token_reply
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != f"Basic {expected}":
            return _json(401, {"message": "Unauthorized", "error": 401})
        return _json(200, {"access_token": self.token, "token_type": "bearer", "expires_in": 3600,
                           "scope": "*"})

    def handle(self, method: str, target: str, headers: dict[str, str]) -> Recorded:
        url = urlsplit(target)
        query = normal_query(parse_qsl(url.query, keep_blank_values=True))
        if normal_path(url.path) == normal_path(TOKEN_PATH) and method == "POST":
            reply, how = self._token(headers.get("authorization", "")), "token"
        elif headers.get("authorization", "").lower() != f"bearer {self.token}".lower():
            reply, how = _json(401, {"message": "Unauthorized", "error": 401},
                               [("www-authenticate", 'Bearer realm="reddit", error="invalid_token"')]), "token"
        else:
            reply, how = self.reply_for(method, url.path, query)
        with self._lock:
            self.requests.append(Seen(method, normal_path(url.path), dict(query), headers, how, reply.status))
        return reply

    # -- what was asked --------------------------------------------------------------------
    def api_requests(self, path: str | None = None) -> list[Seen]:
        """Requests other than the token POST, optionally only those to ``path``."""
        with self._lock:
            seen = [r for r in self.requests if r.path != normal_path(TOKEN_PATH)]
        return [r for r in seen if path is None or r.path == normal_path(path)]

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- server ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the replay server is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def settings(self, base: Settings) -> Settings:
        """``base`` pointed at this server, with the credentials it accepts."""
        return base.model_copy(update={
            "reddit_client_id": self.client_id, "reddit_client_secret": SecretStr(self.client_secret),
            "reddit_oauth_url": self.base_url, "reddit_url": self.base_url, "reddit_short_url": self.base_url})

    def __enter__(self) -> Self:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                reply = replay.handle(self.command, self.path,
                                      {k.lower(): v for k, v in self.headers.items()})
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, name="reddit-replay", daemon=True).start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
