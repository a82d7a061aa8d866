"""schema.org reading on small pages: @graph references, sloppy JSON-LD, itemref, RDFa prefixes, dates."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawlers.pages.dates import parse_date
from crawlers.pages.schema_org import extract, parse_html
from crawlers.reviews.records import records_from_items


def read(page: str) -> tuple[list, list]:  # type: ignore[type-arg]
    return records_from_items(extract(parse_html(page.encode())))


def test_graph_references_resolve_once_and_keep_their_context() -> None:
    reviews, aggregates = read("""<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "Review", "@id": "#r1", "author": {"@id": "#p1"}, "reviewBody": "Good",
       "reviewRating": {"@type": "Rating", "ratingValue": 4}},
      {"@type": "Recipe", "@id": "#soup", "name": "Soup", "review": [{"@id": "#r1"}], "aggregateRating": {"@id": "#agg"}},
      {"@type": "AggregateRating", "@id": "#agg", "ratingValue": "4.2", "ratingCount": "10", "itemReviewed": {"@id": "#soup"}},
      {"@type": "Person", "@id": "#p1", "name": "Ann", "knows": {"@id": "#p1"}}]}</script>""")
    assert [(r.author, r.rating, r.text, r.syntax) for r in reviews] == [("Ann", 4, "Good", "json-ld")]
    assert [(a.value, a.rating_count, a.item_name, a.item_type) for a in aggregates] == [("4.2", "10", "Soup", "Recipe")]


def test_sloppy_json_ld_is_read_and_broken_blocks_are_skipped() -> None:
    reviews, _ = read("""<script type="application/ld+json">{"@type": "Review", "author": </script>
      <script type="application/ld+json"><!--
      {"@type": "Review", "author": "Cy", "reviewBody": "Line one\\nline  two", "reviewRating": "4",}
      --></script>
      <script type="application/ld+json">//<![CDATA[
      [{"@type": ["Review", "Thing"], "author": [{"name": "Di"}, {"name": "Ed"}], "reviewBody": "Tom &amp; Jerry"}]
      //]]></script>""")
    assert [(r.author, r.rating, r.text) for r in reviews] == [("Cy", "4", "Line one\nline two"),
                                                            ("Di, Ed", None, "Tom & Jerry")]


def test_microdata_itemref_and_content_attributes() -> None:
    reviews, aggregates = read("""<div itemscope itemtype="http://schema.org/Product" itemref="agg">
      <span itemprop="name">Anvil</span>
      <div itemprop="review" itemscope itemtype="http://schema.org/Review">
        <span itemprop="author">Wile E.</span><span itemprop="reviewRating" content="1">one star</span>
        <time itemprop="datePublished" datetime="2026-01-02">Jan 2</time>
        <div itemprop="reviewBody">Fell on <b>me</b>.</div></div></div>
      <div id="agg" itemprop="aggregateRating" itemscope itemtype="http://schema.org/AggregateRating">
        <span itemprop="ratingValue">1.5</span> from <span itemprop="reviewCount">2
        </span></div>""")
    assert [(r.author, r.rating, r.date, r.text, r.item_reviewed) for r in reviews] == [
        ("Wile E.", "1", "2026-01-02", "Fell on me.", "Anvil")]
    assert [(a.value, a.review_count, a.syntax) for a in aggregates][0] == ("1.5", "2", "microdata")


def test_rdfa_with_prefixed_properties() -> None:
    reviews, aggregates = read("""<div vocab="http://schema.org/" prefix="schema: http://schema.org/"
      typeof="schema:Product"><span property="schema:name">Modem</span>
      <div property="schema:review" typeof="schema:Review"><span property="schema:author">Bo</span>
        <div property="schema:reviewRating" typeof="schema:Rating"><meta property="schema:ratingValue" content="2">
        <meta property="schema:bestRating" content="10"></div>
        <p property="schema:reviewBody">Slow.</p></div>
      <div property="schema:aggregateRating" typeof="schema:AggregateRating">
        <span property="schema:ratingValue">6,5</span></div></div>""")
    assert [(r.author, r.rating, r.best, r.text, r.syntax) for r in reviews] == [("Bo", "2", "10", "Slow.", "rdfa")]
    assert [(a.value, a.item_name) for a in aggregates] == [("6,5", "Modem")]


def test_no_markup_no_records() -> None:
    assert read("<html><body><p>Just text, 5 stars!</p></body></html>") == ([], [])


@pytest.mark.parametrize(("text", "expected"), [
    ("2008-08-03T17:44:40.07Z", datetime(2008, 8, 3, 17, 44, 40, 70000, tzinfo=timezone.utc)),
    ("2020-12-20", datetime(2020, 12, 20, tzinfo=timezone.utc)),
    ("2018-08-14T12:00:00+02:00", datetime(2018, 8, 14, 10, tzinfo=timezone.utc)),
    ("Tue, 01 Oct 2019 10:00:00 GMT", datetime(2019, 10, 1, 10, tzinfo=timezone.utc)),
    ("March 3, 2021", datetime(2021, 3, 3, tzinfo=timezone.utc)),
    ("03.12.2020", datetime(2020, 12, 3, tzinfo=timezone.utc)),
])
def test_dates(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [None, "", "yesterday-ish", "5 stars", "x" * 200])
def test_not_dates(text: str | None) -> None:
    assert parse_date(text) is None
