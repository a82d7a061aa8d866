"""Sentiment scorers behind one interface, chosen per language.

A language with no scorer is left ``unscored``: an English lexicon would call almost any
Arabic or Russian text "neutral", which is a wrong answer that looks like a right one.
"""

from __future__ import annotations

import importlib.metadata
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from earful.models import Sentiment, SentimentLabel

MAX_SCORED_CHARS = 5_000


class Scorer(ABC):
    """Scores texts of the languages it knows, −1 (negative) .. 1 (positive)."""

    name: str

    @abstractmethod
    def score_many(self, texts: Sequence[str]) -> list[float]:
        """One score per text, in order."""


class TextBlobScorer(Scorer):
    """TextBlob's pattern lexicon (English only); called directly, skipping TextBlob's wrapper."""

    def __init__(self) -> None:
        from textblob.en import sentiment

        self._sentiment = sentiment
        self.name = f"textblob-{importlib.metadata.version('textblob')}"

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [float(self._sentiment(text[:MAX_SCORED_CHARS])[0]) for text in texts]


class SentimentRouter:
    """Picks the scorer for each text's language and turns scores into labels."""

    def __init__(self, scorers: Mapping[str, Scorer], *, positive_above: float = 0.1,
                 negative_below: float = -0.1) -> None:
        self.scorers = dict(scorers)
        self.positive_above = positive_above
        self.negative_below = negative_below

    def label(self, score: float) -> SentimentLabel:
        if score > self.positive_above:
            return "positive"
        if score < self.negative_below:
            return "negative"
        return "neutral"

    def score(self, items: Sequence[tuple[str | None, str]]) -> list[Sentiment]:
        """(lang, text) pairs → Sentiment, batched per scorer."""
        results = [Sentiment() for _ in items]
        by_scorer: dict[str, list[int]] = {}
        for i, (lang, _text) in enumerate(items):
            if lang in self.scorers:
                by_scorer.setdefault(lang, []).append(i)
        for lang, indexes in by_scorer.items():
            scorer = self.scorers[lang]
            scores = scorer.score_many([items[i][1] for i in indexes])
            for i, value in zip(indexes, scores):
                value = max(-1.0, min(1.0, value))
                results[i] = Sentiment(score=round(value, 4), label=self.label(value), model=scorer.name)
        return results


def default_router(positive_above: float = 0.1, negative_below: float = -0.1) -> SentimentRouter:
    return SentimentRouter({"en": TextBlobScorer()}, positive_above=positive_above,
                           negative_below=negative_below)
