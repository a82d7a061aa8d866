"""The reviews spider run for real (Scrapy in a child process) against a local HTTP server.

Pagination, page limits, incremental stops, profiles for pages without markup, microdata and
RDFa reviews, robots.txt, broken, oversized and flaky pages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawlers.base import CollectResult, collector_for
from crawlers.reviews.config import ReviewsSource
from earful.config import parse_config
from earful.errors import SourceError
from earful.sources import SiteProfile
from earful.state import SQLiteStateStore
from tests.crawlers import review_server as helper

page_server = helper.page_server


def json_ld_page(reviews: list[tuple[str, str, str]], *, next_url: str | None = None,
                 aggregate: str = "4.5") -> str:
    """A product page with (author, rating, text) reviews in JSON-LD, optionally rel=next."""
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Acme Phone",
            "aggregateRating": {"@type": "AggregateRating", "ratingValue": aggregate, "reviewCount": 120},
            "review": [{"@type": "Review", "author": {"@type": "Person", "name": author},
                        "datePublished": "2026-10-01", "reviewBody": text,
                        "reviewRating": {"@type": "Rating", "ratingValue": rating, "bestRating": "5"}}
                       for author, rating, text in reviews]}
    link = f'<link rel="next" href="{next_url}">' if next_url else ""
    return (f'<html lang="en"><head><title>Acme Phone reviews</title>{link}'
            f'<script type="application/ld+json">{json.dumps(data)}</script></head><body>x</body></html>')


def chain(server: Any, name: str, pages: int) -> list[str]:
    """``pages`` listing pages linked by rel=next, two reviews each; their URLs, first page first."""
    urls = [f"{server.base}/{name}/page-{i}.html" for i in range(1, pages + 1)]
    for i, url in enumerate(urls):
        body = json_ld_page([(f"user{i}a", "5", f"Page {i}: great phone"), (f"user{i}b", "2", f"Page {i}: meh")],
                            next_url=urls[i + 1] if i + 1 < pages else None)
        server.serve(body, path=url.removeprefix(server.base))
    return urls


def collect(source: ReviewsSource, data_dir: Path, profiles: dict[str, SiteProfile] | None = None,
            **settings: Any) -> CollectResult:
    config = parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}]})
    config.profiles.update(profiles or {})
    with SQLiteStateStore(data_dir / "state.sqlite3") as state:
        return collector_for("reviews", helper.crawl_settings(data_dir, **settings), config).collect(source, state)


def reviews_source(*urls: str, **extra: Any) -> ReviewsSource:
    return ReviewsSource(type="reviews", name="acme-reviews", brand="acme", urls=list(urls), **extra)


def test_rel_next_is_followed_up_to_the_page_limit(page_server: Any, tmp_path: Path) -> None:
    urls = chain(page_server, "limit", 5)
    result = collect(reviews_source(urls[0], max_pages=3), tmp_path)
    assert sorted({m.text.split(":")[0] for m in result.mentions}) == ["Page 0", "Page 1", "Page 2"]
    assert [page_server.hits(u) for u in urls] == [1, 1, 1, 0, 0]
    assert result.counts["paging_stopped_page_limit"] == 1
    assert all(m.brands == ["acme"] and m.source == "review" for m in result.mentions)


def test_paging_stops_at_a_page_of_reviews_already_seen(page_server: Any, tmp_path: Path) -> None:
    urls = chain(page_server, "seen", 3)
    first = collect(reviews_source(urls[0]), tmp_path)
    assert len(first.mentions) == 6 and [page_server.hits(u) for u in urls] == [1, 1, 1]
    again = collect(reviews_source(urls[0]), tmp_path)  # nothing new on page 1: stop there
    assert again.mentions == [] and again.skipped["already_seen"] == 2
    assert [page_server.hits(u) for u in urls] == [2, 1, 1]
    assert again.counts["paging_stopped_only_seen_reviews"] == 1
    # A new review on page 1: it is collected, and paging goes on until a page has nothing new.
    page_server.serve(json_ld_page([("newbie", "4", "Fresh review"), ("user0a", "5", "Page 0: great phone"),
                                    ("user0b", "2", "Page 0: meh")], next_url=urls[1]),
                      path=urls[0].removeprefix(page_server.base))
    third = collect(reviews_source(urls[0]), tmp_path)
    assert [m.author for m in third.mentions] == ["newbie"]
    assert [page_server.hits(u) for u in urls] == [3, 2, 1]
    with SQLiteStateStore(tmp_path / "state.sqlite3") as state:
        saved = state.get("crawl:acme-reviews")
    assert saved is not None and len(saved["seen"]) == 7 and saved["aggregates"][0]["raw"] == "4.5"


def test_a_review_pushed_to_page_two_keeps_its_id(page_server: Any, tmp_path: Path) -> None:
    """Ids hang on the listing's first page, not on the page a review happens to sit on."""
    urls = chain(page_server, "stable", 2)
    before = {m.author: m.id for m in collect(reviews_source(urls[0]), tmp_path / "a").mentions}
    page_server.serve(json_ld_page([("newbie", "4", "Fresh review")], next_url=urls[1]),
                      path=urls[0].removeprefix(page_server.base))
    page_server.serve(json_ld_page([("user0a", "5", "Page 0: great phone")]),
                      path=urls[1].removeprefix(page_server.base))
    after = {m.author: m.id for m in collect(reviews_source(urls[0]), tmp_path / "b").mentions}
    assert set(after) == {"newbie", "user0a"} and after["user0a"] == before["user0a"]


