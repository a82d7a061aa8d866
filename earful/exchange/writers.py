"""Streaming NDJSON and CSV writers: one mention a line or a row, nothing held but the current one.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return, as OWASP lists) are prefixed with a single quote, and so are cells
that already start with one, so that reading Earful's own CSV back removes exactly one quote.
Numbers we write ourselves (scores, ratings) are never prefixed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from earful.exchange.columns import COLUMNS, flatten
from earful.models import Mention

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralize(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """The inverse of :func:`neutralize`."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _cell(value: object) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return neutralize(str(value))


def ndjson_lines(mentions: Iterable[Mention]) -> Iterator[str]:
    """One JSON object (the whole mention) and a newline per mention, UTF-8 text unescaped."""
    for mention in mentions:
        yield mention.model_dump_json() + "\n"  # compact, UTF-8 as is


def csv_lines(mentions: Iterable[Mention]) -> Iterator[str]:
    """A byte order mark and the header, then one CSV record per mention (RFC 4180 quoting, CRLF ends).

    The mark is how spreadsheet programs tell UTF-8 from a legacy code page.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield "\ufeff" + _take(buffer)
    for mention in mentions:
        row = flatten(mention)
        writer.writerow([_cell(row[column]) for column in COLUMNS])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
