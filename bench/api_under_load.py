"""The API's search latency through HTTP while `earful run` collects: idle, then during collection rounds.

Builds an index of N mentions (bench/search.py's synthetic corpus), starts `earful run` over it with
feed sources served from 127.0.0.1, and has C concurrent clients (closed loop, keep-alive) search
"topic word + brand + 30 days, newest first, 50 hits with highlights" through the API: first while
the feeds answer 304 (idle), then while every feed answers a fresh page of new ~1.5 KB articles on
every request (collection and processing never stop). Prints p50/p95/max per phase and how busy
the collecting child process was.

    .venv/bin/python bench/api_under_load.py --n 100000 --clients 8 --seconds 30
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
corpus = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(corpus)  # type: ignore[union-attr]
from benchlib import build  # noqa: E402  (bench/ is on the path once bench/search.py is loaded)

WORDS = ("signal", "coverage", "billing", "support", "roaming", "refund", "outage", "contract", "upgrade")


class Feeds(ThreadingHTTPServer):
    """N feeds; ``fresh`` on: every request gets ``items`` new articles, off: 304."""

    daemon_threads = True

    def __init__(self, items: int) -> None:
        super().__init__(("127.0.0.1", 0), _FeedHandler)
        self.items = items
        self.fresh = False


class _FeedHandler(BaseHTTPRequestHandler):
    server: Feeds

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if not self.server.fresh:
            self.send_response(304)
            self.send_header("ETag", '"idle"')
            self.end_headers()
            return
        rng = random.Random()
        batch = uuid.uuid4().hex[:8]
        items = []
        for i in range(self.server.items):
            body = " ".join(rng.choice(WORDS) for _ in range(200))
            items.append(f"<item><guid>{batch}-{i}</guid><title>acme news {batch} {i}</title>"
                         f"<description>acme mobile {body}</description></item>")
        data = ("<?xml version='1.0'?><rss version='2.0'><channel><title>bench</title>" + "".join(items)
                + "</channel></rss>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load(url: str, clients: int, seconds: float) -> list[float]:
    """Closed-loop clients for ``seconds``; latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    ends = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(timeout=30) as http:
            while time.monotonic() < ends:
                start = corpus.END - timedelta(days=rng.randint(30, corpus.DAYS))
                params = {"q": rng.choice(corpus.TOPICS), "brand": rng.choice(corpus.BRANDS), "sort": "newest",
                          "since": start.isoformat(), "until": (start + timedelta(days=30)).isoformat(),
                          "limit": "50"}
                began = time.perf_counter()
                response = http.get(f"{url}/api/v1/mentions", params=params)
                elapsed = (time.perf_counter() - began) * 1000
                response.raise_for_status()
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def report(name: str, latencies: list[float], seconds: float, extra: str = "") -> None:
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"{name:<22} p50 {statistics.median(ordered):6.1f} ms  p95 {p95:6.1f} ms  max {ordered[-1]:7.1f} ms  "
          f"({len(ordered) / seconds:,.0f} requests/s){extra}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="mentions indexed before the run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0, help="per phase")
    parser.add_argument("--feeds", type=int, default=4, help="feed sources")
    parser.add_argument("--items", type=int, default=1000, help="new articles per feed request")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "earful-bench-api")
    args = parser.parse_args()

    shutil.rmtree(args.dir, ignore_errors=True)
    print(f"building {args.n:,} mentions in {args.dir}")
    build(args.dir / "data" / "index", corpus.mentions(args.n), args.n)
    feeds = Feeds(args.items)
    threading.Thread(target=feeds.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{feeds.server_address[1]}"
    config = args.dir / "earful.yaml"
    config.write_text(yaml.safe_dump({
        "brands": [{"id": b, "name": b.title(), "query": b} for b in corpus.BRANDS],
        "sources": [{"name": f"feed{i}", "type": "feed", "url": f"{base}/feed{i}.xml", "interval": "10s",
                     "brand": "acme"} for i in range(args.feeds)]}))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_") or k == "EARFUL_API_PROCESSES"}
    env.update(EARFUL_DATA_DIR=str(args.dir / "data"), EARFUL_CONFIG=str(config),
               EARFUL_SENTIMENT_SCORERS="*:vader")  # the background e5 refiner would take both cores
    earful = Path(sys.executable).parent / "earful"
    log = (args.dir / "earful.log").open("w")
    server = psutil.Popen([str(earful), "run", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/health", timeout=2).json()["status"] == "ok":
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        api = next(s for s in httpx.get(f"{url}/health", timeout=5).json()["services"] if s["name"] == "api")
        print(f"API processes: {api['details'].get('processes', 1)} (EARFUL_API_PROCESSES to change)")
        load(url, args.clients, 3)  # warm up
        report("idle", load(url, args.clients, args.seconds), args.seconds)
        feeds.fresh = True
        time.sleep(3)  # the next tick starts the rounds
        children = [c for c in server.children(recursive=True) if "\"collect\"" in " ".join(c.cmdline())]
        for child in children:
            child.cpu_percent(None)
        latencies = load(url, args.clients, args.seconds)
        busy = sum(child.cpu_percent(None) for child in children if child.is_running())
        note = f"; collecting process at {busy:.0f}% CPU" if children else "; collecting in the API's process"
        report("while collecting", latencies, args.seconds, note)
        print(f"cores: {os.cpu_count()}, load average now {os.getloadavg()[0]:.1f}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        feeds.shutdown()
        log.close()
        print(f"server log: {args.dir / 'earful.log'}")


if __name__ == "__main__":
    main()
