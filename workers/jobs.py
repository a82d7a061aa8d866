"""Job functions RQ workers run. Each takes plain values; the processor is built once per process."""

from __future__ import annotations

import logging
import threading
from typing import Any

from earful.errors import IndexUnavailable
from earful.settings import Settings
from workers.pipeline import Processor
from workers.rq_queue import decode_batch

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_processor: Processor | None = None


def process_batch(payload: str) -> dict[str, Any]:
    """Normalize, score, dedupe and index one batch (a JSON array of RawMentions).

    Re-running a batch is safe (upserts by id), so RQ may retry it after any failure.
    """
    batch = decode_batch(payload)
    stats = processor().process(batch)
    logger.info("batch of %d: %s", len(batch), stats.summary())
    return stats.as_dict()


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
            raise IndexUnavailable(embedded_lock_message(settings)) from exc
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
