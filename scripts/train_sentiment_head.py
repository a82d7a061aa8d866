"""Trains the `social` sentiment head shipped in workers/sentiment/heads/ from labelled JSONL.

The shipped head was trained on the shared labelled multilingual tweets (XLM-T UMSAB test split,
Apache-2.0) and English review sentences (UCI, Kotzias et al. 2015):

    .venv/bin/python scripts/train_sentiment_head.py \\
        ../shared/data/sentiment/umsab-tweets.jsonl ../shared/data/sentiment/uci-sentences.jsonl

`--check` retrains and compares with the shipped file instead of writing it (exit 1 if the
labels it gives differ). Embedding ≈3,000 texts takes one to two minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from earful.settings import SOCIAL_HEAD_LANGUAGES  # noqa: E402
from workers.sentiment.e5 import E5Scorer, Head, own_head_path  # noqa: E402
from workers.sentiment.train_head import train_head  # noqa: E402

VERSION = "1.0"
SHIPPED = ROOT / "workers" / "sentiment" / "heads" / "social-e5-small.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help="labelled JSONL (text, lang, label)")
    parser.add_argument("--c", type=float, default=3.0, help="inverse L2 strength (5-fold check: 1–10 within 0.01)")
    parser.add_argument("--out", type=Path, default=None, help="default: the shipped head file")
    parser.add_argument("--check", action="store_true", help="compare with the shipped head, write nothing")
    args = parser.parse_args()
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        parser.error(f"not found: {', '.join(missing)} (the labelled sets are in ../shared/data/sentiment)")

    scorer = E5Scorer()
    embedder = scorer.name.split("+")[0]

    def embed(texts: Sequence[str]) -> np.ndarray:
        started, parts = time.monotonic(), []
        for i in range(0, len(texts), 256):
            parts.append(scorer.embed(texts[i:i + 256]))
            done = min(i + 256, len(texts))
            print(f"embedded {done}/{len(texts)} ({done / (time.monotonic() - started):.0f} texts/s)",
                  file=sys.stderr, flush=True)
        return np.vstack(parts)

    head = {"version": VERSION, **train_head(args.files, embed, c=args.c, languages=SOCIAL_HEAD_LANGUAGES, embedder=embedder)}
    if args.check:
        return check(head, own_head_path("social"), args.files, scorer)
    target = args.out or SHIPPED
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(head, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target} ({head['training']['rows']} rows)")
    return 0


def check(head: dict, shipped_path: Path, files: Sequence[Path], scorer: E5Scorer) -> int:
    """Same training record, and the retrained and shipped heads agree on the training texts."""
    shipped = json.loads(shipped_path.read_text(encoding="utf-8"))
    if shipped.get("training", {}).get("files") != head["training"]["files"]:
        print(f"{shipped_path} was trained on other files: {shipped.get('training', {}).get('files')}")
        return 1
    texts = [json.loads(line)["text"] for path in files for line in path.read_text(encoding="utf-8").split("\n")
             if line.strip()]
    embeddings = scorer.embed(texts)
    new, old = Head(head).probs(embeddings), Head(shipped).probs(embeddings)
    differ = int((new.argmax(axis=1) != old.argmax(axis=1)).sum())
    print(f"{len(texts)} texts: largest probability difference {np.abs(new - old).max():.2e}, "
          f"{differ} labels differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
