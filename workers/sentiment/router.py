"""Picks the scorer for each mention's language, labels scores, applies star ratings.

Intake must not wait on a slow scorer: with ``defer_slow`` a language whose scorer is slow gets
its fast provisional scorer's result (or none) and a ``pending`` marker in ``Sentiment.model``;
the refiner replaces it later. ``Sentiment.model`` reads:

    e5-small-…+emoji-ranking-0.1.7           final score from that scorer (…+social-2.0+… for e5-social)
    e5-small-…+emoji-ranking-0.1.7+rating    final, label and score informed by the star rating
    vader-3.3.2 (pending: e5-small-…)  provisional score; the accurate one is on its way
    pending: e5-small-…                not scored yet (label ``unscored``, or the rating's label)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from earful.models import Mention, Sentiment, SentimentLabel
from workers.sentiment import rating as ratings
from workers.sentiment.passages import Passage
from workers.sentiment.scorers import Scorer, ScorerUnavailable, TargetRequest, TargetScore

logger = logging.getLogger(__name__)

PENDING = "pending: "
DEFAULT_LANG = "*"


def scoring_input(mentions: Sequence[Mention]) -> tuple[list[tuple[str | None, str]], list[float | None]]:
    """What the router scores: (lang, title + text) and the 0..1 rating, if any."""
    items = [(m.lang, f"{m.title}\n{m.text}") for m in mentions]
    stars = [m.rating.normalized if m.rating is not None else None for m in mentions]
    return items, stars


def is_pending(sentiment: Sentiment) -> bool:
    """True when the accurate scorer has not scored this mention yet."""
    return sentiment.model is not None and PENDING in sentiment.model


@dataclass(frozen=True)
class TargetSentiment:
    """A mention's sentiment toward one target (a brand), and the passages it was read from."""

    key: str
    sentiment: Sentiment
    passages: tuple[Passage, ...]


