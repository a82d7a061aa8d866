"""Wiring: builds the index, state, queue and processor that settings ask for.

Embedded (default): SQLite state, batches processed inline into the index this process writes.
Distributed (EARFUL_REDIS_URL): Redis state, batches queued for ``earful worker``; this process
never opens the index writer, and opens the index read-only only if something reads it (the API).
"""

from __future__ import annotations

import fcntl
from pathlib import Path

from earful.config import AppConfig
from earful.rules import BrandMatcher
from earful.settings import Settings
from earful.state import StateStore, open_state
from search.base import IndexBackend
from search.factory import open_index
from workers.alerts.evaluator import Evaluator
from workers.brand_sentiment import BrandTargets
from workers.delivery.notify import Notifier
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.queue import InlineQueue, MentionQueue
from workers.sentiment import default_router
from workers.spool import Spool


class Runtime:
    """What a collecting process holds. ``index`` opens on first use when not given; ``evaluator``
    evaluates alert rules after each batch this process indexes (None when batches go to workers)."""

    def __init__(self, settings: Settings, config: AppConfig, index: IndexBackend | None,
                 state: StateStore, queue: MentionQueue, spool: Spool, *, index_writable: bool = False,
                 evaluator: Evaluator | None = None) -> None:
        self.settings = settings
        self.config = config
        self.state = state
        self.queue = queue
        self.spool = spool
        self.evaluator = evaluator
        self._index = index
        self._index_writable = index_writable

    @property
    def index(self) -> IndexBackend:
        if self._index is None:
            self._index = open_index(self.settings, writable=self._index_writable)
        return self._index

    @property
    def index_opened(self) -> bool:
        return self._index is not None

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        self.state.close()


def build_processor(settings: Settings, config: AppConfig, index: IndexBackend,
                    state: StateStore | None = None) -> Processor:
    """The processing stages; with ``state``, alert rules are evaluated after every batch it indexes."""
    from workers.refine import open_refine_queue

    router = default_router(settings=settings)
    processor = Processor(BrandMatcher(config.brands), FastTextDetector(), router, index,
                          refine_queue=open_refine_queue(settings, router), targets=BrandTargets(config.brands))
    if state is not None:  # an incident's top mentions are read by the intake's own accurate scorer as it opens
        processor.listeners.append(Evaluator(index, state, config, notify=Notifier(settings, config, state),
                                             sharpen=processor.brand_sentiment.sharpen))
    return processor


def evaluator_of(processor: Processor) -> Evaluator | None:
    return next((x for x in processor.listeners if isinstance(x, Evaluator)), None)


def open_runtime(settings: Settings, config: AppConfig | None = None) -> Runtime:
    """Everything a collecting process needs; the config (default: EARFUL_CONFIG) is validated first."""
    config = config if config is not None else settings.app_config
    settings.ensure_data_dir()
    spool = Spool(settings.data_dir / "spool")
    if settings.redis_url:
        from workers.rq_queue import RQQueue

        return Runtime(settings, config, None, open_state(settings), RQQueue(settings), spool)
    index = open_index(settings, writable=True)
    state = open_state(settings)
    processor = build_processor(settings, config, index, state)
    return Runtime(settings, config, index, state, InlineQueue(processor), spool, evaluator=evaluator_of(processor))


def writer_lock_held(settings: Settings) -> bool:
    """Whether another process holds the embedded index's writer lock (tantivy flocks this file)."""
    lock = Path(settings.index_dir) / ".tantivy-writer.lock"
    if not lock.is_file():
        return False
    with lock.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False
