"""A raw TCP server on 127.0.0.1 that answers HTTP the way hostile or broken sources do.

Each test registers a handler ``(socket, request_bytes) -> None`` under a path and gets a URL;
the handler writes whatever it likes (slowly, huge, compressed many times over) and may stop.
"""

from __future__ import annotations

import gzip
import socket
import socketserver
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator

import brotli

Handler = Callable[[socket.socket, bytes], None]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handle)
        self.handlers: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()


class _Handle(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(30)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1].decode("latin-1")
        with self.server.lock:
            self.server.hits[path] = self.server.hits.get(path, 0) + 1
        handler = self.server.handlers.get(path)
        try:
            if handler is None:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            else:
                handler(conn, data)
        except OSError:  # the client gave up: that is what most of these tests expect
            pass


class HostileServer:
    def __init__(self) -> None:
        self._server = _Server()
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, name="hostile-server", daemon=True).start()

    def add(self, handler: Handler, path: str | None = None) -> str:
        path = path or f"/{uuid.uuid4().hex}"
        self._server.handlers[path] = handler
        return self.base + path

    def hits(self, url: str) -> int:
        path = url[len(self.base):]
        with self._server.lock:
            return self._server.hits.get(path, 0)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def answer(status: str = "200 OK", headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> Handler:
    """A plain, well-formed answer."""
    def handle(conn: socket.socket, _: bytes) -> None:
        lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers or []),
                 f"Content-Length: {len(body)}", "Connection: close", "", ""]
        conn.sendall("\r\n".join(lines).encode("latin-1") + body)
    return handle


def drip(prefix: bytes, byte: bytes = b"x", every: float = 0.1, seconds: float = 30.0) -> Handler:
    """Sends ``prefix`` at once, then one byte every ``every`` seconds: never silent long enough for a read timeout."""
    def handle(conn: socket.socket, _: bytes) -> None:
        conn.sendall(prefix)
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            conn.sendall(byte)
            time.sleep(every)
    return handle


def _gzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    obj = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for chunk in chunks:
        if out := obj.compress(chunk):
            yield out
    yield obj.flush()


def _deflate(chunks: Iterator[bytes], raw: bool = False) -> Iterator[bytes]:
    obj = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
    for chunk in chunks:
        if out := obj.compress(chunk):
            yield out
    yield obj.flush()


def _br(chunks: Iterator[bytes]) -> Iterator[bytes]:
    obj = brotli.Compressor(quality=5)
    for chunk in chunks:
        if out := obj.process(chunk):
            yield out
    yield obj.finish()


ENCODERS = {"gzip": _gzip, "deflate": _deflate, "raw-deflate": lambda c: _deflate(c, raw=True), "br": _br}


def bomb(layers: list[str], size: int, head: bytes = b"<rss>") -> bytes:
    """``size`` bytes (mostly spaces) encoded by each of ``layers`` in turn, built without holding them."""
    def plain() -> Iterator[bytes]:
        yield head
        block = b" " * (1 << 20)
        for _ in range(size >> 20):
            yield block

    stream: Iterator[bytes] = plain()
    for name in layers:
        stream = ENCODERS[name](stream)
    return b"".join(stream)


def wrap(layer: str, body: bytes) -> bytes:
    """``body`` encoded once more, by ``layer``."""
    return b"".join(ENCODERS[layer](iter([body])))


def header_value(layers: list[str]) -> str:
    """The Content-Encoding header for ``layers`` (raw deflate is sent as ``deflate``, as such servers do)."""
    return ", ".join("deflate" if name == "raw-deflate" else name for name in layers)


__all__ = ["HostileServer", "answer", "bomb", "drip", "gzip", "header_value"]
