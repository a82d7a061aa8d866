"""The scorer interface and the English lexicon scorers (TextBlob, VADER)."""

from __future__ import annotations

import importlib.metadata
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from earful.errors import EarfulError

MAX_SCORED_CHARS = 5_000


class ScorerUnavailable(EarfulError):
    """A scorer's package or model could not be loaded; the message says how to install it."""


class Scorer(ABC):
    """Scores texts of the languages it knows, −1 (negative) .. 1 (positive).

    ``name`` carries the package and model version and is recorded on every mention it
    scores. ``slow`` scorers are not run at intake when a fast provisional score and
    background refinement are configured.
    """

    name: str
    slow: bool = False
    # Calibration: per language ("*" for any other), |score| at most this is neutral. A language
    # without a band uses the global thresholds (EARFUL_POSITIVE_THRESHOLD/_NEGATIVE_THRESHOLD).
    neutral_bands: Mapping[str, float] = MappingProxyType({})

    @abstractmethod
    def score_many(self, texts: Sequence[str]) -> list[float]:
        """One score per text, in order."""


def package_version(package: str, install_hint: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        raise ScorerUnavailable(f"the {package!r} package is not installed: {install_hint}") from None


class TextBlobScorer(Scorer):
    """TextBlob's pattern lexicon (English only); called directly, skipping TextBlob's wrapper."""

    def __init__(self) -> None:
        self.name = f"textblob-{package_version('textblob', 'run scripts/setup.sh')}"
        from textblob.en import sentiment

        self._sentiment = sentiment

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [float(self._sentiment(text[:MAX_SCORED_CHARS])[0]) for text in texts]


class VaderScorer(Scorer):
    """VADER's rule-based lexicon for English social text; the compound score is already −1..1."""

    def __init__(self) -> None:
        self.name = f"vader-{package_version('vaderSentiment', 'run scripts/setup.sh')}"
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer()

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [float(self._analyzer.polarity_scores(text[:MAX_SCORED_CHARS])["compound"])
                for text in texts]