PROFILE_PAGE = """<html><head><title>Acme on ReviewHub</title></head><body>
<div class="summary"><span class="score">8,6</span> from <b class="count">1.204</b> reviews</div>
<ul>
 <li class="review"><h3>Solid</h3><span class="who">Dana</span><span class="stars">9 / 10</span>
   <time datetime="2026-09-30T08:00:00Z">Sept 30</time><p>Battery lasts two days.</p><p>Great.</p></li>
 <li class="review"><h3>Meh</h3><span class="who">Lee</span><span class="stars">4</span>
   <time datetime="2026-09-29">Sept 29</time><p>Camera is weak.</p></li>
</ul>
<a class="pager-next" href="{next}">more</a></body></html>"""


def test_profile_selectors_read_a_page_without_markup(page_server: Any, tmp_path: Path) -> None:
    second = page_server.serve(PROFILE_PAGE.replace("Dana", "Kim").replace("Lee", "Ola").replace("{next}", ""))
    first = page_server.serve(PROFILE_PAGE.replace("{next}", second))
    profile = SiteProfile(item="li.review", author=".who", rating="//span[@class='stars']", rating_scale=10,
                          title="h3::text", text="p", date="time::attr(datetime)", next_page="a.pager-next",
                          aggregate_rating=".summary .score", aggregate_count="//b[@class='count']")
    result = collect(reviews_source(first, profile="hub"), tmp_path, {"hub": profile})
    by_author = {m.author: m for m in result.mentions}
    assert set(by_author) == {"Dana", "Lee", "Kim", "Ola"}
    dana = by_author["Dana"]
    assert dana.title == "Solid" and dana.text == "Battery lasts two days.\nGreat."
    assert dana.rating is not None and (dana.rating.raw, dana.rating.scale) == ("9 / 10", 10.0)
    assert dana.rating.normalized == pytest.approx(8 / 9)
    assert dana.published_at.isoformat() == "2026-09-30T08:00:00+00:00"
    with SQLiteStateStore(tmp_path / "state.sqlite3") as state:
        aggregates = state.get("crawl:acme-reviews")["aggregates"]
    assert {(a["raw"], a["scale"], a["rating_count"]) for a in aggregates} == {("8,6", 10.0, 1204)}


MICRODATA_PAGE = """<html><body><div itemscope itemtype="https://schema.org/Product">
<span itemprop="name">Acme Router</span>
<div itemprop="review" itemscope itemtype="https://schema.org/Review">
  <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Ann</span></span>
  <meta itemprop="datePublished" content="2026-08-01">
  <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
    <meta itemprop="worstRating" content="0"><span itemprop="ratingValue">75</span>/<span itemprop="bestRating">100</span>
  </div>
  <p itemprop="reviewBody">Fast and   stable.</p>
</div></div></body></html>"""

RDFA_PAGE = """<html><body><div vocab="https://schema.org/" typeof="Product"><span property="name">Acme Modem</span>
<div property="review" typeof="Review"><span property="author" typeof="Person"><span property="name">Bo</span></span>
  <span property="reviewRating" typeof="Rating"><span property="ratingValue">2</span></span>
  <time property="datePublished" datetime="2026-07-04">July 4</time>
  <span property="reviewBody">Drops the line at night.</span></div>
<div property="aggregateRating" typeof="AggregateRating"><span property="ratingValue">3.1</span>
  <span property="ratingCount">77</span></div></div></body></html>"""

BROKEN_JSON_LD = """<html><head><script type="application/ld+json">{"@type": "Review", "author": </script>
<script type="application/ld+json">
<!--
{"@type": "Review", "author": "Cy", "reviewBody": "Trailing comma survives", "reviewRating": {"ratingValue": "4",},}
-->
</script></head><body></body></html>"""


