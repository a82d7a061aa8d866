"""A sentiment head's forward pass, and the heads Earful trained itself (shipped in ``heads/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from workers.sentiment.scorers import ScorerUnavailable


def own_head_path(name: str) -> Path:
    """A head Earful trained itself (``scripts/train_sentiment_head.py``), shipped in this package."""
    path = Path(__file__).with_name("heads") / f"{name}-e5-small.json"
    if not path.is_file():
        raise ScorerUnavailable(f"the sentiment head {path} is missing: reinstall Earful "
                                "(or rebuild it with scripts/train_sentiment_head.py)")
    return path


class Head:
    """A JSON head's forward pass (mlp or multinomial logistic) → [neg, neutral, pos] probabilities."""

    def __init__(self, spec: dict[str, Any]) -> None:
        if spec.get("type") == "mlp":
            self.layers = [(np.asarray(layer["W"], dtype=np.float32).T, np.asarray(layer["b"], dtype=np.float32))
                           for layer in spec["layers"]]
        else:
            self.layers = [(np.asarray(spec["coef"], dtype=np.float32).T,
                            np.asarray(spec["intercept"], dtype=np.float32))]
        self.temperature = float(spec.get("T") or 1.0)

    def probs(self, embeddings: np.ndarray) -> np.ndarray:
        z = embeddings.astype(np.float32)
        for i, (weights, bias) in enumerate(self.layers):
            z = z @ weights + bias
            if i < len(self.layers) - 1:
                z = np.maximum(z, 0.0)
        z = z / self.temperature
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return np.asarray(z / z.sum(axis=1, keepdims=True), dtype=np.float64)
