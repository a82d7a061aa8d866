"""One collection run of one source: fetch, hand batches to the queue, then advance its cursor, record health.

The order is what makes intake crash-safe: the collector's state (ETag, cursors, seen ids) is
staged while it collects and written only once every mention is indexed, queued or spooled. A
crash at any moment before that leaves the old cursor, and the next run collects the same items
again; mentions are upserted by id, so each is stored exactly once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from crawlers.base import CollectResult, collector_for
from earful.config import AppConfig, SourceConfig
from earful.errors import EarfulError, IndexUnavailable, SourceError
from earful.models import RawMention
from earful.settings import Settings
from earful.state import StagedState, StateStore
from workers.health import credit_spooled, record_run
from workers.queue import MentionQueue
from workers.spool import Spool
from workers.stats import RunStats

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]


def deliver(queue: MentionQueue, spool: Spool, mentions: Sequence[RawMention], batch_size: int) -> RunStats:
    """Hand mentions over in batches; a batch that fails is spooled to disk, not lost."""
    stats = RunStats()
    for start in range(0, len(mentions), max(1, batch_size)):
        batch = mentions[start:start + batch_size]
        try:
            stats.add(queue.enqueue(batch))
        except Exception as exc:  # whatever went wrong, the collected mentions must survive it
            path = spool.put(batch)
            logger.error("processing failed (%s: %s); %d mentions kept in %s and retried next run",
                         type(exc).__name__, exc, len(batch), path, exc_info=not isinstance(exc, EarfulError))
            stats.collected += len(batch)
            stats.spooled += len(batch)
            stats.errors["processing"] += 1
            stats.failure = stats.failure or f"{type(exc).__name__}: {exc}"
    return stats


def retry_spooled(queue: MentionQueue, spool: Spool, state: StateStore | None = None) -> RunStats:
    """Process batches left over from failed runs; each is removed only once stored.

    An unreachable index stops the retry (the next run tries again). A batch the index rejects
    for what it contains is set aside under ``spool/rejected`` so it cannot block the batches behind it.
    With ``state``, each stored batch is credited to its source's health.
    """
    stats = RunStats()
    for path, batch in spool.pending():
        try:
            done = queue.enqueue(batch)
        except Exception as exc:  # keep the file; try again next run
            stats.errors["processing"] += 1
            stats.failure = stats.failure or f"{type(exc).__name__}: {exc}"
            if isinstance(exc, IndexUnavailable) and not getattr(exc, "permanent", False):
                logger.error("spooled batch %s still cannot be processed: %s", path.name, exc)
                break
            kept = spool.set_aside(path)
            logger.error("spooled batch %s was rejected (%s: %s); kept in %s for inspection, no longer retried",
                         path.name, type(exc).__name__, exc, kept)
            continue
        stats.add(done)
        path.unlink()
        if state is not None and batch:
            credit_spooled(state, batch[0].source_name, done, len(batch))
    return stats


def collect_source(source: SourceConfig, *, settings: Settings, state: StateStore, queue: MentionQueue,
                   spool: Spool, config: AppConfig | None = None, progress: Progress | None = None,
                   stop: threading.Event | None = None) -> RunStats:
    """Collect one source now. Errors are recorded in its health, never raised.

    ``stop``: set when the process stops; a fetch under way is abandoned and the run not recorded.
    """
    started = datetime.now(timezone.utc)
    staged = StagedState(state)
    collector = collector_for(source.type, settings, config)
    collector.stop = stop
    try:
        result = collector.collect(source, staged)
    except SourceError as exc:
        if exc.kind == "cancelled":
            logger.info("source %s: %s", source.name, exc)
            return RunStats()
        stats, outcome = RunStats(), _Outcome(error=str(exc), retry_after=exc.retry_after)
        stats.errors[exc.kind] += 1
        logger.warning("source %s: %s", source.name, exc)
    else:
        stats, outcome = _deliver_result(source, result, queue, spool, settings)
        staged.commit()  # every mention is indexed, queued or spooled: the cursor may move on
    record_run(state, source.name, stats, interval=source.interval, started=started, error=outcome.error,
               not_modified=outcome.not_modified, retry_after=outcome.retry_after, partial=outcome.partial)
    if progress:
        error = outcome.error
        progress(f"{source.name}: " + (f"error: {error}" if error else
                                       "not modified" if outcome.not_modified else stats.summary()))
    return stats


class _Outcome:
    def __init__(self, error: str | None = None, retry_after: float | None = None, not_modified: bool = False,
                 partial: bool = False) -> None:
        self.error, self.retry_after, self.not_modified, self.partial = error, retry_after, not_modified, partial


def _deliver_result(source: SourceConfig, result: CollectResult, queue: MentionQueue, spool: Spool,
                    settings: Settings) -> tuple[RunStats, _Outcome]:
    stats, outcome = RunStats(), _Outcome(not_modified=result.not_modified)
    for message in result.errors:
        logger.warning("source %s: %s", source.name, message)
    if result.counts:
        logger.info("source %s: kept with adjustments: %s", source.name,
                    ", ".join(f"{reason} {n}" for reason, n in sorted(result.counts.items())))
    if result.errors:
        stats.errors["parse"] += len(result.errors)
    for failure in result.failures:
        logger.warning("source %s: %s", source.name, failure)
        stats.errors[failure.kind] += 1
    if result.failures:
        outcome.partial = True
        outcome.error = "; ".join(str(failure) for failure in result.failures)
        outcome.retry_after = max((f.retry_after for f in result.failures if f.retry_after), default=None)
    delivered = deliver(queue, spool, result.mentions, settings.batch_size)
    stats.add(delivered)
    stats.collected += sum(result.skipped.values())
    stats.dropped.update(result.skipped)
    if delivered.spooled:
        outcome.partial = False  # the run's mentions are safe, but nothing of it reached the index
        outcome.error = (f"could not process {delivered.spooled} mentions ({delivered.failure}); they are kept "
                         "in the spool and stored by the next run")
    return stats, outcome
