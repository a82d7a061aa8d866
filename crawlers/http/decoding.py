"""Content-Encoding decoders whose output is bounded at every layer (gzip, deflate, br, in any stack).

Each decoder turns one input chunk into pieces of at most ``PIECE`` bytes and is pulled lazily, so
``gzip, gzip`` or ``br`` of a few kilobytes that would expand to gigabytes stops as soon as the
caller has seen more than its size limit: memory stays at a few pieces per layer.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

import brotli

from earful.errors import SourceError

PIECE = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate, br"


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> Iterator[bytes]: ...


class ZlibDecoder:
    """gzip (``wbits`` 16+15), zlib-wrapped deflate (15) or raw deflate (-15)."""

    def __init__(self, wbits: int) -> None:
        self._obj = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while not self._obj.eof:
            out = self._obj.decompress(data, PIECE)
            data = self._obj.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < PIECE:
                return  # input used up and nothing held back

    def finish(self) -> Iterator[bytes]:
        yield from self.feed(b"")


class DeflateDecoder:
    """``deflate`` as servers send it: zlib-wrapped as the standard says, or raw as some send it."""

    def __init__(self) -> None:
        self._inner: ZlibDecoder | None = None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inner is None:
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._inner = ZlibDecoder(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        yield from self._inner.feed(data)

    def finish(self) -> Iterator[bytes]:
        if self._inner is not None:
            yield from self._inner.finish()


class BrotliDecoder:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        out = self._obj.process(data, output_buffer_limit=PIECE)
        while True:
            if out:
                yield out
            if self._obj.can_accept_more_data() or self._obj.is_finished():
                return
            out = self._obj.process(b"", output_buffer_limit=PIECE)

    def finish(self) -> Iterator[bytes]:
        return iter(())


def _decoder(name: str) -> Decoder:
    if name in ("gzip", "x-gzip"):
        return ZlibDecoder(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return DeflateDecoder()
    if name == "br":
        return BrotliDecoder()
    raise SourceError(f"the server sent an encoding Earful does not read (Content-Encoding: {name}); "
                      f"it asks for {ACCEPT_ENCODING} only", kind="decoding")


def decoders(content_encodings: Iterable[str]) -> list[Decoder]:
    """Decoders for Content-Encoding header values, in the order to apply them (the last encoding first)."""
    names = [part.strip().lower() for value in content_encodings for part in value.split(",")]
    return [_decoder(name) for name in reversed(names) if name and name != "identity"]


def decode(chunks: Iterable[bytes], layers: list[Decoder]) -> Iterator[bytes]:
    """The decoded body, piece by piece; stop iterating to stop decoding."""
    stream: Iterator[bytes] = iter(chunks)
    for layer in layers:
        stream = _through(stream, layer)
    try:
        yield from stream
    except (zlib.error, brotli.error) as exc:
        raise SourceError(f"the server sent a corrupt compressed body ({exc}); the next run will retry",
                          kind="decoding") from None


def _through(stream: Iterator[bytes], layer: Decoder) -> Iterator[bytes]:
    for chunk in stream:
        yield from layer.feed(chunk)
    yield from layer.finish()
