"""Crawl throughput: the reviews spider vs a bare Scrapy spider on the same generated review pages.

    .venv/bin/python bench/crawl.py [--pages 2000] [--reviews 5] [--rounds 5] [--server asyncio|threads]

Pages are generated into a temp dir (half JSON-LD, half microdata, `--reviews` reviews and an
aggregate each, ~10 KB with filler markup) as chains of 20 linked by rel=next, and served in
their own process with a 1024-connection backlog (http.server's default backlog of 5 stalls
under concurrency), HTTP/1.1 keep-alive, by one of:
- `--server asyncio` (default): an asyncio server answering from memory, ≈ 0.05 ms of CPU a
  page, so that on a small machine the server takes about as little from the crawl as a
  remote site would;
- `--server threads`: http.server's ThreadingHTTPServer reading the files, ≈ 0.25–0.5 ms of CPU a
  page, which a 2-core machine has to share with the crawl and its page readers.
Each spider runs in its own process (Twisted's reactor cannot restart) with bench settings,
not the polite defaults:
CONCURRENT_REQUESTS=32, CONCURRENT_REQUESTS_PER_DOMAIN=32, DOWNLOAD_DELAY=0,
AUTOTHROTTLE_ENABLED=False, ROBOTSTXT_OBEY=True (one robots.txt), LOG_LEVEL=WARNING.
- bare:        fetches every page (all URLs as start requests) and does nothing with the response;
- bare-follow: fetches the same chains the same way (rel=next found by a regex on the bytes, no parsing);
- reviews:     starts at the chain heads and follows rel=next, extracting reviews and aggregates and
               writing them through the item pipeline (JSON lines, as a collector's crawl does);
               pages are read in worker processes as in any large crawl (EARFUL_CRAWL_PARSE_WORKERS).
pages/s and reviews/s use Scrapy's own elapsed time (process start-up excluded); pages/CPU-s
divides by the crawling process's CPU time (workers not included), which other load on the
machine disturbs less; server ms/page is the server process's CPU time per page. Each round runs the three spiders back to back: compare within a round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHAIN = 20
_NEXT = re.compile(rb'<link rel="next" href="([^"]+)"')
BENCH_SETTINGS = {"CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "DOWNLOAD_DELAY": 0,
                  "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "WARNING",
                  "LOGSTATS_INTERVAL": 0, "HTTPCACHE_ENABLED": False}
FILLER = "".join(f'<div class="promo p{i}"><a href="/other/{i}">Related item {i}</a><span>Lorem ipsum dolor '
                 f"sit amet, consectetur adipiscing elit.</span></div>\n" for i in range(60))


def json_ld_page(i: int, reviews: int, next_href: str) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": f"Acme Phone {i}",
            "aggregateRating": {"@type": "AggregateRating", "ratingValue": f"{3 + (i % 20) / 10:.1f}",
                                "reviewCount": 100 + i},
            "review": [{"@type": "Review", "author": {"@type": "Person", "name": f"user{i}-{j}"},
                        "datePublished": f"2026-{1 + j % 12:02d}-{1 + i % 28:02d}",
                        "reviewBody": f"Review {j} of page {i}: the battery lasts, the camera is fine.",
                        "reviewRating": {"@type": "Rating", "ratingValue": str(1 + (i + j) % 5), "bestRating": "5"}}
                       for j in range(reviews)]}
    return (f'<html lang="en"><head><title>Acme {i}</title>{next_href}<script type="application/ld+json">'
            f"{json.dumps(data)}</script></head><body>{FILLER}</body></html>")


def microdata_page(i: int, reviews: int, next_href: str) -> str:
    items = "".join(
        f'<div itemprop="review" itemscope itemtype="https://schema.org/Review">'
        f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">user{i}-{j}'
        f'</span></span><meta itemprop="datePublished" content="2026-{1 + j % 12:02d}-{1 + i % 28:02d}">'
        f'<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
        f'<span itemprop="ratingValue">{1 + (i + j) % 5}</span>/<span itemprop="bestRating">5</span></div>'
        f'<p itemprop="reviewBody">Review {j} of page {i}: solid phone, slow charger.</p></div>'
        for j in range(reviews))
    return (f'<html lang="en"><head><title>Acme {i}</title>{next_href}</head><body>{FILLER}'
            f'<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Acme Phone {i}</h1>'
            f'<div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">'
            f'<span itemprop="ratingValue">4,{i % 10}</span> of <span itemprop="reviewCount">{50 + i}</span></div>'
            f"{items}</div></body></html>")


def generate(folder: Path, pages: int, reviews: int) -> list[str]:
    """Writes the pages; returns their paths, chain heads first in each chain of CHAIN."""
    paths = []
    for i in range(pages):
        last = (i + 1) % CHAIN == 0 or i + 1 == pages
        next_href = "" if last else f'<link rel="next" href="/p/{i + 1}.html">'
        body = (json_ld_page if i % 2 == 0 else microdata_page)(i, reviews, next_href)
        (folder / "p" / f"{i}.html").write_text(body, encoding="utf-8")
        paths.append(f"/p/{i}.html")
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    return paths


class _Quiet(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True


def serve_threads(folder: str, port: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    server = _Server(("127.0.0.1", 0), partial(_Quiet, directory=folder))
    port.put(server.server_address[1])
    server.serve_forever()


def _response(status: str, content_type: str, body: bytes) -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"Connection: keep-alive\r\n\r\n").encode() + body


class _MemoryHTTP(asyncio.Protocol):
    """GET/HEAD of the pages held in memory; keep-alive; requests on a connection answered in order."""

    NOT_FOUND = _response("404 Not Found", "text/plain", b"not found")

    def __init__(self, pages: dict[bytes, bytes]) -> None:
        self.pages = pages
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            method, target = (head.split(b"\r\n", 1)[0].split(b" ") + [b"", b""])[:2]
            answer = self.pages.get(target.split(b"?", 1)[0], self.NOT_FOUND)
            if method == b"HEAD":
                answer = answer[:answer.index(b"\r\n\r\n") + 4]
            self.transport.write(answer)


def serve_memory(folder: str, port: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    root = Path(folder)
    pages = {}
    for path in root.rglob("*"):
        if path.is_file():
            kind = "text/html; charset=utf-8" if path.suffix == ".html" else "text/plain; charset=utf-8"
            pages[b"/" + str(path.relative_to(root)).encode()] = _response("200 OK", kind, path.read_bytes())

    async def run() -> None:
        server = await asyncio.get_running_loop().create_server(lambda: _MemoryHTTP(pages), "127.0.0.1", 0,
                                                                backlog=1024)
        port.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(run())


SERVERS = {"asyncio": serve_memory, "threads": serve_threads}


def run_child(spider: str, base: str, paths: list[str], out: str) -> None:
    """In a fresh process: one crawl, then its Scrapy stats as JSON."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self) -> Any:
            for path in paths:
                yield scrapy.Request(base + path, callback=self.parse)

        def parse(self, response: Any, **kwargs: Any) -> None:
            return None

    class BareFollowSpider(scrapy.Spider):
        """Fetches the same chains in the same order: rel=next found by a regex on the bytes, no parsing."""

        name = "bare-follow"

        async def start(self) -> Any:
            for i, path in enumerate(paths):
                if i % CHAIN == 0:
                    yield scrapy.Request(base + path, callback=self.parse)

        def parse(self, response: Any, **kwargs: Any) -> Any:
            found = _NEXT.search(response.body)
            if found:
                yield scrapy.Request(base + found.group(1).decode(), callback=self.parse)

    os.environ["SCRAPY_SETTINGS_MODULE"] = "crawlers.settings"
    settings = get_project_settings()
    settings.setdict({**BENCH_SETTINGS, "EARFUL_OUTPUT": out + ".items.jsonl"}, priority="cmdline")
    process = CrawlerProcess(settings)
    if spider in ("bare", "bare-follow"):
        crawler = process.create_crawler(BareSpider if spider == "bare" else BareFollowSpider)
        process.crawl(crawler)
    else:
        from crawlers.spiders.reviews import ReviewsSpider

        crawler = process.create_crawler(ReviewsSpider)
        heads = [base + p for i, p in enumerate(paths) if i % CHAIN == 0]
        process.crawl(crawler, url=" ".join(heads), brand="bench", max_pages=str(CHAIN))
    cpu_before = time.process_time()
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int | float)}
    stats["cpu_seconds"] = time.process_time() - cpu_before
    Path(out).write_text(json.dumps(stats), encoding="utf-8")


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(spider: str, base: str, paths_file: Path, work: Path, server_pid: int) -> dict[str, float]:
    out = work / f"{spider}-{time.monotonic_ns()}.json"
    server_cpu = cpu_seconds(server_pid)
    subprocess.run([sys.executable, __file__, "--child", spider, "--base", base, "--paths", str(paths_file),
                    "--out", str(out)], check=True)
    server_cpu = cpu_seconds(server_pid) - server_cpu
    stats = json.loads(out.read_text())
    elapsed = stats["elapsed_time_seconds"]
    pages = stats.get("response_received_count", 0) - 1  # minus robots.txt
    reviews = 0
    items_file = Path(str(out) + ".items.jsonl")
    if items_file.exists():
        reviews = sum(1 for line in items_file.open() if line.startswith('{"kind": "mention"'))
    return {"pages": pages, "elapsed": elapsed, "pages_s": pages / elapsed, "reviews": reviews,
            "reviews_s": reviews / elapsed, "pages_cpu_s": pages / stats["cpu_seconds"],
            "server_ms": server_cpu * 1000 / max(pages, 1)}


