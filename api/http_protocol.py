"""The HTTP/1.1 protocol the API is served with: uvicorn's httptools protocol, with the request head bounded.

httptools (a C parser) takes about a millisecond less of CPU per request than h11 (pure Python), a
fifth of a search request's cost under load, but uvicorn bounds nothing with it: a client could
send headers until memory runs out. ``BoundedHttpTools`` feeds the parser at most
``MAX_REQUEST_HEAD_BYTES`` before the headers end and answers 431 past that, as h11 would with
its limit; the body is bounded by the app. httptools cannot parse a URL over 64 KB: such a request
gets a JSON 400 that says so, like the app's own 400s, instead of uvicorn's bare "Invalid HTTP request".
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from earful.query.parser import MAX_LENGTH as MAX_QUERY_CHARS

# Long query strings must reach the app (and get a 400 that explains), not die in the parser.
MAX_REQUEST_HEAD_BYTES = 256 * 1024
MAX_URL_BYTES = 65_535  # httptools' own limit
TOO_LARGE = b"request line and headers too large"
URL_TOO_LONG = json.dumps({"detail": f"the URL is over {MAX_URL_BYTES:,} bytes; shorten the query (q= is limited "
                                     f"to {MAX_QUERY_CHARS:,} characters) or save it as a search and pass saved="}
                          ).encode()


class BoundedHttpTools(HttpToolsProtocol):
    """httptools with at most ``MAX_REQUEST_HEAD_BYTES`` of request line and headers per request."""

    _head_bytes = 0
    _in_head = True  # reading a request's line and headers (not its body)

    def data_received(self, data: bytes) -> None:
        while data and self._in_head:
            room = MAX_REQUEST_HEAD_BYTES - self._head_bytes
            if room <= 0:
                self.logger.warning("refused a request whose line and headers pass %d bytes", MAX_REQUEST_HEAD_BYTES)
                self._refuse(b"431 Request Header Fields Too Large", b"text/plain; charset=utf-8", TOO_LARGE)
                return
            piece, data = data[:room], data[room:]
            self._head_bytes += len(piece)
            super().data_received(piece)  # may end the head (on_headers_complete)
            if self.transport.is_closing():
                return
        if data:
            super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        if len(self.url) > MAX_URL_BYTES:
            self._refuse(b"400 Bad Request", b"application/json", URL_TOO_LONG)
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.transport.is_closing():  # not a request refused above
            super().on_body(body)

    def on_message_complete(self) -> None:
        self._in_head, self._head_bytes = True, 0
        if not self.transport.is_closing():
            super().on_message_complete()

    def _refuse(self, status: bytes, content_type: bytes, body: bytes) -> None:
        self.transport.write(b"HTTP/1.1 %s\r\ncontent-type: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, content_type, len(body), body))
        self.transport.close()
