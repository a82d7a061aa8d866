"""The ``rq-upkeep`` service beside an RQ worker: retries come due, and jobs of dead workers go back on the queue.

RQ would fork a scheduler process for retries; a fork of a process that holds the embedded
index's writer inherits its lock and can outlive a killed parent, so the worker never forks and
this thread does the scheduler's work instead (one holder of RQ's scheduler lock per queue).

A worker killed with SIGKILL leaves its job "started" until the job timeout runs out. Here a job
whose worker is gone is put back at the front of its queue at once: a worker on this host is
gone when its process is; one elsewhere when its service health (published in Redis every 15 s)
is more than a minute old. Jobs are idempotent (mentions are upserted by id), so a batch that was
half done is simply done again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Sequence
from typing import Any

import redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler

from earful.models import utcnow
from earful.state import StateStore
from workers.services import Service
from workers.services.heartbeat import PREFIX as HEALTH_PREFIX
from workers.services.heartbeat import STALE_AFTER

logger = logging.getLogger(__name__)


def worker_alive(name: str, state: StateStore | None) -> bool:
    """Whether the worker called ``host.pid`` still runs."""
    host, _, pid = name.rpartition(".")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    if state is None:
        return True  # nothing to judge by: leave it to the job timeout
    entry = state.get(HEALTH_PREFIX + name)
    if not entry or "updated_at" not in entry:
        return False
    from datetime import datetime

    return utcnow() - datetime.fromisoformat(entry["updated_at"]) <= STALE_AFTER


def rescue_abandoned(connection: redis.Redis, queue_names: Sequence[str], state: StateStore | None) -> int:
    """Put jobs whose worker died back at the front of their queues; returns how many."""
    rescued = 0
    for name in queue_names:
        queue = Queue(name, connection=connection)
        registry = StartedJobRegistry(name, connection=connection)
        for job_id, _ in registry.get_job_and_execution_ids():
            try:
                job = Job.fetch(job_id, connection=connection)
            except NoSuchJobError:
                continue
            if not job.worker_name:  # started by a worker that did not say who it is: leave it to RQ
                continue
            if job.get_status() != JobStatus.STARTED or worker_alive(job.worker_name, state):
                continue
            with connection.pipeline() as pipe:
                registry.remove_executions(job, pipeline=pipe)
                pipe.execute()
            queue.enqueue_job(job, at_front=True)
            logger.warning("job %s (%s) was left by worker %s, which is gone; queued again", job.id,
                           job.description, job.worker_name)
            rescued += 1
    return rescued


class RQUpkeepService(Service):
    """Every ``interval`` seconds: enqueue retries that came due, rescue jobs of dead workers."""

    name = "rq-upkeep"

    def __init__(self, connection: redis.Redis, queues: Sequence[str], *, state: StateStore | None = None,
                 interval: float = 2.0) -> None:
        super().__init__()
        self.connection = connection
        self.queue_names = list(queues)
        self.store = state
        self.interval = interval
        self.rescued = 0
        self._scheduler = RQScheduler(self.queue_names, connection=connection, interval=int(max(1, interval)))

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self._round()
            except redis.RedisError as exc:  # Redis away for a moment: the worker notices too
                logger.warning("rq-upkeep: %s; trying again", exc)
            stop.wait(self.interval)

    def _round(self) -> None:
        if self._scheduler.acquire_locks():
            self._scheduler.enqueue_scheduled_jobs()
        self.rescued += rescue_abandoned(self.connection, self.queue_names, self.store)

    def close(self) -> None:
        try:
            self._scheduler.release_locks()
        except redis.RedisError:
            pass

    def details(self) -> dict[str, Any]:
        return {"queues": self.queue_names, "scheduling_retries": bool(self._scheduler.acquired_locks),
                "rescued_jobs": self.rescued}
