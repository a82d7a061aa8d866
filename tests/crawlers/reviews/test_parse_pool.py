"""Review pages read in worker processes give exactly what reading them inline gives."""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from crawlers.reviews import parse_pool
from crawlers.reviews.config import ReviewsSource
from crawlers.reviews.page import PageResult, ReviewPageReader
from crawlers.reviews.parse_pool import ParsePool, log_level, workers_setting

STARTED = datetime(2026, 11, 1, tzinfo=UTC)


def page(i: int, *, next_href: str | None = None, lang: str = "en") -> bytes:
    data = {"@context": "https://schema.org", "@type": "Product", "name": f"Acme Phone {i}",
            "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4,5", "reviewCount": 10 + i},
            "review": [{"@type": "Review", "author": {"@type": "Person", "name": f"user{i}-{j}"},
                        "datePublished": "2026-10-0" + str(1 + j), "reviewBody": f"Review {j} of page {i}",
                        "reviewRating": {"@type": "Rating", "ratingValue": str(1 + j), "bestRating": "5"}}
                       for j in range(3)]}
    link = f'<link rel="next" href="{next_href}">' if next_href else ""
    return (f'<html lang="{lang}"><head>{link}<script type="application/ld+json">{json.dumps(data)}</script>'
            f"</head><body>x</body></html>").encode()


def pages(n: int) -> list[tuple[str, bytes]]:
    base = "http://shop.test/acme"
    return [(f"{base}/{i}", page(i, next_href=f"/acme/{i + 1}" if i % 3 else "https://elsewhere.test/x"))
            for i in range(n)] + [(f"{base}/broken", b"\x00\x00"), (f"{base}/empty", b"")]


def reader(seen: set[str] | None = None) -> ReviewPageReader:
    source = ReviewsSource(type="reviews", name="acme-reviews", brand="acme", urls=["http://shop.test/acme/0"])
    return ReviewPageReader(source, None, seen or set(), STARTED)


def comparable(result: PageResult) -> tuple[Any, ...]:
    item = result.item
    return (result.url, result.next_url, result.found, result.new, dict(result.skipped), dict(result.notes),
            result.error, item.mentions if item else None, item.aggregates if item else None)


async def read_all(pool: ParsePool, work: list[tuple[str, bytes]]) -> list[PageResult]:
    return list(await asyncio.gather(*(pool.read(url, body, "utf-8", url) for url, body in work)))


def test_worker_processes_read_pages_exactly_as_the_crawl_process_does() -> None:
    work = pages(30)
    inline = [reader().read(url, body, "utf-8", url) for url, body in work]

    async def in_workers() -> tuple[list[PageResult], ParsePool]:
        pool = ParsePool(reader(), 2, expected_pages=1000)
        try:
            await pool.read(*work[0], "utf-8", work[0][0])  # starts the workers, read inline meanwhile
            assert await pool.wait_for_workers()
            return await read_all(pool, work), pool
        finally:
            pool.close()

    results, pool = asyncio.run(in_workers())
    assert pool.read_in_workers == len(work) and pool.workers == 2
    assert [comparable(r) for r in results] == [comparable(r) for r in inline]
    first = results[1]
    assert first.item is not None and len(first.item.mentions) == 3
    assert first.next_url == "http://shop.test/acme/2" and first.notes["aggregate_ratings"] == 1
    assert results[0].next_url is None and results[0].notes["next_page_offsite"] == 1  # another host
    assert results[3].next_url is None and results[3].notes["next_page_offsite"] == 1
    assert json.loads(first.item.mentions[0])["rating"]["normalized"] == 0.0  # 1 of 5


