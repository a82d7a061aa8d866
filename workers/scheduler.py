"""The schedule: collect each source when its interval is up (the ``scheduler`` service)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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


def due_sources(runtime: Runtime, now: datetime) -> list[SourceConfig]:
    due = []
    for source in runtime.config.sources:
        when = next_run_at(runtime.state, source.name)
        if source.enabled and (when is None or when <= now):
            due.append(source)
    return due


def collect_all(runtime: Runtime, sources: Sequence[SourceConfig], progress: Progress | None = None) -> RunStats:
    """Collect the given sources in parallel (fetching overlaps; processing is serialised)."""
    total = retry_spooled(runtime.queue, runtime.spool)
    if not sources:
        return total
    done = 0
    lock = threading.Lock()

    def one(source: SourceConfig) -> RunStats:
        nonlocal done
        stats = collect_source(source, settings=runtime.settings, state=runtime.state, config=runtime.config,
                               queue=runtime.queue, spool=runtime.spool)
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


def run_forever(runtime: Runtime, stop: threading.Event, *, tick: float = 5.0,
                progress: Progress | None = None, on_run: Callable[[RunStats], None] | None = None) -> None:
    """Until ``stop`` is set: every ``tick`` seconds, collect whatever is due."""
    while not stop.is_set():
        try:
            due = due_sources(runtime, datetime.now(timezone.utc))
            if due:
                stats = collect_all(runtime, due, progress)
                logger.info("scheduled run: %s", stats.summary())
                if on_run is not None:
                    on_run(stats)
        except Exception:  # the schedule must outlive any one bad run
            logger.exception("scheduled collection failed; trying again at the next tick")
        stop.wait(tick)


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

    def _ran(self, stats: RunStats) -> None:
        self.runs += 1
        self.last_run = {"at": utcnow().isoformat(), "summary": stats.summary()}

    def details(self) -> dict[str, Any]:
        enabled = sum(1 for s in self.runtime.config.sources if s.enabled)
        return {"sources": enabled, "tick_s": self.tick, "runs": self.runs, "last_run": self.last_run or None}
