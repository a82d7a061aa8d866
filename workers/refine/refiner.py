"""Background refinement: the accurate (slow) scorer replaces provisional sentiment in the index.

Intake indexes each mention with a fast provisional score (or none) and queues its id here;
the ``Refiner`` takes batches, scores them with the accurate scorer (the embedding engine spreads
each batch over all cores and releases the GIL), and writes the new ``Sentiment`` back. A mention
that changed meanwhile (re-collected, edited) is left alone: its newer version was queued again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from earful.errors import IndexUnavailable
from earful.models import Mention
from search.base import IndexBackend, SearchFilters, SearchRequest
from workers.brand_sentiment import BrandSentimentScorer, BrandTargets, Scored, is_current
from workers.refine.queue import RefineQueue
from workers.sentiment import SentimentRouter, is_pending
from workers.writes import WRITE_LOCK

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def is_outdated(mention: Mention, router: SentimentRouter) -> bool:
    """Scored (or left unscored), overall or toward one of its brands, by something other than the
    scorer now configured for its language, or without a score toward each brand (stored before
    per-brand scores): after a change of scorers or a new scorer version, its sentiment is stale."""
    return not is_current(mention, router)


def needs_scoring(mention: Mention, router: SentimentRouter) -> bool:
    """Pending, or scored by another scorer than today's: what the refiner scores."""
    return is_pending(mention.sentiment) or is_outdated(mention, router)


def queue_outdated(index: IndexBackend, router: SentimentRouter, queue: RefineQueue,
                   filters: SearchFilters | None = None, progress: Progress | None = None,
                   *, page_size: int = 500) -> tuple[int, int]:
    """Queues every stored mention (matching ``filters``) whose sentiment is stale or pending;
    returns (mentions examined, mentions queued). The refiner then rescores them."""
    filters = filters or SearchFilters()
    filters.include_duplicates = True  # copies carry their own sentiment
    examined = queued = 0
    cursor: str | None = None
    last = time.monotonic()
    while True:
        result = index.search(SearchRequest(filters=filters, sort="oldest", limit=page_size, cursor=cursor,
                                            highlight=False))
        stale = [hit.mention.id for hit in result.hits if needs_scoring(hit.mention, router)]
        if stale:
            queue.add(stale)
        examined += len(result.hits)
        queued += len(stale)
        if progress and time.monotonic() - last >= 5.0:
            last = time.monotonic()
            progress(f"  examined {examined}/{result.total}, {queued} to rescore")
        cursor = result.next_cursor
        if not cursor or not result.hits:
            return examined, queued


@dataclass
class RefineStats:
    taken: int = 0
    refined: int = 0  # written back with the accurate score
    skipped: int = 0  # gone, already final, or changed meanwhile (its newer version is queued)
    failed: int = 0  # the scorer could not run; given back to the queue


class Refiner:
    """Takes queued ids in batches, scores them with the accurate scorer, writes them back."""

    def __init__(self, queue: RefineQueue, index: IndexBackend, router: SentimentRouter, *,
                 batch_size: int = 64, targets: BrandTargets | None = None) -> None:
        """``targets``: the words that find each brand in a text, to read an article around them."""
        self.queue = queue
        self.index = index
        self.router = router
        self.scorer = BrandSentimentScorer(router, targets)
        self.batch_size = batch_size

    def refine_batch(self) -> RefineStats:
        """One batch; an empty RefineStats when nothing is waiting."""
        ids = self.queue.take(self.batch_size)
        stats = RefineStats(taken=len(ids))
        if not ids:
            return stats
        try:
            todo = [m for m in self.index.get(ids) if needs_scoring(m, self.router)]
            scored = self.scorer.final(todo)
        except Exception:
            self.queue.release(ids)
            raise
        final, failed = {}, []
        for mention, result in zip(todo, scored, strict=True):
            # No final score although a scorer is configured: it failed (logged by the router).
            if not result.complete and self.router.scorer_for(mention.lang):
                failed.append(mention.id)
            else:
                final[mention.id] = result
        stats.failed = len(failed)
        stats.refined = self._write_back([m for m in todo if m.id in final], final)
        stats.skipped = len(ids) - stats.refined - stats.failed
        self.queue.release(failed)
        self.queue.done([i for i in ids if i not in set(failed)])
        return stats

    def _write_back(self, mentions: list[Mention], scored: dict[str, Scored]) -> int:
        """Upsert the refined copies, skipping any mention whose stored version changed meanwhile."""
        with WRITE_LOCK:
            current = {m.id: m for m in self.index.get([m.id for m in mentions])}
            fresh = []
            for mention in mentions:
                now = current.get(mention.id)
                if now is None or now.model_dump() != mention.model_dump():
                    continue  # deleted or newer: a newer pending version is queued again
                fresh.append(scored[mention.id].apply(mention))
            return self.index.upsert(fresh) if fresh else 0

    def run_once(self, progress: Progress | None = None, *, every: float = 5.0) -> RefineStats:
        """Refine until the queue is empty (or only failing batches remain), with progress."""
        total = RefineStats()
        started = last = time.monotonic()
        self.queue.recover()
        waiting = self.queue.pending()
        if waiting and progress:
            progress(f"refining sentiment of {waiting} mentions with the accurate scorer …")
        while True:
            stats = self.refine_batch()
            for name in ("taken", "refined", "skipped", "failed"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            if not stats.taken or stats.failed == stats.taken:
                break
            if progress and time.monotonic() - last >= every:
                last = time.monotonic()
                rate = total.taken / (last - started)
                progress(f"  refined {total.refined}/{waiting} ({rate:.0f}/s)")
        if progress and total.taken:
            progress(f"refined {total.refined} mentions in {time.monotonic() - started:.1f}s "
                     f"(skipped {total.skipped}, failed {total.failed}); {self.queue.pending()} still queued")
        return total

    def run_forever(self, stop: threading.Event, *, idle: float = 5.0) -> None:
        """Until ``stop`` is set: refine whatever is queued, then wait ``idle`` seconds."""
        self.queue.recover()
        while not stop.is_set():
            try:
                stats = self.refine_batch()
            except IndexUnavailable as exc:
                logger.warning("refiner: index unavailable (%s); retrying in %.0fs", exc, idle)
                stats = RefineStats()
            except Exception:  # the refiner must outlive any one bad batch
                logger.exception("refiner: batch failed; retrying in %.0fs", idle)
                stats = RefineStats()
            if not stats.taken or stats.failed:
                stop.wait(idle if not stats.failed else idle * 12)
