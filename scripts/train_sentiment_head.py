"""Trains the sentiment heads shipped in workers/sentiment/heads/ from labelled JSONL.

Embeddings are cached in .cache/e5-embeddings.sqlite3 (outside git): each text is embedded once.
The target head has its own script, scripts/train_target_head.py.

The shipped head was trained on the shared labelled multilingual tweets (XLM-T UMSAB test split,
Apache-2.0) and English review sentences (UCI, Kotzias et al. 2015), and, each row weighing half,
on the licensed training tweets of Spanish and UK members of parliament (SentiMP-21, CC BY-SA 4.0)
and of Italian public administration (ita-pa, MIT):

    .venv/bin/python scripts/train_sentiment_head.py \\
        ../shared/data/sentiment/umsab-tweets.jsonl ../shared/data/sentiment/uci-sentences.jsonl \\
        --also ../shared/data/sentiment-train/sentimp21-tweets.jsonl \\
        --also ../shared/data/sentiment-train/ita-pa-tweets.jsonl

`--cv K` measures instead what the e5-social scorer would score on texts it never saw: K-fold
cross-validation of the files (folds by a hash of the text; each fold scored by a head trained on
the other folds and every `--also` row, which is never scored), printed per file and language like
`earful eval sentiment`. `--check` retrains and
compares with the shipped file (exit 1 if any label differs). Embedding ≈3,000 texts takes one to
two minutes on two cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from earful.models import Sentiment  # noqa: E402
from earful.settings import SOCIAL_HEAD_LANGUAGES  # noqa: E402
from workers.sentiment import SentimentRouter  # noqa: E402
from workers.sentiment.e5 import E5Scorer, Head, own_head_path, shared_engine, text_for_embedding  # noqa: E402
from workers.sentiment.embed_cache import EmbeddingCache, embedder_key  # noqa: E402
from workers.sentiment.train_head import (  # noqa: E402
    CLASSES,
    fit_logistic,
    train_head,
    training_arguments,
    weighted_rows,
)
from workers.sentiment_eval import Row, evaluate, read_rows  # noqa: E402

VERSION = "2.0"
ALSO_WEIGHT = 0.5
SHARE = 1.0
SHIPPED = ROOT / "workers" / "sentiment" / "heads" / "social-e5-small.json"


class CachedEmbeddings(E5Scorer):
    """The e5-social scorer reading embeddings from the on-disk cache (each text embedded once)."""

    def __init__(self) -> None:
        super().__init__(social=True)
        engine = shared_engine()
        self.cache = EmbeddingCache(lambda texts: engine.query(list(texts)), embedder_key(self.name))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """As the scorer embeds them (short texts: the model reads them whole), through the cache."""
        return self.cache([text_for_embedding(text) for text in texts])


def more_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--also", type=Path, action="append", default=[], metavar="FILE",
                        help="more labelled JSONL to learn from: in every fold's training side, never scored")
    parser.add_argument("--also-weight", type=float, default=ALSO_WEIGHT,
                        help="weight of each --also row beside a row of the files (1)")
    parser.add_argument("--share", type=float, default=SHARE,
                        help="the head's share of the score beside the general head's (recorded in the head)")


def main() -> int:
    args = training_arguments(__doc__ or "", "labelled JSONL (text, lang, label)", 3.0,
                              "inverse L2 strength (5-fold check: 1–10 within 0.01)", "../shared/data/sentiment",
                              extend=more_arguments)

    scorer = CachedEmbeddings()
    if args.cv:
        return cross_validate(args, scorer)
    embedder = scorer.name.split("+")[0]
    head = {"version": VERSION, "share": args.share,
            **train_head(args.files, scorer.embed, c=args.c, languages=SOCIAL_HEAD_LANGUAGES, embedder=embedder,
                         also=args.also, also_weight=args.also_weight)}
    if args.check:
        return check(head, own_head_path("social"), [*args.files, *args.also], scorer)
    target = args.out or SHIPPED
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(head, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target} ({head['training']['rows']} rows)")
    return 0


def check(head: dict[str, Any], shipped_path: Path, files: Sequence[Path], scorer: E5Scorer) -> int:
    """Same training record, and the retrained and shipped heads agree on the training texts."""
    shipped = json.loads(shipped_path.read_text(encoding="utf-8"))
    if shipped.get("training", {}).get("files") != head["training"]["files"] or shipped.get("share") != head["share"]:
        print(f"{shipped_path} was trained on other files or shares the score otherwise: "
              f"{shipped.get('training', {}).get('files')}, share {shipped.get('share')}")
        return 1
    texts = [row.text for path in files for row in read_rows(path)[0]]
    embeddings = scorer.embed(texts)
    new, old = Head(head).probs(embeddings), Head(shipped).probs(embeddings)
    differ = int((new.argmax(axis=1) != old.argmax(axis=1)).sum())
    print(f"{len(texts)} texts: largest probability difference {np.abs(new - old).max():.2e}, "
          f"{differ} labels differ")
    return 1 if differ else 0


def fold_of(text: str, k: int) -> int:
    return int(hashlib.sha1(f"earful-cv|{' '.join(text.lower().split())}".encode()).hexdigest(), 16) % k


def also_rows(args: argparse.Namespace, scorer: CachedEmbeddings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Embeddings, labels and weights of the --also rows (none: empty arrays)."""
    if not args.also:
        return np.zeros((0, 384), dtype=np.float32), np.zeros(0, dtype=int), np.zeros(0)
    rows, weights, _ = weighted_rows([(path, args.also_weight) for path in args.also])
    return scorer.embed([row.text for row in rows]), np.asarray([CLASSES.index(row.label) for row in rows]), weights


