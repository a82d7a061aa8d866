"""``earful collect --once`` over real production feeds served from 127.0.0.1: finished, refined and searchable.

Serves ../shared/data/feeds-real (40 captured feeds, 1,469 entries; with --feedparser-cases also the 60
small unit-case feeds of ../shared/data/feeds) from a local HTTP server, writes a config with one feed
source per file and brand rules that match a good share of the entries (names common in them), and runs
the real ``earful collect --once`` in a fresh data directory with the default settings (intake with the
provisional scorer, then the accurate targeted scorer refines every brand-matched mention). Each phase is
timed from the command's own output lines; afterwards the index is checked: every mention refined (none
pending), each brand searchable with its own sentiment. Prints the figures and the machine's load.

    .venv/bin/python bench/collect_real_feeds.py [--feedparser-cases] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))  # the repository's packages before bench/ (bench/search.py is not the search package)
LONG = 1000  # characters of title and text: a long article
BRANDS = [  # words common in the shared real feeds, so that most entries match a brand
    {"id": "giantbomb", "name": "Giant Bomb", "query": '"giant bomb" OR giantbomb OR bombcast'},
    {"id": "google", "name": "Google", "query": "google OR adwords OR android OR youtube"},
    {"id": "microsoft", "name": "Microsoft", "query": "microsoft OR xbox OR windows"},
    {"id": "nintendo", "name": "Nintendo", "query": "nintendo OR mario OR zelda OR pokemon OR pokémon"},
    {"id": "sony", "name": "Sony", "query": "sony OR playstation"},
    {"id": "apple", "name": "Apple", "query": "apple OR iphone OR ipad OR macos"},
    {"id": "linux", "name": "Linux", "query": "linux OR nixos OR nixpkgs OR gnome OR ubuntu OR debian OR kernel"},
    {"id": "world", "name": "World news", "query": "government OR minister OR president OR police OR "
                                                  "ukraine OR україн* OR украин* OR regierung"},
    {"id": "cloud", "name": "Cloud", "query": "cloudflare OR aws OR amazon OR slack OR github"},
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(directory: Path) -> ThreadingHTTPServer:
    """A threaded static file server for ``directory`` on a free 127.0.0.1 port, running in the background."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def feed_files(feedparser_cases: bool) -> list[str]:
    """Paths under ../shared/data of the feeds to collect."""
    with (DATA / "feeds-real" / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        files = [f"feeds-real/{row['file']}" for row in csv.DictReader(handle, delimiter="\t")]
    if feedparser_cases:
        with (DATA / "feeds" / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
            files += [f"feeds/{row['path']}" for row in csv.DictReader(handle, delimiter="\t")]
    return files


def write_config(path: Path, base_url: str, files: list[str]) -> None:
    sources = [{"name": f"feed-{i:03d}", "type": "feed", "url": f"{base_url}/{file}", "interval": "1h"}
               for i, file in enumerate(files)]
    path.write_text(yaml.safe_dump({"brands": BRANDS, "sources": sources}, allow_unicode=True), encoding="utf-8")


def run_collect(env: dict[str, str]) -> tuple[int, list[tuple[float, str]]]:
    """``earful collect --once``; its exit code and every output line with the seconds since the start."""
    started, cpu = time.perf_counter(), _children_cpu()
    process = subprocess.Popen([str(Path(sys.executable).parent / "earful"), "collect", "--once"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append((time.perf_counter() - started, line.rstrip()))
    code = process.wait()
    lines.append((time.perf_counter() - started, f"cpu {_children_cpu() - cpu:.1f}"))
    return code, lines


def _children_cpu() -> float:
    """CPU seconds (user and system, every thread) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def phase_times(lines: list[tuple[float, str]]) -> dict[str, float]:
    """When collection (fetching and intake) ended and when the command finished, from its output."""
    done = next((t for t, line in lines if line.startswith("done: ")), float("nan"))
    cpu = float(lines[-1][1].split()[1]) if lines and lines[-1][1].startswith("cpu ") else float("nan")
    return {"collected": done, "finished": lines[-1][0] if lines else float("nan"), "cpu": cpu}


def check_index(data_dir: Path) -> dict[str, Any]:
    """Mentions indexed, still pending, per brand; whether each brand is searchable with its own sentiment."""
    from search.base import SearchFilters, SearchRequest
    from search.embedded import EmbeddedIndex
    from workers.sentiment import is_pending

    index = EmbeddedIndex(data_dir / "index", writable=False)
    try:
        everything = SearchFilters(include_duplicates=True)
        total = index.count(filters=everything)
        mentions, cursor = [], None
        while True:
            page = index.search(SearchRequest(filters=everything, sort="oldest", limit=500, cursor=cursor,
                                              highlight=False))
            mentions += [hit.mention for hit in page.hits]
            cursor = page.next_cursor
            if not cursor:
                break
        per_brand = {b["id"]: index.count(filters=SearchFilters(brands=[b["id"]])) for b in BRANDS}
        negative = {b["id"]: index.count(filters=SearchFilters(brands=[b["id"]], sentiments=["negative"]))
                    for b in BRANDS}
    finally:
        index.close()
    pending = sum(1 for m in mentions if is_pending(m.sentiment)
                  or any(is_pending(s) for s in m.brand_sentiment.values()))
    lengths = sorted(len(m.title) + len(m.text) for m in mentions)
    return {"total": total, "read": len(mentions), "pending": pending, "per_brand": per_brand,
            "negative": negative, "models": Counter(s.model for m in mentions for s in m.brand_sentiment.values()),
            "with_passages": sum(1 for m in mentions for s in m.brand_sentiment.values() if s.passages),
            "median_chars": lengths[len(lengths) // 2] if lengths else 0,
            "long": sum(1 for n in lengths if n >= LONG), "mentions": mentions}


def score_long(mentions: list[Any], config: Path, data_dir: Path) -> tuple[int, int, float, float]:
    """The stored mentions of LONG characters or more scored toward their brands again as the refiner
    scores them (batches of 64, the index left alone): how many, their brands, the seconds and CPU seconds."""
    from earful.config import load_config
    from earful.settings import Settings
    from workers.brand_sentiment import BrandSentimentScorer, BrandTargets
    from workers.sentiment import router_from_settings

    long = [m for m in mentions if len(m.title) + len(m.text) >= LONG and m.brands]
    scorer = BrandSentimentScorer(router_from_settings(Settings(data_dir=data_dir)),
                                  BrandTargets(load_config(config).brands))
    scorer.final(long[:2])  # the engine loads
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(long), 64):
        scorer.final(long[i:i + 64])
    return len(long), sum(len(m.brands) for m in long), time.perf_counter() - started, time.process_time() - cpu


def report(code: int, times: dict[str, float], found: dict[str, Any], entries: int, load: tuple[float, ...]) -> None:
    refine = times["finished"] - times["collected"]
    print(f"exit code {code}; {entries} feed files served")
    print(f"indexed {found['total']} mentions (median {found['median_chars']} characters, {found['long']} of "
          f"1,000 or more); still pending: {found['pending']}")
    print(f"wall time {times['finished']:.1f} s: fetching and intake {times['collected']:.1f} s, then refining "
          f"{refine:.1f} s = {found['total'] / max(refine, 1e-9):.1f} mentions/s after fetching; "
          f"{times['cpu']:.1f} CPU seconds in all (what the run costs whatever the machine's load)")
    print("per brand (mentions / negative toward it): " + ", ".join(
        f"{b} {n}/{found['negative'][b]}" for b, n in found["per_brand"].items()))
    print(f"scores per brand by model: {dict(found['models'])}; with passages read: {found['with_passages']}")
    print(f"load average before {load[0]:.1f}, after {os.getloadavg()[0]:.1f} (2 cores shared: figures are noisy)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedparser-cases", action="store_true", help="also the 60 small feedparser unit cases")
    parser.add_argument("--keep", type=Path, help="collect into this data directory and keep it")
    args = parser.parse_args()
    if not (DATA / "feeds-real").is_dir():
        sys.exit(f"{DATA / 'feeds-real'} is missing: clone ../shared beside the repository")
    work = args.keep or Path(tempfile.mkdtemp(prefix="earful-real-feeds-"))
    server = serve(DATA)
    try:
        files = feed_files(args.feedparser_cases)
        config = work / "earful.yaml"
        work.mkdir(parents=True, exist_ok=True)
        write_config(config, f"http://127.0.0.1:{server.server_address[1]}", files)
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
        env |= {"EARFUL_CONFIG": str(config), "EARFUL_DATA_DIR": str(work / "data")}
        load = os.getloadavg()
        code, lines = run_collect(env)
        for _, line in lines[-7:-1]:
            print(f"  | {line}")
        found = check_index(work / "data")
        report(code, phase_times(lines), found, len(files), load)
        n, brands, seconds, cpu = score_long(found["mentions"], config, work / "data")
        print(f"the {n} mentions of {LONG:,}+ characters ({brands} brands) scored again as refined: {seconds:.1f} s "
              f"= {n / max(seconds, 1e-9):.1f} mentions/s, {cpu / max(n, 1) * 1000:.0f} ms of CPU a mention "
              f"(load average now {os.getloadavg()[0]:.1f})")
        return code
    finally:
        server.shutdown()
        server.server_close()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
