"""The ``rq-worker`` service: processes queued batches from Redis with RQ (distributed mode)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Sequence
from typing import Any

import redis
from rq import Queue, SimpleWorker

from earful.errors import IndexUnavailable
from earful.settings import Settings
from workers.jobs import close_processor, processor
from workers.refine import Refiner, open_refiner, refines
from workers.rq_queue import display_url
from workers.sentiment import router_from_settings
from workers.services import Service

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]


def worker_refiner(settings: Settings, progress: Progress) -> Refiner | None:
    """A refiner on this worker's own index (the processor's: one writer per process), or None."""
    if not refines(settings, router_from_settings(settings)):
        return None
    try:
        index = processor().index
    except IndexUnavailable as exc:
        progress(f"warning: not refining sentiment in this worker: {exc}")
        return None
    return open_refiner(settings, index)


class RQWorkerService(Service):
    """RQ's SimpleWorker: jobs run in this process, so the processor (models, index writer) is built
    once and reused; a forking worker would rebuild it for every job. RQ stops on SIGTERM/SIGINT,
    so it runs in the main thread. A burst worker refines what its jobs queued before it ends."""

    name = "rq-worker"
    main_thread = True

    def __init__(self, settings: Settings, connection: redis.Redis, queues: Sequence[str], *, burst: bool = False,
                 verbose: bool = False, progress: Progress = logger.info) -> None:
        super().__init__()
        self.settings = settings
        self.queue_names = list(queues)
        self.burst = burst
        self.verbose = verbose
        self.progress = progress
        # Named host.pid so a container's health check can find its own worker in `earful queue status`.
        self.worker = SimpleWorker([Queue(name, connection=connection) for name in self.queue_names],
                                   connection=connection, name=f"{socket.gethostname()}.{os.getpid()}")
        self.worked = False
        self._working = False

    def run(self, stop: threading.Event) -> None:
        settings = self.settings
        target = f"Elasticsearch {settings.es_url}" if settings.es_url else f"embedded index {settings.index_dir}"
        self.progress(f"worker {self.worker.name}: queues {', '.join(self.queue_names)} on "
                      f"{display_url(settings.redis_url or '')} → {target}"
                      f"{' (burst: exits when the queues are empty)' if self.burst else ''}")
        self._working = True
        try:
            self.worked = self.worker.work(burst=self.burst, with_scheduler=False,  # rq-upkeep schedules
                                           logging_level="DEBUG" if self.verbose else "INFO")
        finally:
            self._working = False
        if self.burst and not stop.is_set():
            refiner = worker_refiner(self.settings, self.progress)
            if refiner is not None:
                refiner.run_once(self.progress)
                refiner.queue.close()

    def interrupt(self) -> None:
        """RQ waits for jobs in a blocking read that only a signal to the main thread ends (warm stop)."""
        main = threading.main_thread()
        if self._working and main.ident is not None and threading.current_thread() is not main:
            signal.pthread_kill(main.ident, signal.SIGTERM)

    def close(self) -> None:
        close_processor()

    def details(self) -> dict[str, Any]:
        return {"worker": self.worker.name, "queues": self.queue_names, "burst": self.burst,
                "processed_jobs": self.worked}