def extraction_cost(folder: Path, paths: list[str], sample: int = 200) -> float:
    """Milliseconds per page to parse and read reviews + aggregates, outside Scrapy."""
    from crawlers.pages.schema_org import extract, page_markers, parse_html
    from crawlers.reviews.records import aggregates_from_items, reviews_from_items

    bodies = [(folder / p.lstrip("/")).read_bytes() for p in paths[:sample]]
    started = time.perf_counter()
    for body in bodies:
        items = extract(parse_html(body), markers=page_markers(body, "utf-8"))
        reviews_from_items(items)
        aggregates_from_items(items)
    return (time.perf_counter() - started) * 1000 / len(bodies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--reviews", type=int, default=5, help="reviews per page")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each spider (median reported)")
    parser.add_argument("--server", choices=sorted(SERVERS), default="asyncio",
                        help="the local web server (see the module's docstring)")
    parser.add_argument("--child"), parser.add_argument("--base"), parser.add_argument("--paths")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.base, json.loads(Path(args.paths).read_text()), args.out)
        return
    with tempfile.TemporaryDirectory(prefix="earful-bench-") as tmp:
        work = Path(tmp)
        (work / "site" / "p").mkdir(parents=True)
        paths = generate(work / "site", args.pages, args.reviews)
        paths_file = work / "paths.json"
        paths_file.write_text(json.dumps(paths))
        size = sum(f.stat().st_size for f in (work / "site" / "p").iterdir()) / len(paths) / 1024
        print(f"{len(paths)} pages ({size:.1f} KB each, {args.reviews} reviews), chains of {CHAIN} by rel=next, "
              f"{args.server} server", file=sys.stderr)
        port: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        server = multiprocessing.Process(target=SERVERS[args.server], args=(str(work / "site"), port), daemon=True)
        server.start()
        base = f"http://127.0.0.1:{port.get(timeout=30)}"
        try:
            runs: dict[str, list[dict[str, float]]] = {"bare": [], "bare-follow": [], "reviews": []}
            for round_no in range(args.rounds):
                for spider in runs:
                    print(f"round {round_no + 1}/{args.rounds}: {spider} …", file=sys.stderr)
                    runs[spider].append(measure(spider, base, paths_file, work, server.pid or 0))
        finally:
            server.terminate()
        per_page = extraction_cost(work / "site", paths)
    report(runs, per_page)


