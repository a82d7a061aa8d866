"""process_batch's stages: normalize → match brands → language → sentiment → dedupe → index."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from earful.errors import EarfulError
from earful.models import Mention, RawMention
from earful.rules import BrandMatcher
from search.base import IndexBackend
from workers.language import LanguageDetector, choose_language
from workers.normalize import content_hash, normalize
from workers.sentiment import SentimentRouter, is_pending, scoring_input
from workers.stats import RunStats
from workers.writes import WRITE_LOCK

if TYPE_CHECKING:
    from workers.refine.queue import RefineQueue

logger = logging.getLogger(__name__)


class BatchListener(Protocol):
    """Told of the mentions each batch added to the index, once indexed (the alert evaluator); a
    mention stored again (a feed re-delivering its older items) is not news."""

    def after_batch(self, mentions: Sequence[Mention]) -> object: ...


class Processor:
    """Turns collected RawMentions into stored Mentions. Safe to re-run on the same input."""

    def __init__(self, matcher: BrandMatcher, detector: LanguageDetector,
                 sentiment: SentimentRouter, index: IndexBackend,
                 refine_queue: RefineQueue | None = None, listeners: Sequence[BatchListener] = ()) -> None:
        """With a ``refine_queue``, slow scorers are left to the background refiner; ``listeners`` are
        told of each indexed batch."""
        self.matcher = matcher
        self.detector = detector
        self.sentiment = sentiment
        self.index = index
        self.refine_queue = refine_queue
        self.listeners = list(listeners)

    def process(self, raws: Sequence[RawMention], known: Sequence[Mention] = ()) -> RunStats:
        """``known``: the same mentions as stored elsewhere (an export being imported); their
        sentiment is kept, as a stored one is, when text, rating, language and scorer agree."""
        stats = RunStats(collected=len(raws))
        mentions, stored = self._enrich(raws, stats, known)
        with WRITE_LOCK:
            mentions = self._dedupe(mentions, stats)
            pending = [m.id for m in mentions if is_pending(m.sentiment)]
            if pending and self.refine_queue is not None:
                # Recorded before the write: a crash after it cannot leave a mention pending for ever.
                self.refine_queue.hold(pending)
            if mentions:
                # IndexUnavailable propagates: the caller keeps the batch and retries it.
                stats.indexed = self.index.upsert(mentions)
        self._queue_refinement(pending)
        self._tell([m for m in mentions if m.id not in stored])
        return stats

    def _tell(self, mentions: Sequence[Mention]) -> None:
        for listener in self.listeners if mentions else ():
            try:
                listener.after_batch(mentions)
            except Exception:  # stored is stored: a listener's trouble is logged, the batch is done
                logger.exception("after indexing %d mentions, %s failed", len(mentions), type(listener).__name__)

    def _queue_refinement(self, pending: list[str]) -> None:
        if not pending or self.refine_queue is None:
            return
        try:
            self.refine_queue.add(pending)
        except Exception:  # held: the refiner takes them once the hold runs out
            logger.exception("could not queue %d mentions for sentiment refinement; they are refined "
                             "when their hold runs out", len(pending))

    def _enrich(self, raws: Sequence[RawMention], stats: RunStats,
                known: Sequence[Mention] = ()) -> tuple[list[Mention], set[str]]:
        """The prepared and scored mentions, and the ids among them the index held already."""
        kept: list[Mention] = []
        for raw in raws:
            try:
                mention = self._prepare(raw, stats)
            except (EarfulError, ValueError) as exc:
                logger.warning("skipped mention %s from %s: %s", raw.id, raw.source_name, exc)
                stats.errors["processing"] += 1
                continue
            if mention is not None:
                kept.append(mention)
        return kept, self._score(kept, known)

    def _score(self, mentions: list[Mention], known: Sequence[Mention] = ()) -> set[str]:
        """Score, keeping a stored final score when text, rating and scorer are unchanged; returns the ids
        the index held already."""
        indexed = {m.id: m for m in self.index.get([m.id for m in mentions])} if mentions else {}
        stored = {m.id: m for m in known}
        stored.update(indexed)
        todo = [m for m in mentions if not self._reuse(m, stored.get(m.id))]
        items, stars = scoring_input(todo)
        scores = self.sentiment.score(items, stars, defer_slow=self.refine_queue is not None)
        for mention, sentiment in zip(todo, scores):
            mention.sentiment = sentiment
        return set(indexed)

    def _reuse(self, mention: Mention, stored: Mention | None) -> bool:
        if stored is None or stored.sentiment.model is None or is_pending(stored.sentiment):
            return False
        if (stored.content_hash, stored.rating, stored.lang) != (mention.content_hash, mention.rating, mention.lang):
            return False
        scorer = self.sentiment.scorer_for(mention.lang)
        if scorer is None or stored.sentiment.model.split("+rating")[0] != scorer.name:
            return False
        mention.sentiment = stored.sentiment
        return True

    def _prepare(self, raw: RawMention, stats: RunStats) -> Mention | None:
        raw = normalize(raw)
        rated = raw.rating is not None and raw.rating.normalized is not None
        if not raw.title and not raw.text and not rated:  # a star rating alone is still a review
            stats.dropped["empty"] += 1
            return None
        brands = list(raw.brands) or self.matcher.match(raw)
        if not brands:
            stats.dropped["no_brand"] += 1
            return None
        detected, confidence = self.detector.detect(f"{raw.title}\n{raw.text}")
        return Mention(**raw.model_dump(exclude={"brands"}), brands=brands,
                       lang=choose_language(detected, confidence, raw.lang_hint),
                       content_hash=content_hash(raw.title, raw.text))

    def _dedupe(self, mentions: list[Mention], stats: RunStats) -> list[Mention]:
        """Same id: the last copy wins (upsert). Same text under another id: a duplicate."""
        by_id = {m.id: m for m in mentions}
        hashes = sorted({m.content_hash for m in by_id.values() if m.content_hash})
        originals = self.index.find_by_content_hash(hashes) if hashes else {}
        for mention in by_id.values():
            if not mention.content_hash:
                continue
            original = originals.setdefault(mention.content_hash, mention.id)
            if original != mention.id:
                mention.duplicate_of = original
                stats.duplicates += 1
        return list(by_id.values())
