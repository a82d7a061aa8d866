"""The reviews spider against every saved review page: what each page's .expected.json lists is found.

One real crawl (Scrapy in a child process, through the collector) of all pages served by a real
local HTTP server; each page is then checked on its own.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from dateutil import parser as date_parser

from tests.crawlers import review_server as helper

page_server = helper.page_server
EXPECTED = sorted(helper.REVIEW_PAGES.glob("*.expected.json"))


def words(value: Any) -> str:
    """Text compared by its words: entities decoded, tags and spacing ignored."""
    text = html.unescape(str(value or ""))
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def number(value: Any) -> float | None:
    return None if value is None else float(str(value).strip().replace(",", "."))


def name_of(value: Any) -> str | None:
    """An author as written: a string, a node with a name, or a list of them."""
    if isinstance(value, list):
        return ", ".join(n for n in (name_of(v) for v in value) if n) or None
    if isinstance(value, dict):
        return name_of(value.get("name"))
    return " ".join(html.unescape(str(value)).split()) or None if value is not None else None


def as_utc(value: str) -> datetime:
    when = date_parser.isoparse(value) if value[:4].isdigit() else date_parser.parse(value)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def crawl(page_server: Any, tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Any]:
    from crawlers.reviews.collector import ReviewsCollector
    from crawlers.reviews.config import ReviewsSource
    from earful.state import SQLiteStateStore

    data_dir = tmp_path_factory.mktemp("crawl")
    pages = [json.loads(p.read_text(encoding="utf-8"))["page"] for p in EXPECTED]
    source = ReviewsSource(type="reviews", name="saved-pages", brand="acme",
                           urls=[page_server.url(f"review-pages/{page}") for page in pages])
    with SQLiteStateStore(data_dir / "state.sqlite3") as state:
        result = ReviewsCollector(helper.crawl_settings(data_dir)).collect(source, state)
        aggregates = state.get("crawl:saved-pages")["aggregates"]
    yield result, aggregates


@pytest.mark.parametrize("expected_file", EXPECTED, ids=[p.name.removesuffix(".expected.json") for p in EXPECTED])
def test_page_reviews_and_aggregates_are_extracted(expected_file: Path, crawl: Any, page_server: Any) -> None:
    result, aggregates = crawl
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    url = page_server.url(f"review-pages/{expected['page']}")
    mentions = [m for m in result.mentions if m.url == url]
    assert all(m.source == "review" and m.brands == ["acme"] for m in mentions)
    found = {(m.author, words(m.text)): m for m in mentions}
    wanted = {(name_of(r["author"]), words(r["reviewBody"])): r for r in expected["reviews"]}
    assert set(found) == set(wanted), f"{expected['page']}: reviews differ"
    for key, review in wanted.items():
        mention = found[key]
        assert words(mention.title) == words(review["name"])
        if review["rating"] is None:
            assert mention.rating is None or mention.rating.raw is None
        else:
            assert mention.rating is not None and number(mention.rating.raw) == number(review["rating"])
            best = number(review["bestRating"]) if review["bestRating"] is not None else None
            if best is not None:
                assert mention.rating.scale == best
            if best is None or number(review["rating"]) <= best:  # a possible rating gets a position
                assert mention.rating.normalized is not None and 0.0 <= mention.rating.normalized <= 1.0
        if review["datePublished"]:
            assert mention.published_at == as_utc(review["datePublished"])
        else:  # dateCreated when the page has it, else the time of collection
            assert mention.published_at <= mention.collected_at
    on_page = [a for a in aggregates if a["url"] == url]
    got = sorted((number(a["raw"]), a["rating_count"], a["review_count"]) for a in on_page)
    want = sorted((number(a["ratingValue"]), _count(a["ratingCount"]), _count(a["reviewCount"]))
                  for a in expected["aggregate_ratings"])
    assert got == want
    for aggregate, spec in zip(sorted(on_page, key=lambda a: number(a["raw"]) or 0),
                               sorted(expected["aggregate_ratings"], key=lambda a: number(a["ratingValue"]) or 0)):
        if spec["bestRating"] is not None:
            assert aggregate["scale"] == number(spec["bestRating"])
        if spec["ratingValue"] is not None:
            assert aggregate["normalized"] is not None and 0.0 <= aggregate["normalized"] <= 1.0


def _count(value: Any) -> int | None:
    digits = re.sub(r"\D", "", str(value)) if value is not None else ""
    return int(digits) if digits else None


def test_the_crawl_reports_no_errors_and_never_leaves_the_local_server(crawl: Any, page_server: Any) -> None:
    result, _ = crawl
    saved = [page_server.url(f"review-pages/{p.name.removesuffix('.expected.json')}.html") for p in EXPECTED]
    assert result.errors == []
    # Only pages a saved page links to with rel=next (not saved here) may fail, never a saved page.
    assert not [f for f in result.failures if any(f"{url}:" in str(f) for url in saved)]
    assert all(m.url.startswith(page_server.base) for m in result.mentions)
    assert result.counts.get("next_page_offsite", 0) >= 1  # blog pages link rel=next to live sites
