"""Which refine queue and refiner the settings ask for (or none, when nothing is deferred)."""

from __future__ import annotations

from collections.abc import Callable

from earful.settings import Settings
from search.base import IndexBackend
from workers.refine.queue import RefineQueue, SQLiteRefineQueue, refine_queue_path
from workers.refine.refiner import Refiner
from workers.sentiment import SentimentRouter, router_from_settings


def refines(settings: Settings, router: SentimentRouter) -> bool:
    """Whether slow scorers are deferred to the refiner.

    Embedded: the queue is a SQLite file in the data directory and ``earful run`` (or ``earful
    refine``) refines. With EARFUL_REDIS_URL the queue lives in Redis and every ``earful worker``
    refines in a background thread, so intake (rules, dedupe, indexing) never waits on e5.
    """
    return settings.sentiment_refine and router.has_slow_scorers


def _queue(settings: Settings) -> RefineQueue:
    if settings.redis_url:
        from workers.refine.redis_queue import RedisRefineQueue

        return RedisRefineQueue.from_url(settings.redis_url)
    return SQLiteRefineQueue(refine_queue_path(settings))


def open_refine_queue(settings: Settings, router: SentimentRouter) -> RefineQueue | None:
    """Redis with EARFUL_REDIS_URL, else SQLite; None when nothing is deferred."""
    return _queue(settings) if refines(settings, router) else None


def open_refiner(settings: Settings, index: IndexBackend | Callable[[], IndexBackend]) -> Refiner | None:
    """The refiner settings ask for, or None when nothing is deferred to it (here).

    ``index`` may be a callable, so that nothing is opened when there is nothing to refine. With
    EARFUL_REDIS_URL, processes that only enqueue (``earful run``/``collect`` pass their runtime's
    lazy, read-only index as a callable) get None: the workers, which write the index, refine.
    """
    router = router_from_settings(settings)
    if not refines(settings, router) or (settings.redis_url and callable(index)):
        return None
    backend = index() if callable(index) else index
    if not getattr(backend, "writable", True):
        return None
    return Refiner(_queue(settings), backend, router, batch_size=settings.refine_batch_size)
