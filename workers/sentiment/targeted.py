"""Sentiment toward a target: which passages the model reads for it, and what it reads of each.

For each target of a text, :func:`plan` decides between

* **targeted**: the sentences around the target's occurrences (:mod:`passages`), each read by the
  target head (trained on sentences labelled for their sentiment toward one entity), their
  probabilities averaged; for articles (news, blog posts), and for any text too long to read whole;
* **whole**: the text's lead within the whole-text budget, read by the text's own heads, as short
  posts, reviews and comments always were; also when the target does not occur in the text.

Every mention costs at most MENTION_TOKENS tokens of the model's reading (TARGET_TOKENS toward any
one target), however long the text and however many targets it has (up to MAX_TARGETS; the rest share the whole-text score).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import numpy as np

from workers.sentiment import passages
from workers.sentiment.head import Head, own_head_path
from workers.sentiment.passages import Passage, Span, TokenCount
from workers.sentiment.scorers import ScorerUnavailable, TargetRequest, TargetScore
from workers.sentiment.targets import Target


class Reader(Protocol):
    """What scoring toward targets needs of the e5 scorer."""

    target: TargetHead

    def count_tokens(self, text: str) -> int: ...
    def lead(self, text: str) -> Passage: ...
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...
    def score_read(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> list[float]: ...

PASSAGE_TOKENS = 64  # the most one passage may be: a sentence, or the words around the target in it
MENTION_TOKENS = 96  # the most one mention's targeted passages (and their windows) may be, all targets together
TARGET_TOKENS = 64  # the most one target's may be (a mention with one brand reads no more)
WHOLE_TOKENS = 128  # the most of a text read whole (tweets, reviews, comments fit: 99 % of them)
MAX_TARGETS = 6  # targets read for their own passages; beyond, a target gets the whole-text score
WINDOW_WORDS = 5  # the target's window: this many words on either side of it
MIN_CUT_TOKENS = 16  # a further passage cut shorter than this to fit the budget is left out


@dataclass(frozen=True)
class TargetPlan:
    """What the model reads for one target: passages (targeted) or nothing (the whole-text score)."""

    key: str
    passages: tuple[Passage, ...]
    occurrences: tuple[tuple[Span, ...], ...]  # per passage, the target's spans inside it (offsets in it)

    @property
    def targeted(self) -> bool:
        return bool(self.passages)


def inside(spans: Sequence[Span], passage: Passage) -> tuple[Span, ...]:
    """The spans within ``passage``, as offsets into its text."""
    return tuple((s - passage.start, e - passage.start) for s, e in spans if passage.start <= s and e <= passage.end)


def plan(text: str, targets: Sequence[Target], count: TokenCount, *, article: bool,
         lead: Callable[[], Passage], extra: Callable[[Passage, Sequence[Span]], int] | None = None
         ) -> list[TargetPlan]:
    """One plan per target, in order; ``lead`` gives the text's whole-text passage; ``extra``: what
    reading a passage costs besides its own tokens (its other views), given the target's spans in it."""
    read_whole = not article and lead().text == text.strip()  # a short post, review or comment
    found = [(target, target.find(text)) for target in targets]
    reading = [t.key for t, spans in found if spans and not read_whole][:MAX_TARGETS]
    share = min(TARGET_TOKENS, MENTION_TOKENS // max(1, len(reading)))
    plans = []
    for target, spans in found:
        if target.key not in reading:
            plans.append(TargetPlan(target.key, (), ()))
            continue
        cost = (lambda p, spans=spans: extra(p, inside(spans, p))) if extra else None  # type: ignore[misc]
        chosen = passages.around(text, spans, count, budget=share, passage_tokens=min(PASSAGE_TOKENS, share),
                                 extra=cost, min_tokens=MIN_CUT_TOKENS)
        plans.append(TargetPlan(target.key, tuple(chosen), tuple(inside(spans, p) for p in chosen)))
    return plans


_WORD = re.compile(r"\S+")


def window(text: str, spans: Sequence[Span], words: int = WINDOW_WORDS) -> str:
    """The target's first occurrence in ``text`` with ``words`` words on either side."""
    if not spans:
        return text
    start, end = spans[0]
    found = [m.span() for m in _WORD.finditer(text)]
    first = next((i for i, (_, e) in enumerate(found) if e > start), 0)
    last = max(first, next((i for i, (s, _) in enumerate(found) if s >= end), len(found)) - 1)
    a, b = max(0, first - words), min(len(found) - 1, last + words)
    return text[found[a][0]:found[b][1]]


VIEWS = {"passage": lambda text, spans: text, "window": window}


class TargetHead:
    """Earful's head for sentiment toward a target (``heads/target-e5-small.json``): a logistic
    regression over the embeddings of the passage's views (``features``), and its neutral band."""

    def __init__(self, spec: dict[str, Any], embedder: str) -> None:
        self.features = list(spec.get("features") or ["passage"])
        unknown = [name for name in self.features if name not in VIEWS]
        if unknown:
            raise ScorerUnavailable(f"the target head reads unknown views {unknown}: reinstall Earful")
        self.head = Head(spec)
        self.band = float(spec.get("band", 0.3))
        self.name = f"{embedder}+target-{spec.get('version', '0')}"

    @classmethod
    def load(cls, embedder: str) -> TargetHead:
        return cls(json.loads(own_head_path("target").read_text(encoding="utf-8")), embedder)

    def views(self, passage: Passage, spans: Sequence[Span]) -> list[str]:
        return [VIEWS[name](passage.text, spans) for name in self.features]

    def probs(self, embeddings: np.ndarray) -> np.ndarray:
        """(n, 3) from (n × views, dim) embeddings, each passage's views in a row."""
        return self.head.probs(embeddings.reshape(-1, embeddings.shape[1] * len(self.features)))



def score_targets(scorer: Reader, requests: Sequence[TargetRequest]) -> list[list[TargetScore]]:
    """Plans every request, embeds all passages at once, averages each target's passages."""
    leads: dict[int, Passage] = {}

    def lead_of(i: int) -> Passage:
        if i not in leads:
            leads[i] = scorer.lead(requests[i].text)
        return leads[i]

    head = scorer.target

    def extra(passage: Passage, spans: Sequence[Span]) -> int:
        """What a passage's other views add to the reading (a view that is the passage itself is free)."""
        views = head.views(passage, spans)
        return sum(scorer.count_tokens(view) for view in set(views) - {passage.text})

    plans = [plan(r.text, r.targets, scorer.count_tokens, article=r.article, lead=partial(lead_of, i),
                  extra=extra) for i, r in enumerate(requests)]
    views = [view for ps in plans for p in ps for passage, spans in zip(p.passages, p.occurrences)
             for view in head.views(passage, spans)]
    probs = head.probs(scorer.embed(views)) if views else np.zeros((0, 3))
    whole_needed = [i for i, ps in enumerate(plans) if any(not p.targeted for p in ps)]
    whole = dict(zip(whole_needed, scorer.score_read([lead_of(i).text for i in whole_needed])))
    out, row = [], 0
    for i, ps in enumerate(plans):
        scores = []
        for p in ps:
            if not p.targeted:
                scores.append(TargetScore(p.key, whole[i], (lead_of(i),), False))
                continue
            mean = probs[row:row + len(p.passages)].mean(axis=0)
            row += len(p.passages)
            scores.append(TargetScore(p.key, float(mean[2] - mean[0]), p.passages, True))
        out.append(scores)
    return out
