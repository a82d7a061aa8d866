"""An index written by an older version is rebuilt in place from its stored mentions, none lost."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import tantivy

from earful.errors import IndexUnavailable
from earful.models import Mention, Rating
from search.base import SearchFilters
from search.embedded import EmbeddedIndex
from search.embedded import migrate as embedded_migrate
from search.embedded.migrate import migrate, needs_migration
from search.fields import sort_key

WHEN = datetime(2026, 3, 1, tzinfo=timezone.utc)


def old_index(path: Path, mentions: list[Mention]) -> None:
    """An index with an older, smaller schema: the id, the sort key and the stored mention."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("sort_key", indexed=True, fast=True)
    builder.add_bytes_field("doc", stored=True)
    path.mkdir(parents=True)
    index = tantivy.Index(builder.build(), path=str(path))
    writer = index.writer(50_000_000, 1)
    for m in mentions:
        doc = tantivy.Document()
        doc.add_text("id", m.id)
        doc.add_unsigned("sort_key", sort_key(m.published_at, m.id))
        doc.add_bytes("doc", m.model_dump_json().encode())
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()


def test_an_old_index_is_refused_then_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded_migrate, "PAGE", 7)  # many pages, and several mentions in one second
    mentions = [Mention(id=f"m{i}", source="review", source_name="r", text=f"review {i}", brands=["acme"],
                        published_at=WHEN + timedelta(seconds=i // 3), site="www.Reviews.example",
                        rating=Rating(raw="4", scale=5, normalized=0.75) if i % 2 else None)
                for i in range(40)]
    path = tmp_path / "index"
    old_index(path, mentions)
    assert needs_migration(path)
    with pytest.raises(IndexUnavailable, match="earful index migrate"):
        EmbeddedIndex(path)
    messages: list[str] = []
    assert migrate(path, messages.append) == 40 and "current schema" in messages[-1]
    assert not needs_migration(path) and not list(tmp_path.glob("index.*"))
    index = EmbeddedIndex(path, writable=False)
    assert index.count(filters=SearchFilters(include_duplicates=True)) == 40
    rated = index.aggregate(None, SearchFilters(), {"r": {"stats": {"field": "rating"}},
                                                    "s": {"terms": {"field": "site_host"}}})
    assert rated["r"]["count"] == 20 and rated["s"]["buckets"] == [{"key": "reviews.example", "doc_count": 40}]
    index.close()


def test_earful_index_migrate_rebuilds_the_embedded_index(tmp_path: Path, earful_command: str) -> None:
    import os
    import subprocess

    old_index(tmp_path / "data" / "index", [Mention(id="a", source="web", source_name="w", text="hello",
                                                     published_at=WHEN, brands=["acme"])])
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")} | {"EARFUL_DATA_DIR": str(tmp_path / "data")}
    run = lambda: subprocess.run([earful_command, "index", "migrate"], env=env, capture_output=True,  # noqa: E731
                                 text=True, timeout=120)
    first, again = run(), run()
    assert first.returncode == 0 and "rebuilt 1 mentions with the current schema" in first.stderr, first.stderr
    assert again.returncode == 0 and "nothing to do" in again.stderr
