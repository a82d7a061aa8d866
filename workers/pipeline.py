"""process_batch's stages: normalize → match brands → language → sentiment → dedupe → index."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from earful.errors import EarfulError
from earful.models import Mention, RawMention
from search.base import IndexBackend
from workers.language import LanguageDetector, choose_language
from workers.normalize import content_hash, normalize
from workers.rules import BrandMatcher
from workers.sentiment import SentimentRouter
from workers.stats import RunStats

logger = logging.getLogger(__name__)


class Processor:
    """Turns collected RawMentions into stored Mentions. Safe to re-run on the same input."""

    def __init__(self, matcher: BrandMatcher, detector: LanguageDetector,
                 sentiment: SentimentRouter, index: IndexBackend) -> None:
        self.matcher = matcher
        self.detector = detector
        self.sentiment = sentiment
        self.index = index

    def process(self, raws: Sequence[RawMention]) -> RunStats:
        stats = RunStats(collected=len(raws))
        mentions = self._enrich(raws, stats)
        mentions = self._dedupe(mentions, stats)
        if mentions:
            # IndexUnavailable propagates: the caller keeps the batch and retries it.
            stats.indexed = self.index.upsert(mentions)
        return stats

    def _enrich(self, raws: Sequence[RawMention], stats: RunStats) -> list[Mention]:
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
        scores = self.sentiment.score([(m.lang, f"{m.title}\n{m.text}") for m in kept])
        for mention, sentiment in zip(kept, scores):
            mention.sentiment = sentiment
        return kept

    def _prepare(self, raw: RawMention, stats: RunStats) -> Mention | None:
        raw = normalize(raw)
        if not raw.title and not raw.text:
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