class SentimentRouter:
    """Language → scorer (``*`` for any other language), thresholds → labels."""

    def __init__(self, scorers: Mapping[str, Scorer], *, positive_above: float = 0.1,
                 negative_below: float = -0.1, neutral_bands: Mapping[str, float] | None = None,
                 provisional: Mapping[str, Scorer] | None = None) -> None:
        self.scorers = dict(scorers)
        self.provisional = dict(provisional or {})
        self.neutral_bands = dict(neutral_bands or {})
        self.positive_above = positive_above
        self.negative_below = negative_below
        self._failed: set[str] = set()

    def scorer_for(self, lang: str | None) -> Scorer | None:
        if not lang:
            return None
        return self.scorers.get(lang) or self.scorers.get(DEFAULT_LANG)

    def provisional_for(self, lang: str | None) -> Scorer | None:
        if not lang:
            return None
        return self.provisional.get(lang) or self.provisional.get(DEFAULT_LANG)

    def describe(self) -> str:
        """The configured scorers, languages grouped by scorer: "ar,de: e5-…; *: e5-…"."""
        by_name: dict[str, list[str]] = {}
        for lang, scorer in self.scorers.items():
            by_name.setdefault(scorer.name, []).append(lang)
        return "; ".join(f"{','.join(langs)}: {name}" for name, langs in by_name.items())

    @property
    def has_slow_scorers(self) -> bool:
        return any(scorer.slow for scorer in self.scorers.values())

    def label(self, score: float, lang: str | None = None, scorer: Scorer | None = None) -> SentimentLabel:
        """Neutral band: the setting for the language (or "*"), else the scorer's calibration for it,
        else the global thresholds. Provisional scores pass no ``lang``: bands are set for the
        accurate scorer.
        """
        band = None
        for bands in (self.neutral_bands, scorer.neutral_bands if scorer is not None else {}):
            if lang and band is None:
                band = bands.get(lang, bands.get(DEFAULT_LANG))
        above, below = (band, -band) if band is not None else (self.positive_above, self.negative_below)
        if score > above:
            return "positive"
        if score < below:
            return "negative"
        return "neutral"

    def _run(self, scorer: Scorer, texts: list[str]) -> list[float] | None:
        """Scores, or None when the scorer cannot run (logged once; intake goes on)."""
        try:
            scores = scorer.score_many(texts)
        except ScorerUnavailable as exc:
            if scorer.name not in self._failed:
                logger.error("sentiment scorer %s is unavailable, mentions stay unscored: %s", scorer.name, exc)
                self._failed.add(scorer.name)
            return None
        except Exception:
            logger.exception("sentiment scorer %s failed on a batch of %d; they stay unscored",
                             scorer.name, len(texts))
            return None
        self._failed.discard(scorer.name)
        return scores

    def score(self, items: Sequence[tuple[str | None, str]], ratings_normalized: Sequence[float | None] | None = None,
              *, defer_slow: bool = False) -> list[Sentiment]:
        """(lang, text) pairs (+ optional 0..1 ratings) → Sentiment, batched per scorer."""
        stars = list(ratings_normalized) if ratings_normalized is not None else [None] * len(items)
        results = [Sentiment() for _ in items]
        groups: dict[int, tuple[Scorer, list[int]]] = {}
        for i, (lang, _text) in enumerate(items):
            accurate = self.scorer_for(lang)
            if accurate is None:
                if stars[i] is not None:  # no words to score (or no scorer): the stars alone
                    results[i] = self._finish(None, lang, stars[i], None, waiting_for=None)
                continue
            chosen = self.provisional_for(lang) if defer_slow and accurate.slow else accurate
            if chosen is None:
                results[i] = self._finish(None, lang, stars[i], None, waiting_for=accurate.name)
            else:
                groups.setdefault(id(chosen), (chosen, []))[1].append(i)
        for scorer, indexes in groups.values():
            scores = self._run(scorer, [items[i][1] for i in indexes])
            for n, i in enumerate(indexes):
                lang = items[i][0]
                accurate = self.scorer_for(lang)
                waiting_for = accurate.name if accurate is not None and accurate is not scorer else None
                value = scores[n] if scores is not None else None
                if value is None and waiting_for is None:
                    continue  # the scorer failed: unscored, logged in _run
                results[i] = self._finish(value, lang, stars[i], scorer, waiting_for=waiting_for)
        return results

    def _finish(self, value: float | None, lang: str | None, stars: float | None, scorer: Scorer | None,
                *, waiting_for: str | None) -> Sentiment:
        """One result; ``waiting_for`` names the accurate scorer when this one is provisional."""
        score: float | None = None
        label: SentimentLabel = "unscored"
        name = scorer.name if scorer is not None else ""
        if value is not None:
            score = round(max(-1.0, min(1.0, value)), 4)
            label = self.label(score, None if waiting_for else lang, scorer)
        if stars is not None:
            score, label = ratings.blend(score, label, stars)
            name = f"{name}{ratings.SUFFIX}" if value is not None else "rating"
        if waiting_for is None:
            return Sentiment(score=score, label=label, model=name)
        if value is None and stars is None:
            return Sentiment(model=f"{PENDING}{waiting_for}")
        return Sentiment(score=score, label=label, model=f"{name} ({PENDING}{waiting_for})")

    def score_targets(self, items: Sequence[tuple[str | None, TargetRequest]],
                      ratings_normalized: Sequence[float | None] | None = None) -> list[list[TargetSentiment]]:
        """(lang, request) pairs → per request, the sentiment toward each of its targets, batched
        per scorer; a language without a scorer (or a scorer that fails) leaves them unscored."""
        stars = list(ratings_normalized) if ratings_normalized is not None else [None] * len(items)
        results: list[list[TargetSentiment]] = [
            [TargetSentiment(t.key, Sentiment(), ()) for t in request.targets] for _, request in items]
        groups: dict[int, tuple[Scorer, list[int]]] = {}
        for i, (lang, _request) in enumerate(items):
            scorer = self.scorer_for(lang)
            if scorer is not None:
                groups.setdefault(id(scorer), (scorer, []))[1].append(i)
        for scorer, indexes in groups.values():
            scored = self._run_targets(scorer, [items[i][1] for i in indexes])
            for n, i in enumerate(indexes):
                if scored is not None:
                    results[i] = [self._target(s, items[i][0], stars[i], scorer) for s in scored[n]]
        return results

    def _run_targets(self, scorer: Scorer, requests: list[TargetRequest]) -> list[list[TargetScore]] | None:
        try:
            return scorer.score_targets(requests)
        except Exception:
            logger.exception("sentiment scorer %s failed on a batch of %d; they stay unscored",
                             scorer.name, len(requests))
            return None

    def _target(self, scored: TargetScore, lang: str | None, stars: float | None, scorer: Scorer) -> TargetSentiment:
        if not scored.targeted or scorer.target_band is None:
            return TargetSentiment(scored.key, self._finish(scored.score, lang, stars, scorer, waiting_for=None),
                                   scored.passages)
        score = round(max(-1.0, min(1.0, scored.score)), 4)
        band = scorer.target_band
        label: SentimentLabel = "positive" if score > band else "negative" if score < -band else "neutral"
        name = scorer.target_name or scorer.name
        if stars is not None:
            score, label = ratings.blend(score, label, stars)
            name += ratings.SUFFIX
        return TargetSentiment(scored.key, Sentiment(score=score, label=label, model=name), scored.passages)
