"""The scorer interface and the English lexicon scorers (TextBlob, VADER)."""

from __future__ import annotations

import importlib.metadata
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from earful.errors import EarfulError
from workers.sentiment.passages import Passage
from workers.sentiment.targets import Target

MAX_SCORED_CHARS = 5_000  # what the lexicon scorers read of a text


@dataclass(frozen=True)
class TargetScore:
    """A text's sentiment toward one target, and what was read for it. ``targeted`` False: the
    whole-text score (the target does not occur, or the text is a short post read whole)."""

    key: str
    score: float
    passages: tuple[Passage, ...]
    targeted: bool


@dataclass(frozen=True)
class TargetRequest:
    """A text and its targets; ``article``: news or a blog post (read for each target even when short)."""

    text: str
    targets: Sequence[Target]
    article: bool = False


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
    # A scorer that reads passages for targets names that reading, and its own neutral band.
    target_name: str | None = None
    target_band: float | None = None

    @abstractmethod
    def score_many(self, texts: Sequence[str]) -> list[float]:
        """One score per text, in order."""

    def score_targets(self, requests: Sequence[TargetRequest]) -> list[list[TargetScore]]:
        """Per text, one score per target. Here: the whole-text score for every target (the lexicons
        read too little context to tell one entity's sentiment from another's)."""
        scores = self.score_many([request.text for request in requests])
        out = []
        for request, score in zip(requests, scores, strict=True):
            read = Passage(request.text[:MAX_SCORED_CHARS], 0, min(len(request.text), MAX_SCORED_CHARS))
            out.append([TargetScore(target.key, score, (read,), False) for target in request.targets])
        return out


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