def cross_validate(args: argparse.Namespace, scorer: CachedEmbeddings) -> int:
    """Each fold of the files scored by a head trained on the other folds and every --also row."""
    k, c = args.cv, args.c
    rows_by_file = {path.name: read_rows(path)[0] for path in args.files}
    rows = [row for file_rows in rows_by_file.values() for row in file_rows]
    embeddings = scorer.embed([row.text for row in rows])
    folds = np.asarray([fold_of(row.text, k) for row in rows])
    labels = np.asarray([CLASSES.index(row.label) for row in rows])
    also_x, also_y, also_weights = also_rows(args, scorer)
    predicted: dict[int, Sentiment] = {}
    for fold in range(k):
        train = folds != fold
        coef, intercept = fit_logistic(np.vstack([embeddings[train], also_x]), np.concatenate([labels[train], also_y]),
                                       c, weights=np.concatenate([np.ones(int(train.sum())), also_weights]))
        scorer.social = Head({"type": "logistic", "coef": coef.tolist(), "intercept": intercept.tolist()})
        scorer.share = args.share
        router = SentimentRouter({"*": scorer})
        held = [row for row, f in zip(rows, folds, strict=True) if f == fold]
        for row, sentiment in zip(held, router.score([(row.lang, row.text) for row in held]), strict=True):
            predicted[id(row)] = sentiment
        print(f"fold {fold + 1}/{k}: trained on {int(train.sum())}, scored {len(held)}", file=sys.stderr)

    def lookup(batch: Sequence[Row]) -> list[Sentiment]:
        return [predicted[id(row)] for row in batch]

    print(f"{k}-fold cross-validation of e5-social (C={c}, share {args.share}, {len(also_y)} more rows "
          f"at weight {args.also_weight}); acc / macro-F1 / binary")
    for name, file_rows in rows_by_file.items():
        result = evaluate(file_rows, lookup)
        for lang, m in [*result.by_lang.items(), ("overall", result.overall)]:
            print(f"{name:<24} {lang:<8} {m['n']:>5}  {m['accuracy']:.3f} / {m['macro_f1']:.3f} / "
                  f"{m['binary_accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
