"""Streaming NDJSON and CSV writers: one mention a line or a row, nothing held but the current one.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return, as OWASP lists) are prefixed with a single quote, and so are cells
that already start with one, so that reading Earful's own CSV back removes exactly one quote.
Numbers we write ourselves (scores, ratings) are never prefixed.
"""

from __future__ import annotations

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
    yield "\ufeff" + csv_record(COLUMNS)
    for mention in mentions:
        row = flatten(mention)
        yield csv_record([_cell(row[column]) for column in COLUMNS])


def csv_record(cells: Iterable[str]) -> str:
    """One RFC 4180 record, quoted exactly as ``csv.writer`` with QUOTE_MINIMAL quotes it.

    Written by hand: ``in`` and ``replace`` find the few cells that need quotes faster than the csv
    module's writer walks every character of a long article.
    """
    return ",".join(_quoted(cell) for cell in cells) + "\r\n"


def _quoted(cell: str) -> str:
    if '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    if "," in cell or "\n" in cell or "\r" in cell:
        return '"' + cell + '"'
    return cell
