"""Which services each process role runs: the one table ``earful run|serve|scheduler|worker`` start from.

| role        | services                         | what the process does                                  |
|-------------|----------------------------------|--------------------------------------------------------|
| `run`       | scheduler, refiner, alerts, api  | collects on schedule, refines sentiment, evaluates alert rules, serves the API |
| `serve`     | api                              | serves the API over the index                          |
| `scheduler` | scheduler                        | collects on schedule (batches go to Redis with RQ)     |
| `worker`    | rq-worker, refiner, alerts       | processes queued batches, refines sentiment, evaluates alert rules |

A service that does not apply (no slow sentiment scorer configured, a burst worker, alerts in a
process that does not index) is left out. Alert rules are evaluated after every batch by the
process that indexes it; the ``alerts`` service adds the clock (silences, buckets that end quietly).
Further background work (digests, deliveries) is one more service name here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cli.helpers import say
from cli.serve import ApiService, api_server
from earful.errors import IndexUnavailable
from earful.settings import Settings
from earful.state import StateStore, open_state
from search.base import IndexBackend
from workers.services import Service, ServiceHealth, Supervisor

if TYPE_CHECKING:
    from workers.runtime import Runtime

ROLES: dict[str, tuple[str, ...]] = {
    "run": ("scheduler", "refiner", "alerts", "api"),
    "serve": ("api",),
    "scheduler": ("scheduler",),
    "worker": ("rq-worker", "refiner", "alerts"),
}


@dataclass
class RoleContext:
    """What a role's services are built from: settings, command-line options, shared resources."""

    role: str
    settings: Settings
    options: argparse.Namespace
    resources: dict[str, Any] = field(default_factory=dict)  # opened by the factories, closed at the end
    supervisor: Supervisor | None = None

    @cached_property
    def runtime(self) -> Runtime:
        from workers.runtime import open_runtime

        runtime = open_runtime(self.settings)
        self.resources["runtime"] = runtime
        return runtime

    @property
    def state(self) -> StateStore:
        if "runtime" in self.resources:
            return self.runtime.state
        if "state" not in self.resources:
            self.resources["state"] = open_state(self.settings)
        return self.resources["state"]  # type: ignore[no-any-return]

    def services_health(self) -> list[ServiceHealth]:
        return self.supervisor.health() if self.supervisor is not None else []

    def close(self) -> None:
        for resource in reversed(list(self.resources.values())):
            resource.close()


def _scheduler(ctx: RoleContext) -> Service | None:
    from workers.scheduler import SchedulerService

    return SchedulerService(ctx.runtime, tick=getattr(ctx.options, "tick", 5.0), progress=say)


def _refiner(ctx: RoleContext) -> Service | None:
    from workers.refine import open_refiner
    from workers.refine.service import RefinerService
    from workers.rq_worker import worker_refiner

    if "rq-worker" in ROLES[ctx.role]:  # the worker refines into the index its jobs write
        refiner = None if ctx.options.burst else worker_refiner(ctx.settings, say)
        if refiner is not None:
            say("refining sentiment in the background (queue in Redis)")
    else:
        refiner = open_refiner(ctx.settings, lambda: ctx.runtime.index)
    return RefinerService(refiner) if refiner is not None else None


def _api(ctx: RoleContext) -> Service | None:
    host, port = ctx.options.host or ctx.settings.host, ctx.options.port or ctx.settings.port
    if "scheduler" in ROLES[ctx.role]:  # the collector's own index, config and state
        index: IndexBackend = ctx.runtime.index
        server = api_server(ctx.settings, index, host, port, config=ctx.runtime.config, state=ctx.runtime.state,
                            services=ctx.services_health)
    else:
        from search.factory import open_index

        index = ctx.resources["index"] = open_index(ctx.settings, writable=False)
        server = api_server(ctx.settings, index, host, port, services=ctx.services_health)
    return ApiService(server, f"http://{host}:{port}")


def _rq_worker(ctx: RoleContext) -> Service | None:
    from workers.rq_worker import RQWorkerService

    return RQWorkerService(ctx.settings, ctx.resources["redis"], ctx.options.queues or ctx.settings.worker_queues,
                           burst=ctx.options.burst, verbose=ctx.options.verbose, progress=say)


def _alerts(ctx: RoleContext) -> Service | None:
    from workers.alerts.service import AlertService
    from workers.runtime import evaluator_of

    if "rq-worker" in ROLES[ctx.role]:  # the evaluator of the processor the worker's jobs run
        if ctx.options.burst:
            return None
        from workers.jobs import processor

        try:
            evaluator = evaluator_of(processor())
        except IndexUnavailable as exc:
            say(f"warning: not evaluating alert rules on a clock in this worker: {exc}")
            return None
    else:
        evaluator = ctx.runtime.evaluator  # None when batches go to workers: they evaluate
    return AlertService(evaluator, tick=getattr(ctx.options, "alert_tick", 30.0)) if evaluator else None


SERVICES: dict[str, Callable[[RoleContext], Service | None]] = {
    "scheduler": _scheduler,
    "refiner": _refiner,
    "alerts": _alerts,
    "api": _api,
    "rq-worker": _rq_worker,
}


def build_services(ctx: RoleContext) -> list[Service]:
    """The role's services, in the table's order, without those that do not apply."""
    built = (SERVICES[name](ctx) for name in ROLES[ctx.role])
    return [service for service in built if service is not None]


def run_role(ctx: RoleContext) -> int:
    """Build the role's services, run them until a signal or until one ends, then close everything."""
    try:
        services = build_services(ctx)
        ctx.supervisor = Supervisor(ctx.role, services, state=ctx.state)
        say(f"{ctx.role}: running {', '.join(s.name for s in services)}; Ctrl-C or SIGTERM stops")
        return ctx.supervisor.run()
    finally:
        ctx.close()
