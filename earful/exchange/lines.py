"""Physical lines of an untrusted file, each bounded in size, numbered from 1, BOM and bad bytes reported."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

MAX_LINE_BYTES = 4 * 1024 * 1024  # a mention's text is at most 100,000 characters
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Line:
    number: int
    text: str | None  # None when the line was unusable (``problem`` says why)
    problem: str | None = None


def lines(stream: BinaryIO, *, max_bytes: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Every line without its ending; a longer line than ``max_bytes`` is skipped to its end, not read whole."""
    number = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # drop the rest of the line a chunk at a time
                raw = stream.readline(max_bytes)
            yield Line(number, None, f"line longer than {max_bytes:,} bytes")
            continue
        try:
            yield Line(number, raw.decode("utf-8").rstrip("\r\n"))
        except UnicodeDecodeError as exc:
            yield Line(number, None, f"not UTF-8 (byte {exc.start + 1}); save the file as UTF-8")
