"""Training the target head (``heads/target-e5-small.json``) on sentences labelled toward a target.

Each labelled row (``text``, ``target``, ``target_start``, ``target_end``, ``label``) is read the
way the scorer reads a target's passage in production: the sentence around the labelled span
(:func:`passages.around`, at most PASSAGE_TOKENS tokens), then the head's views of it (the
passage, the target's window). The neutral band is chosen by K-fold cross-validation (folds by
text, so no sentence is on both sides), as the one with the best macro-F1 on the held-out folds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workers.sentiment import passages
from workers.sentiment.passages import TokenCount
from workers.sentiment.targeted import PASSAGE_TOKENS, VIEWS
from workers.sentiment.targets import from_text
from workers.sentiment.train_head import CLASSES, balanced_weights, file_digest, fit_logistic
from workers.sentiment_eval import EvalDataError

Embed = Callable[[Sequence[str]], np.ndarray]
BANDS = tuple(round(0.05 * i, 2) for i in range(16))


@dataclass(frozen=True)
class TargetRow:
    text: str
    target: str
    start: int
    end: int
    label: int
    source: str  # the file's name


def read_target_rows(path: Path) -> list[TargetRow]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        data = json.loads(line)
        try:
            rows.append(TargetRow(data["text"], data["target"], int(data["target_start"]), int(data["target_end"]),
                                  CLASSES.index(data["label"]), path.name))
        except (KeyError, ValueError, TypeError) as exc:
            raise EvalDataError(f"{path}:{number}: not a target row ({exc}); expected text, target, "
                                "target_start, target_end and label") from None
    return rows


def views_of(row: TargetRow, count: TokenCount, features: Sequence[str]) -> list[str]:
    """What the scorer would embed for this row's labelled occurrence."""
    span = (row.start, row.end)
    [passage] = passages.around(row.text, [span], count, budget=PASSAGE_TOKENS, passage_tokens=PASSAGE_TOKENS)
    found = sorted({span, *from_text(row.target).find(row.text)})
    inside = [(s - passage.start, e - passage.start) for s, e in found if passage.start <= s and e <= passage.end]
    return [VIEWS[name](passage.text, inside) for name in features]


def features_of(rows: Sequence[TargetRow], embed: Embed, count: TokenCount, features: Sequence[str]) -> np.ndarray:
    texts = [view for row in rows for view in views_of(row, count, features)]
    embedded = embed(texts)
    return np.asarray(embedded).reshape(len(rows), -1)


def fold_of(text: str, k: int) -> int:
    return int(hashlib.sha1(f"earful-cv|{' '.join(text.lower().split())}".encode()).hexdigest(), 16) % k


def cross_validate(x: np.ndarray, rows: Sequence[TargetRow], c: float, k: int) -> np.ndarray:
    """(n, 3) probabilities of each row from a head trained on the other folds."""
    y = np.asarray([row.label for row in rows])
    folds = np.asarray([fold_of(row.text, k) for row in rows])
    probs = np.zeros((len(rows), 3))
    for fold in range(k):
        train = folds != fold
        coef, intercept = fit_logistic(x[train], y[train], c, weights=balanced_weights(y[train]))
        z = x[~train] @ coef.T + intercept
        z = np.exp(z - z.max(axis=1, keepdims=True))
        probs[~train] = z / z.sum(axis=1, keepdims=True)
    return probs


def labels(probs: np.ndarray, band: float) -> np.ndarray:
    score = probs[:, 2] - probs[:, 0]
    return np.where(score > band, 2, np.where(score < -band, 0, 1))


def macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    f1 = []
    for cls in range(3):
        tp = int(((predicted == cls) & (gold == cls)).sum())
        wrong = int(((predicted == cls) != (gold == cls)).sum())
        f1.append(0.0 if tp == 0 else 2 * tp / (2 * tp + wrong))
    return float(np.mean(f1))


def best_band(probs: np.ndarray, gold: np.ndarray) -> float:
    return max(BANDS, key=lambda band: (macro_f1(gold, labels(probs, band)), -band))


def train_target_head(paths: Sequence[Path], embed: Embed, count: TokenCount, *, c: float,
                      features: Sequence[str], embedder: str, k: int = 5) -> dict[str, Any]:
    """The head document: weights on all rows (classes weighted equally), band from K-fold CV."""
    rows = [row for path in paths for row in read_target_rows(path)]
    if not rows:
        raise EvalDataError("no target rows in " + ", ".join(map(str, paths)))
    x = features_of(rows, embed, count, features)
    y = np.asarray([row.label for row in rows])
    band = best_band(cross_validate(x, rows, c, k), y)
    coef, intercept = fit_logistic(x, y, c, weights=balanced_weights(y))
    return {
        "type": "logistic", "classes": list(CLASSES), "features": list(features), "band": band,
        "coef": [[round(float(v), 7) for v in row] for row in coef],
        "intercept": [round(float(v), 7) for v in intercept], "T": 1.0,
        "training": {"files": [{"name": path.name, "sha256": file_digest(path)} for path in paths],
                     "rows": len(rows), "C": c, "class_weights": "balanced", "band_from": f"{k}-fold CV macro-F1",
                     "passage_tokens": PASSAGE_TOKENS, "embedder": embedder},
    }