def report(runs: dict[str, list[dict[str, float]]], per_page_ms: float) -> None:
    def med(spider: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[spider])

    print(f"{'spider':<12}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'reviews/s':>11}{'pages/CPU-s':>13}"
          f"{'server ms/page':>16}")
    for spider in runs:
        print(f"{spider:<12}{med(spider, 'pages'):>7.0f}{med(spider, 'elapsed'):>9.2f}"
              f"{med(spider, 'pages_s'):>9.0f}{med(spider, 'reviews_s'):>11.0f}{med(spider, 'pages_cpu_s'):>13.0f}"
              f"{med(spider, 'server_ms'):>16.2f}")
    for bare in ("bare", "bare-follow"):
        ratio = med("reviews", "pages_s") / med(bare, "pages_s")
        cpu_ratio = med("reviews", "pages_cpu_s") / med(bare, "pages_cpu_s")
        rounds = " ".join(f"{r['pages_s'] / b['pages_s']:.2f}" for r, b in zip(runs["reviews"], runs[bare]))
        print(f"reviews/{bare}: pages/s {ratio:.2f} (rounds: {rounds}), pages per CPU-second {cpu_ratio:.2f}")
    print(f"target ≥ 0.80; extraction alone (parse + read, no Scrapy): {per_page_ms:.2f} ms/page")


if __name__ == "__main__":
    main()
