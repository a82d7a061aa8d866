"""Ingest throughput: N synthetic mentions through the embedded pipeline.

Runs normalize → brand rules → language detection → TextBlob sentiment → exact dedupe →
tantivy upsert, in batches, as `earful collect` does, and prints mentions/s and peak RSS.

    .venv/bin/python bench/ingest.py --n 50000            # pinned to one core
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from earful.config import parse_config  # noqa: E402
from earful.models import RawMention  # noqa: E402
from earful.rules import BrandMatcher  # noqa: E402
from earful.settings import Settings  # noqa: E402
from search.embedded import EmbeddedIndex  # noqa: E402
from workers.language import FastTextDetector  # noqa: E402
from workers.pipeline import Processor  # noqa: E402
from workers.runtime import build_processor  # noqa: E402
from workers.sentiment import default_router  # noqa: E402

BRANDS = {"brands": [
    {"id": "acme", "name": "Acme Mobile", "query": '"acme mobile" OR acmemobile OR (acme NEAR/3 phone) OR (acme NEAR/3 plan*)'},
    {"id": "globex", "name": "Globex", "query": "globex AND NOT \"globex tower\""},
    {"id": "initech", "name": "Initech", "query": "initech OR \"initech wireless\""},
]}
SUBJECTS = ["Acme Mobile", "Globex", "Initech Wireless", "acme phone plan", "my carrier", "the new plan"]
OPINIONS = ["is great", "is terrible", "was slow again", "has excellent coverage", "raised prices",
            "refunded me quickly", "keeps dropping calls", "launched a cheaper plan", "is fine I guess"]
TAILS = ["after the outage last night.", "and support never answered.", "compared with last year.",
         "in the north of the city.", "since the update.", "and I would recommend it to friends."]
OTHER = {
    "es": "El servicio de Acme Mobile fue {} esta semana.",
    "ru": "Связь Globex сегодня {} — опять проблемы.",
    "ar": "خدمة Initech Wireless كانت {} هذا الأسبوع.",
}


def synthetic(n: int, seed: int = 7) -> list[RawMention]:
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    out = []
    for i in range(n):
        if rng.random() < 0.1:
            lang = rng.choice(list(OTHER))
            text = OTHER[lang].format(rng.choice(["bueno", "плохая", "سيئة"]))
        else:
            text = " ".join([rng.choice(SUBJECTS), rng.choice(OPINIONS), rng.choice(TAILS)] * rng.randint(1, 3))
        out.append(RawMention(id=f"bench-{i}", source="feed", source_name="bench", title=text[:60],
                              text=text + f" #{i}", url=f"https://example.com/{i}",
                              published_at=now - timedelta(minutes=rng.randint(0, 90 * 24 * 60))))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="mentions to ingest")
    parser.add_argument("--batch", type=int, default=2000, help="batch size (EARFUL_BATCH_SIZE default)")
    parser.add_argument("--textblob", action="store_true",
                        help="score English inline with TextBlob (the old intake) instead of the default")
    parser.add_argument("--cores", type=int, default=1, help="CPU cores this process may use (default 1)")
    args = parser.parse_args()
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:args.cores]))
    mentions = synthetic(args.n)
    config = parse_config(BRANDS)
    with tempfile.TemporaryDirectory(prefix="earful-bench-") as tmp:
        index = EmbeddedIndex(Path(tmp) / "index")
        if args.textblob:
            processor = Processor(BrandMatcher(config.brands), FastTextDetector(), default_router(), index)
        else:  # the default intake: provisional scores, accurate ones left to the refine queue
            processor = build_processor(Settings(data_dir=Path(tmp)), config, index)
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        indexed = 0
        for start in range(0, len(mentions), args.batch):
            indexed += processor.process(mentions[start:start + args.batch]).indexed
            if (start // args.batch) % 20 == 0:
                print(f"  {start + args.batch:>8} mentions …", file=sys.stderr, flush=True)
        elapsed = time.perf_counter() - started
        index.close()
    print(f"ingest: {args.n} mentions in {elapsed:.1f}s = {args.n / elapsed:,.0f} mentions/s "
          f"({indexed} indexed, batch {args.batch}, {args.cores} core(s)); peak RSS {peak_rss_mb():.0f} MB "
          f"(before ingest {rss_before:.0f} MB)")


if __name__ == "__main__":
    main()
