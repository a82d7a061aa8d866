"""Readers for NDJSON and CSV files that may be broken anywhere: every usable record, every problem by line.

A reader yields :class:`Record` (a line number and a dict of fields) or :class:`Problem`
(a line number and what is wrong). Nothing in the input stops a read: a bad line, a broken
quote or a huge field costs that record only.
"""

from __future__ import annotations

import csv
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from earful.exchange.lines import MAX_LINE_BYTES, Line, lines
from earful.exchange.writers import restore

MAX_RECORD_LINES = 1000  # a quoted field may hold newlines, but not this many
MAX_RECORD_BYTES = MAX_LINE_BYTES


@dataclass(frozen=True)
class Record:
    line: int
    fields: dict[str, Any]


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


Item = Record | Problem


def read_ndjson(stream: BinaryIO) -> Iterator[Item]:
    """One JSON object per line; blank lines are skipped."""
    for line in lines(stream):
        if line.text is None:
            yield Problem(line.number, line.problem or "unreadable line")
        elif line.text.strip():
            yield _json_record(line.number, line.text)


def _json_record(number: int, text: str) -> Item:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(number, f"not JSON ({exc.msg} at column {exc.colno})")
    except (ValueError, RecursionError):
        return Problem(number, "not JSON (nested too deeply or a number too large)")
    if not isinstance(value, dict):
        return Problem(number, f"a JSON {type(value).__name__} where an object was expected")
    return Record(number, value)


def read_csv(stream: BinaryIO) -> Iterator[Item]:
    """A header row, then records; a record may span lines inside quotes (RFC 4180).

    A quote that never closes, or closes somewhere that breaks the record, costs the line it
    opened on: the lines after it are read again as records of their own.
    """
    source, pending = lines(stream), deque[Line]()
    header: list[str] | None = None
    while (line := _next(pending, source)) is not None:
        if line.text is None:
            yield Problem(line.number, line.problem or "unreadable line")
            continue
        parts = _gather(line, pending, source)
        cells = _cells(parts)
        if len(parts) > 1 and (cells is None or (header is not None and len(cells) != len(header))):
            pending.extendleft(reversed(parts[1:]))
            yield Problem(line.number, "broken quoting (a quote that never closes); the lines after it "
                                       "are read again")
        elif cells is None:
            yield Problem(line.number, "broken CSV quoting")
        elif header is None:
            header = [c.strip() for c in cells]
        elif any(cells):
            yield _csv_record(line.number, header, cells)


def _next(pending: deque[Line], source: Iterator[Line]) -> Line | None:
    return pending.popleft() if pending else next(source, None)


def _gather(line: Line, pending: deque[Line], source: Iterator[Line]) -> list[Line]:
    """The lines of the record starting at ``line``: more while a quote is open, within bounds."""
    parts, size, quotes = [line], len(line.text or ""), (line.text or "").count('"')
    while quotes % 2 and len(parts) < MAX_RECORD_LINES and size <= MAX_RECORD_BYTES:
        following = _next(pending, source)
        if following is None or following.text is None:
            if following is not None:
                pending.appendleft(following)
            break
        parts.append(following)
        size, quotes = size + len(following.text), quotes + following.text.count('"')
    return parts


def _cells(parts: list[Line]) -> list[str] | None:
    try:
        return next(csv.reader(["\n".join(p.text or "" for p in parts)], strict=True))
    except (csv.Error, StopIteration):
        return None


def _csv_record(start: int, header: list[str], cells: list[str]) -> Item:
    if len(cells) != len(header):
        return Problem(start, f"{len(cells)} cells where the header has {len(header)}")
    return Record(start, {name: restore(cell) for name, cell in zip(header, cells)})
