"""Scorers by name, and the router that settings ask for."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from earful.errors import ConfigError
from earful.settings import Settings
from workers.sentiment.router import DEFAULT_LANG, SentimentRouter
from workers.sentiment.scorers import Scorer, ScorerUnavailable, TextBlobScorer, VaderScorer

logger = logging.getLogger(__name__)


def _e5(head: str, *, social: bool = False) -> Callable[[], Scorer]:
    def build() -> Scorer:
        from workers.sentiment.e5 import E5Scorer

        return E5Scorer(head=head, social=social)

    return build


FACTORIES: dict[str, Callable[[], Scorer]] = {
    "textblob": TextBlobScorer,
    "vader": VaderScorer,
    "e5": _e5("logistic"),  # the accurate multilingual default
    "e5-social": _e5("logistic", social=True),  # + Earful's head trained on tweets (their 8 languages)
    "e5-mlp": _e5("mlp"),
}
SCORER_NAMES = tuple(FACTORIES)


def make_scorer(name: str) -> Scorer:
    """A scorer by its settings name; raises ScorerUnavailable when it cannot load."""
    try:
        factory = FACTORIES[name]
    except KeyError:
        raise ConfigError(f"unknown sentiment scorer {name!r}; use one of {', '.join(SCORER_NAMES)}",
                          key="sentiment_scorers") from None
    return factory()


def _build(choice: Mapping[str, str], cache: dict[str, Scorer | None]) -> dict[str, Scorer]:
    """lang → scorer; a scorer that cannot load is logged and its languages stay unscored."""
    scorers: dict[str, Scorer] = {}
    for lang, name in choice.items():
        if name not in cache:
            try:
                cache[name] = make_scorer(name)
            except ScorerUnavailable as exc:
                logger.error("sentiment scorer %r is unavailable, its languages stay unscored: %s", name, exc)
                cache[name] = None
        scorer = cache[name]
        if scorer is not None:
            scorers[lang] = scorer
    return scorers


def router_from_settings(settings: Settings) -> SentimentRouter:
    """EARFUL_SENTIMENT_SCORERS, _PROVISIONAL_SCORERS and _NEUTRAL_BANDS → a router (scorers shared)."""
    cache: dict[str, Scorer | None] = {}
    scorers = _build(settings.sentiment_scorers, cache)
    provisional = _build(settings.sentiment_provisional_scorers, cache)
    missing = set(settings.sentiment_scorers) - set(scorers)
    for lang, fallback in provisional.items():
        # Better the fast score for good than none: e.g. English keeps VADER if e5 cannot load.
        if lang not in scorers and (lang in missing or DEFAULT_LANG in missing):
            logger.warning("sentiment: scoring %s with %s until the configured scorer loads", lang, fallback.name)
            scorers[lang] = fallback
    return SentimentRouter(scorers, provisional=provisional,
                           neutral_bands=settings.sentiment_neutral_bands,
                           positive_above=settings.positive_threshold,
                           negative_below=settings.negative_threshold)


def default_router(positive_above: float = 0.1, negative_below: float = -0.1, *,
                   settings: Settings | None = None) -> SentimentRouter:
    """The router settings ask for; without settings, English-only TextBlob (no model to load)."""
    if settings is not None:
        return router_from_settings(settings)
    return SentimentRouter({"en": TextBlobScorer()}, positive_above=positive_above,
                           negative_below=negative_below)
