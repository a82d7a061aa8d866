"""The schedule: collect each source when its interval is up (the ``scheduler`` service).

Sources run independently on a pool of ``EARFUL_FETCH_WORKERS`` threads: a slow source holds one
thread for at most its fetch deadline and never holds back the others, and a stop abandons
fetches under way at once (their sources are collected again at the next start).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from earful.config import SourceConfig
from earful.models import utcnow
from workers.collect import Progress, collect_source, retry_spooled
from workers.health import next_run_at
from workers.runtime import Runtime
from workers.services import Service
from workers.stats import RunStats

logger = logging.getLogger(__name__)
SPOOL_RETRY_EVERY = 30.0  # seconds between retries of spooled batches while the index stays down


def due_sources(runtime: Runtime, now: datetime) -> list[SourceConfig]:
    due = []
    for source in runtime.config.sources:
        when = next_run_at(runtime.state, source.name)
        if source.enabled and (when is None or when <= now):
            due.append(source)
    return due


def collect_all(runtime: Runtime, sources: Sequence[SourceConfig], progress: Progress | None = None,
                stop: threading.Event | None = None) -> RunStats:
    """Collect the given sources in parallel (fetching overlaps; processing is serialised)."""
    total = retry_spooled(runtime.queue, runtime.spool, runtime.state)
    if not sources:
        return total
    done = 0
    lock = threading.Lock()

    def one(source: SourceConfig) -> RunStats:
        nonlocal done
        if stop is not None and stop.is_set():
            return RunStats()
        stats = collect_source(source, settings=runtime.settings, state=runtime.state, config=runtime.config,
                               queue=runtime.queue, spool=runtime.spool, stop=stop)
        with lock:
            done += 1
            if progress:
                progress(f"[{done}/{len(sources)}] {source.name}: {stats.summary()}")
        return stats

    workers = max(1, min(runtime.settings.fetch_workers, len(sources)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="collect") as pool:
        for stats in pool.map(one, sources):
            total.add(stats)
    return total


class Schedule:
    """Starts each due source on the pool unless it is still running; no run waits for another."""

    def __init__(self, runtime: Runtime, stop: threading.Event, progress: Progress | None = None,
                 on_run: Callable[[str, RunStats], None] | None = None) -> None:
        self.runtime = runtime
        self.stop = stop
        self.progress = progress
        self.on_run = on_run
        self.running: dict[str, Future[RunStats]] = {}
        self._spool_retry_at = 0.0

    def tick(self, pool: ThreadPoolExecutor) -> None:
        self._reap()
        self._retry_spool()
        for source in due_sources(self.runtime, datetime.now(timezone.utc)):
            if source.name not in self.running and not self.stop.is_set():
                self.running[source.name] = pool.submit(self._collect, source)

    def _collect(self, source: SourceConfig) -> RunStats:
        runtime = self.runtime
        return collect_source(source, settings=runtime.settings, state=runtime.state, config=runtime.config,
                              queue=runtime.queue, spool=runtime.spool, progress=self.progress, stop=self.stop)

    def _reap(self) -> None:
        for name, future in list(self.running.items()):
            if not future.done():
                continue
            del self.running[name]
            try:
                stats = future.result()
            except Exception:  # the schedule must outlive any one bad run
                logger.exception("collecting %s failed; it is tried again when due", name)
                continue
            if self.on_run is not None:
                self.on_run(name, stats)

    def _retry_spool(self) -> None:
        if not len(self.runtime.spool) or time.monotonic() < self._spool_retry_at:
            return
        stats = retry_spooled(self.runtime.queue, self.runtime.spool, self.runtime.state)
        if stats.errors:
            self._spool_retry_at = time.monotonic() + SPOOL_RETRY_EVERY


def run_forever(runtime: Runtime, stop: threading.Event, *, tick: float = 5.0,
                progress: Progress | None = None, on_run: Callable[[str, RunStats], None] | None = None) -> None:
    """Until ``stop`` is set: every ``tick`` seconds, start whatever is due and not running."""
    schedule = Schedule(runtime, stop, progress, on_run)
    workers = max(1, runtime.settings.fetch_workers)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="collect")
    try:
        while not stop.is_set():
            try:
                schedule.tick(pool)
            except Exception:  # the schedule must outlive any one bad tick (state store away, …)
                logger.exception("scheduled collection failed; trying again at the next tick")
            stop.wait(tick)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # fetches under way see ``stop`` and end at once


class SchedulerService(Service):
    """Collects every source of the runtime's config when its interval is up."""

    name = "scheduler"

    def __init__(self, runtime: Runtime, *, tick: float = 5.0, progress: Progress | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        self.tick = tick
        self.progress = progress
        self.runs = 0
        self.last_run: dict[str, Any] = {}

    def run(self, stop: threading.Event) -> None:
        run_forever(self.runtime, stop, tick=self.tick, progress=self.progress, on_run=self._ran)

    def _ran(self, source: str, stats: RunStats) -> None:
        self.runs += 1
        self.last_run = {"at": utcnow().isoformat(), "source": source, "summary": stats.summary()}

    def details(self) -> dict[str, Any]:
        enabled = sum(1 for s in self.runtime.config.sources if s.enabled)
        return {"sources": enabled, "tick_s": self.tick, "runs": self.runs, "last_run": self.last_run or None}
