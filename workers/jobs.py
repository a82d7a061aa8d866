"""Job functions RQ workers run. Each takes plain values; the processor is built once per process."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from earful.errors import IndexUnavailable
from earful.models import RawMention
from earful.settings import Settings
from workers.pipeline import Processor
from workers.rq_queue import PROCESS_BATCH, decode_batch

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_processor: Processor | None = None


def process_batch(payload: str) -> dict[str, Any]:
    """Normalize, score, dedupe and index one batch (a JSON array of RawMentions).

    Re-running a batch is safe (upserts by id), so RQ may retry it after any failure. An index
    that cannot be reached is not a failure of the batch: the worker waits for it (checking with
    growing pauses) and, if the outage outlasts half the job timeout, puts the batch back at the
    front of its queue and waits again with the next job, until the index is back.
    """
    batch = decode_batch(payload)
    try:
        stats = processor().process(batch)
    except IndexUnavailable as exc:
        if getattr(exc, "permanent", False):
            raise
        return _wait_out_outage(payload, batch, exc)
    logger.info("batch of %d: %s", len(batch), stats.summary())
    return stats.as_dict()


def _wait_out_outage(payload: str, batch: list[RawMention], first: IndexUnavailable) -> dict[str, Any]:
    settings = Settings()
    logger.warning("index unavailable (%s); waiting for it before processing %d mentions", first, len(batch))
    ends = time.monotonic() + max(5.0, settings.job_timeout / 2)
    pause = 1.0
    while time.monotonic() + pause < ends:
        time.sleep(pause)
        pause = min(pause * 2, 30.0)
        try:
            stats = processor().process(batch)
        except IndexUnavailable as exc:
            if getattr(exc, "permanent", False):
                raise
            continue
        logger.info("index back; batch of %d: %s", len(batch), stats.summary())
        return stats.as_dict()
    requeue_current(payload, settings)
    return {"deferred": len(batch), "reason": f"index unavailable: {first}"}


def requeue_current(payload: str, settings: Settings) -> None:
    """Put this job's batch back at the front of its queue, as a new job (the outage is not its fault)."""
    from rq import Queue, get_current_job

    from workers.rq_queue import retry_policy

    job = get_current_job()
    if job is None:  # run outside a worker (tests, by hand): the caller sees the outage instead
        raise IndexUnavailable("the index is still unavailable; the batch was not processed")
    Queue(job.origin, connection=job.connection).enqueue(
        PROCESS_BATCH, payload, at_front=True, retry=retry_policy(settings), job_timeout=settings.job_timeout,
        description=job.description, result_ttl=24 * 3600)
    logger.warning("index still unavailable: batch put back at the front of %s; waiting with the next job",
                   job.origin)


def processor() -> Processor:
    """This process's processor, built on first use from the environment's settings."""
    global _processor
    with _lock:
        if _processor is None:
            _processor = build_from_settings(Settings())
        return _processor


def build_from_settings(settings: Settings) -> Processor:
    from search.factory import open_index
    from workers.runtime import build_processor, writer_lock_held

    try:
        index = open_index(settings, writable=True)
    except IndexUnavailable as exc:
        if not settings.es_url and writer_lock_held(settings):
            locked = IndexUnavailable(embedded_lock_message(settings))
            locked.permanent = True  # type: ignore[attr-defined]  # a second writer, not an outage to wait out
            raise locked from exc
        raise
    from earful.state import open_state

    return build_processor(settings, settings.app_config, index, open_state(settings))


def embedded_lock_message(settings: Settings) -> str:
    return (f"the embedded index at {settings.index_dir} is already open for writing by another process "
            "(another `earful worker`, or `earful run` / `earful collect` without EARFUL_REDIS_URL). "
            "Only one process can write the embedded index: run a single `earful worker`, or set "
            "EARFUL_ES_URL so any number of workers share Elasticsearch")


def close_processor() -> None:
    """Close this process's index writer; the next job builds a fresh processor from the settings."""
    global _processor
    with _lock:
        if _processor is not None:
            _processor.index.close()
        _processor = None
