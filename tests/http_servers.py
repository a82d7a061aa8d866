"""Local HTTP servers for tests: run one on a thread for the length of a ``with`` block."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseServer
from typing import Any, TypeVar

ServerT = TypeVar("ServerT", bound=BaseServer)


@contextmanager
def running(server: ServerT, name: str = "test-http-server") -> Iterator[ServerT]:
    """``server`` serving on a daemon thread; shut down and closed when the block ends."""
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], path: str, **attributes: Any) -> Iterator[Any]:
    """A threaded HTTP server on 127.0.0.1 with ``attributes`` set on it and its ``url`` (at ``path``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    for name, value in attributes.items():
        setattr(server, name, value)
    server.url = f"http://127.0.0.1:{server.server_address[1]}{path}"  # type: ignore[attr-defined]
    with running(server):
        yield server