def test_the_crawl_does_not_wait_for_workers_to_start_and_close_stops_them_while_starting() -> None:
    work = pages(2)

    async def run() -> tuple[PageResult, ParsePool, int]:
        pool = ParsePool(reader(), 2, expected_pages=1000)
        result = await pool.read(*work[1], "utf-8", work[1][0])
        attached_after_first_page = len(pool._pool)  # attaching needs the loop, which was not given back yet
        pool.close()
        return result, pool, attached_after_first_page

    result, pool, attached = asyncio.run(run())
    assert result.item is not None and len(result.item.mentions) == 3
    assert pool.read_inline == 1 and attached == 0
    assert [p for p in multiprocessing.active_children() if p.name == "earful-page-reader"] == []


def test_small_crawls_read_inline_without_starting_workers() -> None:
    async def run() -> ParsePool:
        pool = ParsePool(reader(), 2, expected_pages=10, inline_pages=40)
        await read_all(pool, pages(20))
        return pool

    pool = asyncio.run(run())
    assert pool.read_inline == 22 and pool.read_in_workers == 0 and pool._pool == []


def test_warming_up_boots_the_reader_server_only_for_crawls_that_use_workers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    booted: list[str] = []
    real_boot = parse_pool._boot_forkserver

    def boot() -> None:
        booted.append(threading.current_thread().name)
        real_boot()

    monkeypatch.setattr(parse_pool, "_boot_forkserver", boot)
    ParsePool(reader(), 2, expected_pages=10, inline_pages=40).warm_up()
    ParsePool(reader(), 0, expected_pages=1000).warm_up()
    assert booted == []

    async def run() -> ParsePool:
        pool = ParsePool(reader(), 1, expected_pages=1000)
        pool.warm_up()
        for thread in [t for t in threading.enumerate() if t.name == "earful-page-reader-boot"]:
            thread.join(timeout=60)
        assert booted == ["earful-page-reader-boot"]  # in its own thread, not the crawl's
        pool.start_early()  # from the crawl's loop, before the first page
        assert await pool.wait_for_workers()
        await read_all(pool, work)
        pool.close()
        return pool

    work = pages(6)
    pool = asyncio.run(run())
    assert pool.read_in_workers == len(work) and pool.read_inline == 0


def test_a_worker_that_dies_leaves_its_pages_to_the_crawl_process(caplog: pytest.LogCaptureFixture) -> None:
    work = pages(12)
    inline = [reader().read(url, body, "utf-8", url) for url, body in work]

    async def run() -> tuple[list[PageResult], ParsePool]:
        pool = ParsePool(reader(), 1, expected_pages=1000)
        try:
            await pool.read(*work[0], "utf-8", work[0][0])
            assert await pool.wait_for_workers()
            pool._pool[0].process.kill()
            return await read_all(pool, work), pool
        finally:
            pool.close()

    with caplog.at_level(logging.WARNING):
        results, pool = asyncio.run(run())
    assert [comparable(r) for r in results] == [comparable(r) for r in inline]
    assert pool.workers == 0 and pool._pool == []
    assert "reading pages in the crawl process from now on" in caplog.text


def test_already_seen_reviews_are_skipped_in_workers_too() -> None:
    work = pages(3)[:3]
    first = reader().read(*work[1], "utf-8", work[1][0])
    assert first.item is not None
    seen = {json.loads(m)["id"] for m in first.item.mentions}

    async def run() -> PageResult:
        pool = ParsePool(reader(seen), 1, expected_pages=1000)
        try:
            await pool.read(*work[0], "utf-8", work[0][0])
            assert await pool.wait_for_workers()
            return await pool.read(*work[1], "utf-8", work[1][0])
        finally:
            pool.close()

    again = asyncio.run(run())
    assert again.item is not None and again.item.mentions == [] and again.new == 0 and again.found == 3
    assert again.skipped["already_seen"] == 3


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("auto", None), ("", None), ("3", 3), (2, 2),
                                                 ("-1", 0), ("many", None)])
def test_workers_setting(value: object, expected: int | None) -> None:
    assert workers_setting(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("DEBUG", 10), ("info", 20), (30, 30), ("nonsense", 20),
                                                 (None, 20)])
def test_log_level(value: object, expected: int) -> None:
    assert log_level(value) == expected
