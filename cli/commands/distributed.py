"""Distributed mode: ``earful worker``, ``earful scheduler``, ``earful queue status|retry-failed``."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from cli.helpers import load_settings, say
from earful.errors import ConfigError, EarfulError

if TYPE_CHECKING:
    import redis

    from earful.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = subparsers.add_parser("worker", help="process queued batches from Redis (distributed mode)")
    worker.add_argument("--burst", action="store_true", help="exit once the queues are empty")
    worker.add_argument("--queues", nargs="+", metavar="NAME",
                        help="queues to serve, in priority order (default EARFUL_WORKER_QUEUES)")
    worker.set_defaults(func=cmd_worker)

    scheduler = subparsers.add_parser("scheduler", help="collect every source on schedule, without the API")
    scheduler.add_argument("--tick", type=float, default=5.0, help="seconds between schedule checks")
    scheduler.set_defaults(func=cmd_scheduler)

    queue = subparsers.add_parser("queue", help="inspect and repair the Redis job queues")
    queue_sub = queue.add_subparsers(dest="queue_command", required=True)
    status = queue_sub.add_parser("status", help="queue depth, running and failed jobs, workers")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.set_defaults(func=cmd_queue_status)
    retry = queue_sub.add_parser("retry-failed", help="put every failed job back on its queue")
    retry.add_argument("--queues", nargs="+", metavar="NAME", help="only these queues")
    retry.set_defaults(func=cmd_queue_retry_failed)


def _redis(settings: Settings) -> redis.Redis:
    """A connection that has answered PING, or an error saying what to check."""
    import redis as redis_lib

    from workers.rq_queue import connect, display_url

    if not settings.redis_url:
        raise ConfigError("this command needs Redis: set EARFUL_REDIS_URL (e.g. redis://localhost:6379/0)")
    connection = connect(settings)
    try:
        connection.ping()
    except redis_lib.RedisError as exc:
        raise EarfulError(f"cannot reach Redis at {display_url(settings.redis_url)} ({exc}); start it "
                          "or fix EARFUL_REDIS_URL") from None
    return connection


def _queue_names(settings: Settings, chosen: list[str] | None) -> list[str]:
    return chosen or list(dict.fromkeys([*settings.worker_queues, settings.mention_queue]))


def cmd_worker(args: argparse.Namespace) -> int:
    from cli.roles import RoleContext, run_role
    from workers.jobs import embedded_lock_message
    from workers.runtime import writer_lock_held

    settings = load_settings()
    connection = _redis(settings)
    if not settings.es_url and writer_lock_held(settings):
        connection.close()
        raise EarfulError(embedded_lock_message(settings))
    code = run_role(RoleContext("worker", settings, args, resources={"redis": connection}))
    say(f"worker: stopped{'' if code == 0 else ' after a failure (see above)'}")
    return code


def cmd_scheduler(args: argparse.Namespace) -> int:
    from cli.roles import RoleContext, run_role
    from workers.rq_queue import display_url

    settings = load_settings()
    if settings.redis_url:
        _redis(settings).close()
    ctx = RoleContext("scheduler", settings, args)
    if not ctx.runtime.config.sources:
        ctx.close()
        say("no sources configured: set EARFUL_CONFIG to a YAML file with 'sources' "
            "(see README, Configuration)")
        return 1
    where = (f"queue '{settings.mention_queue}' on {display_url(settings.redis_url)}"
             if settings.redis_url else f"the embedded index {settings.index_dir} (inline)")
    say(f"scheduler: {len(ctx.runtime.config.sources)} sources, checked every {args.tick:g}s; batches go to "
        f"{where}")
    code = run_role(ctx)
    say("scheduler: stopped")
    return code


def queue_report(settings: Settings, connection: redis.Redis) -> dict[str, Any]:
    """Counts per queue and the registered workers, as plain data."""
    from rq import Queue, Worker

    queues = []
    for name in _queue_names(settings, None):
        queue = Queue(name, connection=connection)
        queues.append({"queue": name, "queued": queue.count,
                       "started": queue.started_job_registry.count,
                       "retry_waiting": queue.scheduled_job_registry.count,
                       "failed": queue.failed_job_registry.count,
                       "finished": queue.finished_job_registry.count})
    workers = []
    for worker in Worker.all(connection=connection):
        job = worker.get_current_job()
        workers.append({"name": worker.name, "state": str(worker.get_state()),
                        "queues": worker.queue_names(), "job": job.description if job else None,
                        "ok": worker.successful_job_count, "failed": worker.failed_job_count})
    return {"queues": queues, "workers": workers}


def cmd_queue_status(args: argparse.Namespace) -> int:
    settings = load_settings()
    report = queue_report(settings, _redis(settings))
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{'queue':<16} {'queued':>7} {'started':>8} {'retrying':>9} {'failed':>7} {'finished':>9}")
    for row in report["queues"]:
        print(f"{row['queue']:<16} {row['queued']:>7} {row['started']:>8} {row['retry_waiting']:>9} "
              f"{row['failed']:>7} {row['finished']:>9}")
    print(f"workers: {len(report['workers'])}")
    for worker in report["workers"]:
        doing = worker["job"] or "idle"
        print(f"  {worker['name']} [{worker['state']}] {','.join(worker['queues'])}: {doing} "
              f"(ok {worker['ok']}, failed {worker['failed']})")
    if any(row["failed"] for row in report["queues"]):
        say("failed jobs are kept; after fixing the cause run: earful queue retry-failed")
    return 0


def cmd_queue_retry_failed(args: argparse.Namespace) -> int:
    from rq import Queue
    from rq.exceptions import InvalidJobOperation, NoSuchJobError

    settings = load_settings()
    connection = _redis(settings)
    total, missing = 0, 0
    for name in _queue_names(settings, args.queues):
        registry = Queue(name, connection=connection).failed_job_registry
        requeued = 0
        for job_id in registry.get_job_ids():
            try:
                registry.requeue(job_id)
            except (NoSuchJobError, InvalidJobOperation):  # expired, or requeued by someone else meanwhile
                missing += 1
                continue
            requeued += 1
        if requeued:
            say(f"{name}: requeued {requeued} failed jobs")
        total += requeued
    say(f"requeued {total} failed jobs" + (f"; {missing} were gone already" if missing else "")
        + ("; a running `earful worker` picks them up" if total else ""))
    return 0
