"""Every matching mention as NDJSON or CSV, streamed oldest first with constant memory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import IndexDep
from api.scope import ScopeDep
from earful.exchange.writers import csv_lines, ndjson_lines
from search import export

router = APIRouter(tags=["export"])
MEDIA = {"ndjson": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}
_CHUNK = 256 * 1024


def _chunks(lines: Iterator[str]) -> Iterator[bytes]:
    """Lines joined into chunks of about 256 KB, so the server writes a few large pieces."""
    buffer: list[str] = []
    size = 0
    for line in lines:
        buffer.append(line)
        size += len(line)
        if size >= _CHUNK:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {MEDIA["ndjson"]: {}, MEDIA["csv"]: {}},
                             "description": "one mention a line (NDJSON) or a row (CSV, with a header)"}})
def export_mentions(
    index: IndexDep, scope: ScopeDep,
    format: Literal["ndjson", "csv"] = "ndjson",
    after: Annotated[str | None, Query(max_length=200, description="id of the last mention a previous export "
                                                                   "wrote: go on after it")] = None,
) -> StreamingResponse:
    """Every matching mention (not a page), oldest first; CSV opens in spreadsheets (see docs/export-import.md)."""
    first = export.pages(index, scope.query, scope.filters, after=after)
    batch = next(first, [])  # a bad ``after`` is a 400 before any byte is sent
    mentions = (m for page in ([batch], first) for items in page for m in items)
    writer = ndjson_lines if format == "ndjson" else csv_lines
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers = {"Content-Disposition": f'attachment; filename="earful-{stamp}.{format}"'}
    return StreamingResponse(_chunks(writer(mentions)), media_type=MEDIA[format], headers=headers)
