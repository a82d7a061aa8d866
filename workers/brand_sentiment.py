"""A mention's sentiment toward each of its brands, and its overall sentiment, from the router.

Intake gives every brand the mention's provisional whole-text score (``provisional``); the
refiner (or intake, when nothing is deferred) scores each brand with the accurate scorer
(``final``): an article is read in passages around each brand's words, a short post, review
or comment whole, its one score then applying to each brand. The overall sentiment is that of
the brands (:func:`overall`), so a mention of one brand has the same sentiment overall and
toward its brand. Star ratings decide a review's label toward every brand, as the router applies
them to each score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from earful.config import BrandConfig
from earful.models import BrandSentiment, Mention, Passage, Sentiment, SentimentLabel
from workers.sentiment import SentimentRouter, is_pending, scoring_input
from workers.sentiment.passages import Passage as ReadPassage
from workers.sentiment.rating import SUFFIX as RATING_SUFFIX
from workers.sentiment.router import TargetSentiment
from workers.sentiment.scorers import TargetRequest
from workers.sentiment.targets import Target, from_rule

ARTICLE_SOURCES = frozenset({"feed", "web"})  # news and blog items: read around each brand, whatever their length


@dataclass
class Scored:
    """What scoring gives a mention: its overall sentiment and the sentiment toward each brand."""

    overall: Sentiment
    brands: dict[str, BrandSentiment]

    def apply(self, mention: Mention) -> Mention:
        return mention.model_copy(update={"sentiment": self.overall, "brand_sentiment": self.brands})

    @property
    def complete(self) -> bool:
        """Every sentiment, overall and toward each brand, has its final score (none missing or pending)."""
        return not any(s.model is None or is_pending(s) for s in [self.overall, *self.brands.values()])


class BrandTargets:
    """Brand id -> the words that find the brand in a text: its rule's words and its name."""

    def __init__(self, brands: Sequence[BrandConfig] = ()) -> None:
        self._targets = {brand.id: from_rule(brand.id, brand.rule, brand.name) for brand in brands}

    def get(self, brand: str) -> Target:
        """An unknown brand has no words: it gets the whole-text score."""
        return self._targets.get(brand) or Target(brand, None)


def _label_of(score: float, labels: Counter[SentimentLabel]) -> SentimentLabel:
    """The label most brands have; a tie goes to the sign of the mean score."""
    (first, n), *rest = labels.most_common()
    if not rest or rest[0][1] < n:
        return first
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


def overall(sentiments: Sequence[Sentiment]) -> Sentiment:
    """A mention's overall sentiment from its brands': theirs when they agree, else the mean score with
    the label most of them have (a tie: the sign of the mean), from the scorer most of them came from."""
    if not sentiments:
        return Sentiment()
    first = Sentiment(score=sentiments[0].score, label=sentiments[0].label, model=sentiments[0].model)
    scored = [s for s in sentiments if s.score is not None]
    if len({(s.score, s.label, s.model) for s in sentiments}) == 1 or not scored:
        return first
    score = round(sum(s.score or 0.0 for s in scored) / len(scored), 4)
    model = Counter(s.model for s in scored).most_common(1)[0][0]
    return Sentiment(score=score, label=_label_of(score, Counter(s.label for s in scored)), model=model)


def _passages(passages: Sequence[ReadPassage], whole: str) -> list[Passage]:
    """The passages read, as stored; none when the whole text was read (the mention itself is the passage)."""
    return [Passage(text=p.text, start=p.start, end=p.end) for p in passages
            if p.text.strip() != whole.strip()]


def each_brand(mention: Mention, sentiment: Sentiment) -> Scored:
    """One whole-text sentiment for the mention and every brand of it."""
    toward = {brand: BrandSentiment(**sentiment.model_dump()) for brand in dict.fromkeys(mention.brands)}
    return Scored(sentiment, toward)


class BrandSentimentScorer:
    """Scores mentions toward their brands with a router and the brands' targets."""

    def __init__(self, router: SentimentRouter, targets: BrandTargets | None = None) -> None:
        self.router = router
        self.targets = targets or BrandTargets()

    def provisional(self, mentions: Sequence[Mention], *, defer_slow: bool) -> list[Scored]:
        """The whole-text score (provisional while a slow scorer is deferred) for every brand."""
        items, stars = scoring_input(mentions)
        scores = self.router.score(items, stars, defer_slow=defer_slow)
        return [each_brand(m, s) for m, s in zip(mentions, scores, strict=True)]

    def final(self, mentions: Sequence[Mention]) -> list[Scored]:
        """The accurate scorer's sentiment toward each brand; a language without a scorer (or a mention
        without brands) gets its whole-text result (the stars alone, or unscored)."""
        targeted = [m for m in mentions if m.brands and self.router.scorer_for(m.lang)]
        rest = [m for m in mentions if not (m.brands and self.router.scorer_for(m.lang))]
        out = {id(m): s for m, s in zip(rest, self.provisional(rest, defer_slow=False), strict=True)}
        items, stars = scoring_input(targeted)
        requests = [(lang, self._request(m, text)) for m, (lang, text) in zip(targeted, items, strict=True)]
        found = self.router.score_targets(requests, stars)
        for m, (_, text), toward in zip(targeted, items, found, strict=True):
            out[id(m)] = self._scored(toward, text)
        return [out[id(m)] for m in mentions]

    def sharpen(self, mentions: Sequence[Mention]) -> list[Mention]:
        """``mentions``, those still awaiting the accurate scorer scored by it, in memory (the refiner stores
        the same scores when it reaches them); a mention it could not score stays as it was."""
        todo = [m for m in mentions if awaits_final(m)]
        if not todo:
            return list(mentions)
        done = {m.id: found.apply(m) for m, found in zip(todo, self.final(todo), strict=True) if found.complete}
        return [done.get(m.id, m) for m in mentions]

    def _request(self, mention: Mention, text: str) -> TargetRequest:
        brands = list(dict.fromkeys(mention.brands))
        return TargetRequest(text, [self.targets.get(b) for b in brands], article=mention.source in ARTICLE_SOURCES)

    @staticmethod
    def _scored(found: Sequence[TargetSentiment], text: str) -> Scored:
        brands = {t.key: BrandSentiment(**t.sentiment.model_dump(), passages=_passages(t.passages, text))
                  for t in found}
        return Scored(overall(list(brands.values())), brands)


def awaits_final(mention: Mention) -> bool:
    """Scored provisionally, overall or toward one of its brands: the accurate scorer has not read it yet."""
    return is_pending(mention.sentiment) or any(is_pending(s) for s in mention.brand_sentiment.values())


def is_current(mention: Mention, router: SentimentRouter) -> bool:
    """Scored, overall and toward each of its brands, by the scorer now configured for its language
    (or pending, or without a scorer: nothing to rescore)."""
    scorer = router.scorer_for(mention.lang)
    if scorer is None or is_pending(mention.sentiment):
        return True
    names = {scorer.name, scorer.target_name}

    def current(sentiment: Sentiment) -> bool:
        return sentiment.model is not None and sentiment.model.removesuffix(RATING_SUFFIX) in names

    return current(mention.sentiment) and all(
        b in mention.brand_sentiment and current(mention.brand_sentiment[b]) for b in mention.brands)
