"""A small hand-built corpus in a real tantivy index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from earful.models import Mention, Sentiment
from search.embedded import EmbeddedIndex


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)  # type: ignore[misc]


def make(id: str, text: str, when: datetime, *, title: str = "", source: str = "feed",
         source_name: str = "techfeed", lang: str = "en", brands: tuple[str, ...] = ("acme",),
         label: str = "neutral", score: float | None = 0.0, site: str | None = None,
         author: str | None = None, content_hash: str = "", duplicate_of: str | None = None) -> Mention:
    return Mention(id=id, source=source, source_name=source_name, title=title, text=text,
                   published_at=when, lang=lang, brands=list(brands), site=site, author=author,
                   sentiment=Sentiment(score=score, label=label),  # type: ignore[arg-type]
                   content_hash=content_hash or f"h-{id}", duplicate_of=duplicate_of)


CORPUS = [
    make("a1", "The refund process at Acme was broken for hours. Customers want their money back.",
         at(2024, 3, 1, 10), title="Acme refund outage", label="negative", score=-0.6,
         site="news.example.com", author="Jane Doe", content_hash="h1"),
    make("a2", "I love the new Acme widget, better than Globex gift card deals", at(2024, 3, 2, 12),
         source="reddit", source_name="r/gadgets", brands=("acme", "globex"), label="positive",
         score=0.8, site="reddit.com"),
    make("a3", "Привет мир, отличный магазин Globex", at(2024, 3, 3, 9), source="review",
         source_name="trustpilot", lang="ru", brands=("globex",), score=0.0),
    make("a4", "مرحبا بالعالم خدمة سيئة", at(2024, 3, 5, 18), lang="ar", brands=("initech",),
         label="negative", score=-0.4),
    make("a5", "שלום עולם acme", at(2024, 3, 5, 20), source="web", source_name="blogs", lang="he",
         label="positive", score=0.5),
    make("a6", "The refund process at Acme was broken for hours. Customers want their money back.",
         at(2024, 3, 6, 0), title="Acme refund outage", label="negative", score=-0.6,
         content_hash="h1", duplicate_of="a1"),
    make("a7", "Send an e-mail about the gift card refund <script>alert(1)</script>",
         at(2024, 3, 4, 8), label="negative", score=-0.2, site="example.com"),
    make("a8", "Refunded quickly, the support team was quick and kind", at(2024, 2, 28, 23, 30),
         source_name="blogs", label="positive", score=0.9),
]


@pytest.fixture
def index_path(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def index(index_path: Path) -> Iterator[EmbeddedIndex]:
    idx = EmbeddedIndex(index_path)
    idx.upsert(CORPUS)
    yield idx
    idx.close()
