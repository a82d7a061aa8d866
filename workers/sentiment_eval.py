"""Scoring labelled sentiment data: accuracy, macro-F1 and binary accuracy, per language and overall.

Rows are JSON objects with ``text``, ``lang`` and ``label`` (positive, negative or neutral; any
other label, e.g. ``mixed``, is skipped and counted), and optionally ``target``: the entity the
label is about, as written in the text. Definitions:

- accuracy: predicted label == gold label, over all scored rows (an ``unscored`` prediction is wrong);
- macro-F1: the mean F1 over every class that occurs in the gold labels or the predictions;
- binary accuracy: over rows whose gold label is positive or negative, a forced choice by the
  sign of the score (> 0 positive, < 0 negative; 0 or unscored is wrong), the usual way to rate
  a three-way scorer on two-way data.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from earful.errors import EarfulError
from earful.models import Sentiment

LABELS = ("positive", "negative", "neutral")
Progress = Callable[[int, int], None]


class EvalDataError(EarfulError):
    """The labelled file cannot be read; the message names the line."""


@dataclass
class Row:
    text: str
    lang: str
    label: str
    target: str | None = None  # the entity the label is about, as written in the text


@dataclass
class Prediction:
    gold: str
    label: str
    score: float | None


def read_rows(path: Path) -> tuple[list[Row], Counter[str]]:
    """Rows with a usable label, and the count of skipped rows by reason (e.g. ``label:mixed``)."""
    rows: list[Row] = []
    skipped: Counter[str] = Counter()
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"cannot read {path}: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(f"{path}:{number}: not JSON ({exc.msg}); expected one object per line") from None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            skipped["no_text"] += 1
        elif data.get("label") not in LABELS:
            skipped[f"label:{data.get('label')}"] += 1
        else:
            target = data.get("target")
            rows.append(Row(text=data["text"], lang=str(data.get("lang") or "und"), label=data["label"],
                            target=target if isinstance(target, str) and target.strip() else None))
    return rows, skipped


def f1(gold: Sequence[str], predicted: Sequence[str], cls: str) -> float:
    tp = sum(1 for g, p in zip(gold, predicted) if g == cls and p == cls)
    fp = sum(1 for g, p in zip(gold, predicted) if g != cls and p == cls)
    fn = sum(1 for g, p in zip(gold, predicted) if g == cls and p != cls)
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def metrics(predictions: Sequence[Prediction]) -> dict[str, Any]:
    """n, accuracy, macro_f1, binary_accuracy (None when there is nothing to measure)."""
    gold = [p.gold for p in predictions]
    predicted = [p.label for p in predictions]
    n = len(predictions)
    classes = sorted(set(gold) | set(predicted))
    polar = [p for p in predictions if p.gold in ("positive", "negative")]
    binary_hits = sum(1 for p in polar if p.score is not None and p.score != 0
                      and (p.score > 0) == (p.gold == "positive"))
    return {
        "n": n,
        "accuracy": round(sum(g == q for g, q in zip(gold, predicted)) / n, 4) if n else None,
        "macro_f1": round(sum(f1(gold, predicted, c) for c in classes) / len(classes), 4) if n else None,
        "binary_accuracy": round(binary_hits / len(polar), 4) if polar else None,
    }


@dataclass
class EvalResult:
    overall: dict[str, Any]
    by_lang: dict[str, dict[str, Any]]
    texts_per_s: float
    skipped: Counter[str] = field(default_factory=Counter)
    targeted: int = 0  # rows scored toward their target

    def as_json(self) -> dict[str, Any]:
        return {"overall": self.overall, "by_lang": self.by_lang, "texts_per_s": self.texts_per_s,
                "targeted_rows": self.targeted}


def _batches(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def evaluate(rows: Sequence[Row], score: Callable[[Sequence[Row]], Iterable[Sentiment]], *,
             batch_size: int = 64, progress: Progress | None = None) -> EvalResult:
    """Score rows in batches with ``score`` (rows → one Sentiment each) and compute the metrics."""
    predictions: list[Prediction] = []
    elapsed = 0.0
    for batch in _batches(rows, batch_size):
        started = time.perf_counter()
        sentiments = list(score(batch))
        elapsed += time.perf_counter() - started
        predictions += [Prediction(r.label, s.label, s.score) for r, s in zip(batch, sentiments)]
        if progress:
            progress(len(predictions), len(rows))
    by_lang: dict[str, list[Prediction]] = {}
    for row, prediction in zip(rows, predictions):
        by_lang.setdefault(row.lang, []).append(prediction)
    return EvalResult(overall=metrics(predictions),
                      by_lang={lang: metrics(p) for lang, p in sorted(by_lang.items())},
                      texts_per_s=round(len(rows) / elapsed, 1) if elapsed else 0.0,
                      targeted=sum(1 for row in rows if row.target))
