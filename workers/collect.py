"""One collection run of one source: fetch, hand batches to the queue, record health."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from crawlers.base import collector_for
from earful.config import AppConfig, SourceConfig
from earful.errors import EarfulError, IndexUnavailable, SourceError
from earful.models import RawMention
from earful.settings import Settings
from earful.state import StateStore
from workers.health import record_run
from workers.queue import MentionQueue
from workers.spool import Spool
from workers.stats import RunStats

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]


def deliver(queue: MentionQueue, spool: Spool, mentions: Sequence[RawMention], batch_size: int) -> RunStats:
    """Hand mentions over in batches; a batch that fails is spooled to disk, not lost."""
    stats = RunStats()
    for start in range(0, len(mentions), batch_size):
        batch = mentions[start:start + batch_size]
        try:
            stats.add(queue.enqueue(batch))
        except Exception as exc:  # whatever went wrong, the collected mentions must survive it
            path = spool.put(batch)
            logger.error("processing failed (%s: %s); %d mentions kept in %s and retried next run",
                         type(exc).__name__, exc, len(batch), path, exc_info=not isinstance(exc, EarfulError))
            stats.collected += len(batch)
            stats.errors["processing"] += 1
    return stats


def retry_spooled(queue: MentionQueue, spool: Spool) -> RunStats:
    """Process batches left over from failed runs; each is removed only once stored.

    An unreachable index stops the retry (the next run tries again). A batch the index rejects
    for what it contains is set aside under ``spool/rejected`` so it cannot block the batches behind it.
    """
    stats = RunStats()
    for path, batch in spool.pending():
        try:
            stats.add(queue.enqueue(batch))
        except Exception as exc:  # keep the file; try again next run
            stats.errors["processing"] += 1
            if isinstance(exc, IndexUnavailable) and not getattr(exc, "permanent", False):
                logger.error("spooled batch %s still cannot be processed: %s", path.name, exc)
                break
            kept = spool.set_aside(path)
            logger.error("spooled batch %s was rejected (%s: %s); kept in %s for inspection, no longer retried",
                         path.name, type(exc).__name__, exc, kept)
            continue
        path.unlink()
    return stats


def collect_source(source: SourceConfig, *, settings: Settings, state: StateStore, queue: MentionQueue,
                   spool: Spool, config: AppConfig | None = None, progress: Progress | None = None) -> RunStats:
    """Collect one source now. Errors are recorded in its health, never raised."""
    started = datetime.now(timezone.utc)
    stats, error, not_modified = RunStats(), None, False
    retry_after: float | None = None
    partial = False  # part of the source failed; what was collected is still kept
    try:
        result = collector_for(source.type, settings, config).collect(source, state)
    except SourceError as exc:
        stats.errors[exc.kind] += 1
        error, retry_after = str(exc), exc.retry_after
        logger.warning("source %s: %s", source.name, exc)
    else:
        not_modified = result.not_modified
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
            partial = True
            error = "; ".join(str(failure) for failure in result.failures)
            retry_after = max((f.retry_after for f in result.failures if f.retry_after), default=None)
        stats.add(deliver(queue, spool, result.mentions, settings.batch_size))
        stats.collected += sum(result.skipped.values())
        stats.dropped.update(result.skipped)
    record_run(state, source.name, stats, interval=source.interval, started=started,
               error=error, not_modified=not_modified, retry_after=retry_after,
               partial=partial)
    if progress:
        status = f"error: {error}" if error else ("not modified" if not_modified else stats.summary())
        progress(f"{source.name}: {status}")
    return stats