def test_formats_robots_broken_oversized_and_flaky_pages(page_server: Any, tmp_path: Path) -> None:
    ok = page_server.serve(json_ld_page([("Eve", "5", "Love it")]))
    micro = page_server.serve(MICRODATA_PAGE)
    rdfa = page_server.serve(RDFA_PAGE)
    broken = page_server.serve(BROKEN_JSON_LD)
    garbage = page_server.serve(b"\x00\xff\xfe<html><<<>>>" * 100, content_type="text/html")
    private = page_server.serve(json_ld_page([("Mal", "1", "Should not be fetched")]), path="/private/x.html")
    huge = page_server.serve(json_ld_page([("Big", "3", "x" * 80_000)]))
    flaky = page_server.serve(json_ld_page([("Flo", "4", "Worth the retry")]), fail_first=1)
    missing = page_server.url("/nothing-here.html")
    deep = page_server.serve('<script type="application/ld+json">' + '{"@type": "Thing", "a": ' * 1500 + "1"
                             + "}" * 1500 + '</script><script type="application/ld+json">{"@type": "Review", '
                             '"author": "Dee", "reviewBody": "Next to a pathological block"}</script>')
    image = page_server.serve(b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png", path="/img/logo.png")
    result = collect(reviews_source(ok, micro, rdfa, broken, garbage, private, huge, flaky, missing, deep, image),
                     tmp_path, max_fetch_bytes=50_000)
    by_author = {m.author: m for m in result.mentions}
    assert set(by_author) == {"Eve", "Ann", "Bo", "Cy", "Flo", "Dee"}
    assert result.skipped["not_html"] == 1 and result.skipped["empty_page"] == 1  # the image; the garbage
    ann = by_author["Ann"]
    assert ann.text == "Fast and stable." and ann.rating is not None
    assert (ann.rating.raw, ann.rating.scale, ann.rating.normalized) == ("75", 100.0, 0.75)
    assert by_author["Bo"].rating is not None and by_author["Bo"].rating.normalized == 0.25
    assert by_author["Bo"].published_at.date().isoformat() == "2026-07-04"
    assert page_server.hits(private) == 0 and result.skipped["robots_disallowed"] == 1
    assert result.skipped["page_too_large"] == 1
    assert result.skipped["page_http_4xx"] == 1
    assert page_server.hits(flaky) == 2
    assert [f.kind for f in result.failures if missing in str(f)] == ["http_4xx"]
    assert helper.crawl_settings(tmp_path).user_agent in page_server.user_agents()


def test_a_source_whose_pages_all_fail_is_a_source_error(page_server: Any, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        collect(reviews_source(page_server.url("/gone-1.html"), page_server.url("/gone-2.html")), tmp_path)
    assert caught.value.kind == "http_4xx" and "gone-1.html" in str(caught.value)


def test_a_crawl_that_cannot_start_is_a_clear_source_error(tmp_path: Path) -> None:
    from crawlers.reviews.collector import ReviewsCollector

    collector = ReviewsCollector(helper.crawl_settings(tmp_path))
    collector.extra_settings = {"ITEM_PIPELINES": "{not json"}
    with pytest.raises(SourceError) as caught, SQLiteStateStore(tmp_path / "state.sqlite3") as state:
        collector.collect(reviews_source("http://127.0.0.1:9/x"), state)
    assert caught.value.kind == "crawl" and "exit code" in str(caught.value)


def test_retry_waits_grow_and_follow_retry_after() -> None:
    from datetime import timedelta
    from email.utils import format_datetime

    from crawlers.middlewares import backoff_delay
    from earful.models import utcnow

    assert [backoff_delay(n, 0.5, 30.0) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff_delay(10, 0.5, 30.0) == 30.0
    assert backoff_delay(1, 0.5, 30.0, b"7") == 7.0 and backoff_delay(1, 0.5, 30.0, b"3600") == 30.0
    later = format_datetime(utcnow().replace(microsecond=0) + timedelta(seconds=20), usegmt=True)
    assert 15 <= backoff_delay(1, 0.5, 30.0, later.encode()) <= 20
    assert backoff_delay(2, 0.5, 30.0, b"soon") == 1.0


def test_a_large_crawl_reads_its_pages_in_worker_processes(page_server: Any, tmp_path: Path) -> None:
    urls = chain(page_server, "pool", 30)
    inline = collect(reviews_source(urls[0], max_pages=50), tmp_path / "inline", crawl_parse_workers=0)
    # 50 possible pages > 40: workers start with the first page; the delay leaves them time to boot
    pooled = collect(reviews_source(urls[0], max_pages=50), tmp_path / "pooled", crawl_parse_workers=1,
                     crawl_delay=0.1)
    assert "pages_read_in_workers" not in inline.counts
    assert 0 < pooled.counts["pages_read_in_workers"] <= 30
    assert len(inline.mentions) == 60
    as_dicts = sorted((m.model_dump(exclude={"collected_at"}) for m in inline.mentions), key=lambda d: d["id"])
    assert as_dicts == sorted((m.model_dump(exclude={"collected_at"}) for m in pooled.mentions),
                              key=lambda d: d["id"])
    assert pooled.counts["aggregate_ratings"] == inline.counts["aggregate_ratings"] == 30
