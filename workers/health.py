"""Per-source health: last run, what it yielded, errors by kind, next run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from earful.state import StateStore
from workers.stats import RunStats

PREFIX = "health:"


def load_health(state: StateStore, source_name: str) -> dict[str, Any]:
    return state.get(PREFIX + source_name) or {"source": source_name, "runs": 0, "errors_by_kind": {}}


def record_run(state: StateStore, source_name: str, stats: RunStats, *, interval: int,
               started: datetime, error: str | None = None, not_modified: bool = False,
               retry_after: float | None = None, partial: bool = False) -> dict[str, Any]:
    """Add one run to the source's health; ``retry_after`` (seconds) holds the next run back.

    ``partial``: the run failed in part (``error`` says what) but kept what it collected.
    """
    health = load_health(state, source_name)
    errors = dict(health.get("errors_by_kind", {}))
    for kind, count in stats.errors.items():
        errors[kind] = errors.get(kind, 0) + count
    finished = datetime.now(timezone.utc)
    next_run = started + timedelta(seconds=interval)
    if retry_after:
        next_run = max(next_run, finished + timedelta(seconds=retry_after))
    health.update({
        "runs": health.get("runs", 0) + 1,
        "last_run_at": started.isoformat(),
        "last_duration_s": round((finished - started).total_seconds(), 3),
        "last_status": "error" if error else ("not_modified" if not_modified else "ok"),
        "last_partial": bool(error) and partial,
        "last_spooled_error": bool(error) and stats.spooled > 0,
        "last_error": error,
        "last_collected": stats.collected,
        "last_indexed": stats.indexed,
        "last_duplicates": stats.duplicates,
        "last_dropped": dict(stats.dropped),
        "total_collected": health.get("total_collected", 0) + stats.collected,
        "total_indexed": health.get("total_indexed", 0) + stats.indexed,
        "total_duplicates": health.get("total_duplicates", 0) + stats.duplicates,
        "spooled": health.get("spooled", 0) + stats.spooled,
        "errors_by_kind": errors,
        "next_run_at": next_run.isoformat(),
    })
    if not error:
        health["last_success_at"] = finished.isoformat()
    state.set(PREFIX + source_name, health)
    return health


def credit_spooled(state: StateStore, source_name: str, stats: RunStats, stored: int) -> dict[str, Any]:
    """A spooled batch of the source was stored at last: count it, and end the outage once none is left."""
    health = load_health(state, source_name)
    waiting = max(0, health.get("spooled", 0) - stored)
    health.update({
        "spooled": waiting,
        "last_indexed": health.get("last_indexed", 0) + stats.indexed,
        "total_indexed": health.get("total_indexed", 0) + stats.indexed,
        "last_duplicates": health.get("last_duplicates", 0) + stats.duplicates,
        "total_duplicates": health.get("total_duplicates", 0) + stats.duplicates,
    })
    if waiting == 0 and health.get("last_spooled_error"):
        health.update({"last_status": "ok", "last_error": None, "last_spooled_error": False,
                       "last_success_at": datetime.now(timezone.utc).isoformat()})
    state.set(PREFIX + source_name, health)
    return health


def next_run_at(state: StateStore, source_name: str) -> datetime | None:
    value = load_health(state, source_name).get("next_run_at")
    return datetime.fromisoformat(value) if value else None
