"""Training Earful's own classification head on labelled texts (``scripts/train_sentiment_head.py``).

A multinomial logistic regression over the e5 embeddings, fitted with Newton's method (the
problem is small: 3 classes × 385 weights), so the result is exact and reproducible without a
machine-learning library. The head is saved in the same JSON layout as the sentimentai heads
(``coef`` classes × dim, ``intercept``, ``T``) with a ``training`` record of what it learnt from.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workers.sentiment_eval import EvalDataError, Row, read_rows

CLASSES = ("negative", "neutral", "positive")  # the heads' class order


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float, *, classes: int = 3, max_iter: int = 50,
                 tol: float = 1e-8, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Minimise ``c · Σ w_i · −log p(y_i | x_i) + ½‖W‖²`` (intercepts not penalised; w_i 1 by default).

    Returns ``(coef, intercept)``, ``coef`` classes × dim: the objective of scikit-learn's
    LogisticRegression(C=c) with the multinomial loss (and ``sample_weight``), solved to convergence.
    """
    n, dim = x.shape
    xb = np.hstack([x.astype(np.float64), np.ones((n, 1))])  # last column: the intercept
    w_row = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    onehot = np.eye(classes)[y] * w_row[:, None]
    theta = np.zeros((classes, dim + 1))
    penalty = np.ones(dim + 1)
    penalty[-1] = 1e-9  # the intercept is free; a whisker keeps the Hessian invertible

    def loss(t: np.ndarray) -> float:
        z = xb @ t.T
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-c * (onehot * log_p).sum() + 0.5 * (penalty * t * t).sum())

    current = loss(theta)
    for _ in range(max_iter):
        z = xb @ theta.T
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = c * (p * w_row[:, None] - onehot).T @ xb + penalty * theta
        hess = np.zeros((classes, dim + 1, classes, dim + 1))
        for a in range(classes):
            for b in range(a, classes):
                w = w_row * p[:, a] * ((a == b) - p[:, b])
                block = c * (xb * w[:, None]).T @ xb
                hess[a, :, b, :] = block
                hess[b, :, a, :] = block
        for a in range(classes):
            hess[a, :, a, :] += np.diag(penalty)
        size = classes * (dim + 1)
        step = np.linalg.solve(hess.reshape(size, size), grad.reshape(size)).reshape(classes, dim + 1)
        rate = 1.0
        while rate > 1e-6:  # backtracking: Newton steps can overshoot far from the optimum
            candidate = theta - rate * step
            value = loss(candidate)
            if value <= current:
                break
            rate /= 2
        theta, previous, current = candidate, current, value
        if previous - current <= tol * max(1.0, abs(current)):
            break
    return theta[:, :dim], theta[:, dim]


def balanced_weights(y: np.ndarray, classes: int = 3) -> np.ndarray:
    """Per-row weights that give every class the same total weight (a head without class priors)."""
    counts = np.bincount(y, minlength=classes).astype(np.float64)
    return np.asarray(len(y) / (classes * np.maximum(counts[y], 1.0)))


def training_arguments(description: str, files_help: str, c: float, c_help: str, data: str,
                       extend: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """The head-training scripts' command line: files, --c, --out, --check, --cv, and what ``extend``
    adds (files, and ``--also`` files if it adds that option, must exist)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help=files_help)
    parser.add_argument("--c", type=float, default=c, help=c_help)
    parser.add_argument("--out", type=Path, default=None, help="default: the shipped head file")
    parser.add_argument("--check", action="store_true", help="compare with the shipped head, write nothing")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold cross-validation, write nothing")
    if extend is not None:
        extend(parser)
    args = parser.parse_args()
    missing = [str(path) for path in [*args.files, *getattr(args, "also", [])] if not path.is_file()]
    if missing:
        parser.error(f"not found: {', '.join(missing)} (the labelled sets are in {data})")
    return args


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def weighted_rows(files: Sequence[tuple[Path, float]]) -> tuple[list[Row], np.ndarray, Counter[str]]:
    """The labelled rows of every (file, weight), each row's weight, and the labels skipped."""
    rows: list[Row] = []
    weights: list[float] = []
    skipped: Counter[str] = Counter()
    for path, weight in files:
        more, skips = read_rows(path)
        rows += more
        weights += [weight] * len(more)
        skipped += skips
    if not rows:
        raise EvalDataError("no rows labelled positive, negative or neutral in " + ", ".join(str(p) for p, _ in files))
    return rows, np.asarray(weights, dtype=np.float64), skipped


def train_head(paths: Sequence[Path], embed: Callable[[Sequence[str]], np.ndarray], *, c: float,
               languages: Sequence[str], embedder: str, also: Sequence[Path] = (),
               also_weight: float = 1.0) -> dict[str, Any]:
    """A head JSON document trained on the labelled files (and the ``also`` files, each of their rows
    weighing ``also_weight``), with its training record."""
    files = [(path, 1.0) for path in paths] + [(path, also_weight) for path in also]
    rows, weights, skipped = weighted_rows(files)
    labels = np.asarray([CLASSES.index(row.label) for row in rows])
    coef, intercept = fit_logistic(embed([row.text for row in rows]), labels, c, weights=weights)
    return {
        "type": "logistic",
        "classes": list(CLASSES),
        "coef": [[round(float(v), 7) for v in row] for row in coef],
        "intercept": [round(float(v), 7) for v in intercept],
        "T": 1.0,
        "training": {
            "files": [{"name": path.name, "sha256": file_digest(path), "weight": weight} for path, weight in files],
            "rows": len(rows),
            "skipped": dict(sorted(skipped.items())),
            "C": c,
            "languages": list(languages),
            "embedder": embedder,
        },
    }
