"""Rebuild an embedded index written by an older version with today's schema, from its stored mentions.

Every document stores the whole mention, so a new index can be derived from the old one: the
mentions are read in ``sort_key`` order a page at a time, written to a folder beside it, and the
folders are swapped once every mention is in. Nothing may write to the index meanwhile.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import tantivy
from tantivy import FieldType, Order, Query

from earful.errors import IndexUnavailable
from earful.models import Mention
from search.embedded.index import EmbeddedIndex
from search.embedded.schema import field_names, from_document

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]
PAGE = 5000


def needs_migration(path: Path) -> bool:
    from search.embedded.index import _schema_fields

    return tantivy.Index.exists(str(path)) and bool(field_names() - _schema_fields(path))


def _stored(path: Path) -> Iterator[list[Mention]]:
    """Pages of the old index's mentions by sort_key; a key shared by several is never split or skipped."""
    index = tantivy.Index.open(str(path))
    searcher = index.searcher()
    after: int | None = None
    seen_at_key: set[str] = set()
    while True:
        query = Query.all_query() if after is None else Query.range_query(
            index.schema, "sort_key", FieldType.Unsigned, after, None, include_lower=True, include_upper=True)
        hits = searcher.search(query, PAGE + len(seen_at_key), order_by_field="sort_key", order=Order.Asc).hits
        page = [m for m in (from_document(searcher.doc(a)) for _, a in hits) if m.id not in seen_at_key]
        if not page:
            return
        yield page
        last = int(hits[-1][0])
        seen_at_key = ({m.id for m, (key, _) in zip(page, hits[-len(page):]) if int(key) == last}
                       | (seen_at_key if last == after else set()))
        after = last


def migrate(path: Path, progress: Progress = logger.info) -> int:
    """Rebuild ``path`` in place; returns how many mentions the new index holds."""
    path = Path(path)
    staging = path.with_name(path.name + ".migrating")
    shutil.rmtree(staging, ignore_errors=True)
    target = EmbeddedIndex(staging)
    copied, started = 0, time.monotonic()
    try:
        for page in _stored(path):
            copied += target.upsert(page)
            progress(f"rebuilt {copied:,} mentions …")
    finally:
        target.close()
    expected = tantivy.Index.open(str(path)).searcher().num_docs
    if copied != expected:
        raise IndexUnavailable(f"rebuilding {path} copied {copied} of {expected} mentions; the old index is "
                               f"left as it was and the copy in {staging}")
    backup = path.with_name(f"{path.name}.old-{int(time.time())}")
    path.rename(backup)
    staging.rename(path)
    shutil.rmtree(backup, ignore_errors=True)
    progress(f"rebuilt {copied:,} mentions with the current schema in {time.monotonic() - started:.1f}s")
    return copied
