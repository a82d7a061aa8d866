"""Sentiment scorers behind one interface, chosen per language by settings.

A language with no scorer is left ``unscored``: an English lexicon would call almost any
Arabic or Russian text "neutral", which is a wrong answer that looks like a right one.
"""

from workers.sentiment.factory import SCORER_NAMES, default_router, make_scorer, router_from_settings
from workers.sentiment.router import PENDING, SentimentRouter, is_pending, scoring_input
from workers.sentiment.scorers import (
    MAX_SCORED_CHARS,
    Scorer,
    ScorerUnavailable,
    TextBlobScorer,
    VaderScorer,
)

__all__ = ["MAX_SCORED_CHARS", "PENDING", "SCORER_NAMES", "Scorer", "ScorerUnavailable", "SentimentRouter",
           "TextBlobScorer", "VaderScorer", "default_router", "is_pending", "make_scorer",
           "router_from_settings", "scoring_input"]
