"""Benchmark the dashboard at N mentions: each page's server time and its time to interactive in headless Chromium.

    .venv/bin/python bench/dashboard.py --n 1000000            # build the index once (or reuse it), then measure
    .venv/bin/python bench/dashboard.py --n 1000000 --reuse    # measure an index built before

The alert pages show incidents the real evaluator raised: the demo rules' detectors are stepped an hour at a
time through the generated corpus's negative week for acme (the mentions are in the index already; each
evaluation reads only what was published before its clock), then ``--past`` copies of those incidents under
other ids and dates stand for a year of incidents of twenty rules, which the listing reads.

Server time is the Server-Timing the app reports (request in to response start: query, aggregation and
template). Interactive is when the page's script has run and drawn its charts (the ``earful-ready`` mark, after
DOMContentLoaded), from the start of the navigation, in Debian's chromium driven by Playwright.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

import httpx  # noqa: E402
from analytics_data import BATCH, BRANDS, END, EPISODE, mentions  # noqa: E402
from benchlib import ready_index  # noqa: E402

from cli.serve import api_server  # noqa: E402
from earful.alert_store import Incidents  # noqa: E402
from earful.config import AppConfig, parse_config  # noqa: E402
from earful.settings import Settings  # noqa: E402
from earful.state import SQLiteStateStore, StateStore  # noqa: E402
from search.embedded import EmbeddedIndex  # noqa: E402
from workers.alerts.evaluator import Evaluator  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def period(days: int) -> dict[str, str]:
    """The last ``days`` days of the generated corpus (it ends on a fixed date)."""
    return {"start": (END - timedelta(days=days)).date().isoformat(), "end": (END - timedelta(days=1)).date().isoformat()}


PAGES: list[tuple[str, str, dict[str, str]]] = [
    ("mentions: everything, newest", "/mentions", {}),
    ("mentions: word + brand + 30 days", "/mentions", {"q": "refund", "brand": "acme", **period(30)}),
    ("mentions: brand + negative, relevance", "/mentions", {"q": "outage OR signal", "brand": "acme",
                                                            "sentiment": "negative", "sort": "relevance"}),
    ("trends: all brands, 30 days by day", "/trends", period(30)),
    ("trends: brand, 90 days, Europe/Berlin", "/trends", {"brand": "acme", "tz": "Europe/Berlin", **period(90)}),
    ("trends: 7 days by hour", "/trends", {"interval": "hour", **period(7)}),
    ("compare: 3 brands, 30 days by day", "/compare", {"interval": "day", **period(30)}),
    ("compare: 3 brands, 90 days by week", "/compare", {"interval": "week", **period(90)}),
    ("themes: brand, 7 days vs the week before", "/themes", {"brand": "acme", **period(7)}),
    ("sources", "/sources", {}),
]


RULES = [{"id": "acme-negative", "brand": "acme", "trigger": "negative_spike", "interval": "1h"},
         {"id": "acme-volume", "brand": "acme", "trigger": "volume_spike", "sensitivity": "low", "interval": "1h"},
         {"id": "globex-volume", "brand": "globex", "trigger": "volume_spike", "interval": "1h"}]


def config() -> AppConfig:
    brands = [{"id": b, "name": b.title(), "query": b, "competitors": [o for o in BRANDS if o != b]} for b in BRANDS]
    sources = [{"name": f"feed-{i}", "type": "feed", "url": f"http://127.0.0.1:9/{i}.rss"} for i in range(4)]
    return parse_config({"brands": brands, "sources": sources, "alerts": RULES}, file="<bench>")


def raise_incidents(index: EmbeddedIndex, state: StateStore, past: int) -> list[str]:
    """The incidents the rules raise through the negative week, hour by hour; ``past`` resolved copies of them."""
    clock = [EPISODE[0] - timedelta(days=2)]
    evaluator = Evaluator(index, state, config(), clock=lambda: clock[0])
    started = time.perf_counter()
    while clock[0] < EPISODE[1] + timedelta(days=2):
        evaluator.tick()
        clock[0] += timedelta(hours=1)
    store = Incidents(state)
    raised = store.all()
    print(f"incidents raised through the negative week: {len(raised)} in {time.perf_counter() - started:.0f} s "
          f"({', '.join(f'{i.id} {i.state}' for i in raised)})", flush=True)
    for k in range(past if raised else 0):
        model = raised[k % len(raised)]
        shift = timedelta(days=1 + k * 365 / max(past, 1))
        copy = model.model_copy(update={"id": f"{model.rule}-copy{k:04d}", "state": "resolved",
                                        "resolution": "back_in_band", "opened_at": model.opened_at - shift,
                                        "resolved_at": model.opened_at - shift + timedelta(hours=6)})
        store.save(copy)
    return [i.id for i in raised]


def alert_pages(ids: list[str]) -> list[tuple[str, str, dict[str, str]]]:
    none: dict[str, str] = {}
    return [("alerts: rules, open and past", "/alerts", none)] + [
        (f"incident: {i}"[:40], f"/alerts/events/{i}", none) for i in ids[:2]]


def serve(index: EmbeddedIndex, state: StateStore, data_dir: Path, port: int) -> tuple[Any, threading.Thread]:
    settings = Settings(data_dir=data_dir)
    server = api_server(settings, index, "127.0.0.1", port, config=config(), state=state)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread


def server_ms(response: httpx.Response) -> float:
    timing = response.headers["server-timing"]
    return float(timing.split("dur=")[1])


def stats(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    return f"p50 {statistics.median(values):7.1f}  p95 {p95:7.1f}"


def measure_server(base: str, runs: int) -> None:
    print(f"\nserver time (ms; first = the first request after start, cold caches), {runs} requests each")
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, path, params in PAGES:
            url = f"{path}?{urlencode(params)}" if params else path
            first = server_ms(client.get(url))
            times = [server_ms(client.get(url)) for _ in range(runs)]
            print(f"  {name:<40} first {first:7.1f}  {stats(times)}", flush=True)


def ready_ms(page: Any, url: str) -> tuple[float, float]:
    """(server time from the navigation's Server-Timing, ms from navigation start to the earful-ready mark)."""
    page.goto(url)
    page.wait_for_function("performance.getEntriesByName('earful-ready').length > 0")
    return page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const app = nav.serverTiming.find(t => t.name === 'app');
        return [app ? app.duration : -1, performance.getEntriesByName('earful-ready')[0].startTime];
    }""")  # type: ignore[no-any-return]


def measure_browser(base: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    print(f"\nin headless chromium (ms from navigation start to interactive, charts drawn), {runs} loads each")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                                args=FLAGS, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        for name, path, params in PAGES:
            url = base + (f"{path}?{urlencode(params)}" if params else path)
            ready_ms(page, url)  # static files into the cache, as for anyone who opened a page before
            samples = [ready_ms(page, url) for _ in range(runs)]
            print(f"  {name:<40} interactive {stats([s[1] for s in samples])}   "
                  f"(server {stats([s[0] for s in samples])})", flush=True)
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="mentions to index")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "earful-bench-analytics")
    parser.add_argument("--reuse", action="store_true", help="reuse an index already in --dir")
    parser.add_argument("--runs", type=int, default=20, help="requests (and page loads) per page")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--past", type=int, default=500, help="stored past incidents the Alerts page lists from")
    args = parser.parse_args()
    path = args.dir / f"n{args.n}"
    index = ready_index(path, mentions, args.n, reuse=args.reuse, batch=BATCH)
    with tempfile.TemporaryDirectory() as data_dir:
        state = SQLiteStateStore(Path(data_dir) / "state.sqlite3")
        PAGES.extend(alert_pages(raise_incidents(index, state, args.past)))
        server, thread = serve(index, state, Path(data_dir), args.port)
        base = f"http://127.0.0.1:{args.port}"
        try:
            print(f"index: {args.n:,} mentions; dashboard on {base}")
            measure_server(base, args.runs)
            measure_browser(base, max(5, args.runs // 2))
        finally:
            server.should_exit = True
            thread.join(10)
            state.close()
            index.close()


if __name__ == "__main__":
    main()
