"""What only the embedded index does: one writer, read-only readers in other processes, folding.

What both backends answer alike is in tests/search/contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from earful.errors import IndexUnavailable
from earful.query.ast import Node, Term
from search.base import SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex

from ..conftest import at, make


def ids(index: EmbeddedIndex, query: Node | None = None, **filters: object) -> set[str]:
    chosen = SearchFilters(**filters)  # type: ignore[arg-type]
    request = SearchRequest(query=query, filters=chosen, limit=500, highlight=False)
    return {hit.mention.id for hit in index.search(request).hits}


def test_reader_sees_writer_commits(index: EmbeddedIndex, index_path: Path) -> None:
    reader = EmbeddedIndex(index_path, writable=False)
    assert reader.count() == 7
    index.upsert([make("b1", "later news", at(2024, 4, 1))])
    assert reader.count() == 8
    assert [m.id for m in reader.get(["b1"])] == ["b1"]
    with pytest.raises(IndexUnavailable, match="read-only"):
        reader.upsert([make("b2", "x", at(2024, 4, 1))])


def test_second_writer_is_refused_with_advice(index: EmbeddedIndex, index_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="writer lock.*writable=False"):
        EmbeddedIndex(index_path)


def test_reader_needs_an_existing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="no index"):
        EmbeddedIndex(tmp_path / "absent", writable=False)


WRITER_SCRIPT = """
import sys
from datetime import datetime, timezone
from earful.models import Mention
from search.embedded import EmbeddedIndex
index = EmbeddedIndex(sys.argv[1])
index.upsert([Mention(id="p1", source="feed", source_name="s", text="from another process",
                      published_at=datetime(2024, 5, 1, tzinfo=timezone.utc))])
index.close()
"""


def test_reader_sees_commits_from_another_process(index: EmbeddedIndex, index_path: Path) -> None:
    index.close()  # release the writer lock for the other process
    reader = EmbeddedIndex(index_path, writable=False)
    assert reader.count(Term("another")) == 0
    subprocess.run([sys.executable, "-c", WRITER_SCRIPT, str(index_path)], check=True,
                   cwd=Path(__file__).resolve().parents[3])
    assert reader.count(Term("another")) == 1


@pytest.mark.parametrize(("stored", "typed"), [
    ("خدمة اکمی عالية", "اكمي"),  # Persian keheh/yeh in the text, Arabic letters typed
    ("خدمة اكمي عالية", "اکمی"),  # and the other way round
    ("المُنْتَج رائع", "المنتج"),  # harakat would otherwise split the word
    ("שֵׁרוּת מְצֻיָּן", "שרות"),  # niqqud
    ("Ёлка и ЁЖИК", "ежик"),  # ё folds to е, any case
])
def test_search_folds_text_as_brand_rules_do(tmp_path: Path, stored: str, typed: str) -> None:
    index = EmbeddedIndex(tmp_path / "fold")
    index.upsert([make("f1", stored, at(2024, 3, 1))])
    assert ids(index, Term(typed)) == {"f1"}
    index.close()
