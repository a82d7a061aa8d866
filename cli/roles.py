"""Which services each process role runs: the one table ``earful run|serve|scheduler|worker`` start from.

| role        | services                                      | what the process does                                  |
|-------------|-----------------------------------------------|--------------------------------------------------------|
| `run`       | [collect: scheduler, refiner, alerts, delivery], api | serves the API; a child process collects on schedule, refines sentiment, evaluates alert rules and sends their notifications |
| `serve`     | api                                           | serves the API over the index                          |
| `scheduler` | scheduler                                     | collects on schedule (batches go to Redis with RQ)     |
| `worker`    | rq-worker, rq-upkeep, refiner, alerts, delivery | processes queued batches (retries, jobs of dead workers), refines sentiment, evaluates alert rules, hands due notifications to the workers as jobs |

A ``Group`` runs in a child process of its own, supervised by the role's process (restarted when
it dies, stopped with it, never outliving it): work that holds the GIL (collecting, processing)
stays out of the API's way there, and the API reads the index the child writes. A service that
does not apply (no slow sentiment scorer configured, a burst worker, alerts in a process that does
not index) is left out. ``api`` serves from the role's process and from its replicas
(``API_REPLICA`` children on the same socket: ``cli.api_processes``). Alert rules are evaluated after every batch by the process that indexes
it; the ``alerts`` service adds the clock (silences, buckets that end quietly, digests and batches of
new mentions put in the outbox when their periods end). ``delivery`` sends the outbox's
notifications: in its own threads in the collect group, as RQ jobs in the worker.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cli.api_processes import API_FD_ENV, REPLICA_HEARTBEAT_S
from cli.helpers import say
from cli.serve import ApiService, api_server
from earful.errors import IndexUnavailable
from earful.settings import Settings
from earful.state import StateStore, open_state
from search.base import IndexBackend
from workers.services import ChildGroup, Service, ServiceHealth, Supervisor

if TYPE_CHECKING:
    from workers.runtime import Runtime

@dataclass(frozen=True)
class Group:
    """Services that run together in a child process of the role's process (``nice``: its CPU priority
    below the parent's, so background work yields to the parent when both want a core)."""

    name: str
    services: tuple[str, ...]
    nice: int = 0


ROLES: dict[str, tuple[str | Group, ...]] = {
    "run": (Group("collect", ("scheduler", "refiner", "alerts", "delivery"), nice=10), "api"),
    "serve": ("api",),
    "scheduler": ("scheduler",),
    "worker": ("rq-worker", "rq-upkeep", "refiner", "alerts", "delivery"),
}


# A replica of the API: a child that serves the API on its parent's socket (cli.api_processes).
API_REPLICA = Group("api", ("api",))


def group_of(role: str, name: str) -> Group:
    if name == API_REPLICA.name and "api" in ROLES[role]:
        return API_REPLICA
    found = [entry for entry in ROLES[role] if isinstance(entry, Group) and entry.name == name]
    if not found:
        raise KeyError(f"role {role} has no group {name!r}")
    return found[0]


def all_services(role: str) -> list[str]:
    """Every service of the role, in groups or not, in the table's order."""
    return [name for entry in ROLES[role] for name in (entry.services if isinstance(entry, Group) else (entry,))]


@dataclass
class RoleContext:
    """What a role's services are built from: settings, command-line options, shared resources.

    ``group``: this process is the child that runs that group of the role.
    """

    role: str
    settings: Settings
    options: argparse.Namespace
    resources: dict[str, Any] = field(default_factory=dict)  # opened by the factories, closed at the end
    supervisor: Supervisor | None = None
    group: str | None = None

    @property
    def entries(self) -> tuple[str | Group, ...]:
        """What this process runs: the group's services in its child, else the role's top level."""
        return group_of(self.role, self.group).services if self.group else ROLES[self.role]

    def runs(self, service: str) -> bool:
        """Whether ``service`` runs in this very process."""
        return service in self.entries

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

    if ctx.runs("rq-worker"):  # the worker refines into the index its jobs write
        refiner = None if ctx.options.burst else worker_refiner(ctx.settings, say)
        if refiner is not None:
            say("refining sentiment in the background (queue in Redis)")
    else:
        refiner = open_refiner(ctx.settings, lambda: ctx.runtime.index)
    return RefinerService(refiner) if refiner is not None else None


def _api(ctx: RoleContext) -> Service | None:
    from cli.api_processes import inherited_socket, listening_socket, parent_services, process_count
    from earful.secrets import cursor_secret

    host, port = ctx.options.host or ctx.settings.host, ctx.options.port or ctx.settings.port
    cursor_secret(ctx.settings)  # created (or found unusable) now, not by the first request that pages
    replica = ctx.group == API_REPLICA.name
    sock = inherited_socket() if replica else None
    if sock is None:
        sock = ctx.resources["api_socket"] = listening_socket(host, port)
    services = parent_services(ctx.state, os.getppid()) if replica else ctx.services_health
    if ctx.runs("scheduler"):  # the collector's own index, config and state
        index: IndexBackend = ctx.runtime.index
        server = api_server(ctx.settings, index, host, port, config=ctx.runtime.config, state=ctx.runtime.state,
                            services=services)
    else:
        from search.factory import open_index, prepare_index

        if any(isinstance(e, Group) and "scheduler" in e.services for e in ctx.entries):
            prepare_index(ctx.settings)  # the collecting child writes it; the API must find one at once
        index = ctx.resources["index"] = open_index(ctx.settings, writable=False)
        server = api_server(ctx.settings, index, host, port, state=ctx.state, services=services)
    replicas = [] if replica or ctx.runs("scheduler") else [
        _group(ctx, API_REPLICA, name=f"api-{n}", pass_fds=(sock.fileno(),), env={API_FD_ENV: str(sock.fileno())})
        for n in range(2, process_count(ctx.settings) + 1)]
    return ApiService(server, f"http://{host}:{port}", sock, replicas)


def _rq_worker(ctx: RoleContext) -> Service | None:
    from workers.rq_worker import RQWorkerService

    return RQWorkerService(ctx.settings, ctx.resources["redis"], ctx.options.queues or ctx.settings.worker_queues,
                           burst=ctx.options.burst, verbose=ctx.options.verbose, progress=say)


def _rq_upkeep(ctx: RoleContext) -> Service | None:
    from workers.rq_upkeep import RQUpkeepService

    return RQUpkeepService(ctx.resources["redis"], ctx.options.queues or ctx.settings.worker_queues, state=ctx.state)


def _alerts(ctx: RoleContext) -> Service | None:
    from workers.alerts.service import AlertService
    from workers.runtime import evaluator_of

    if ctx.runs("rq-worker"):  # the evaluator of the processor the worker's jobs run
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
    if evaluator is None:
        return None
    from workers.digests.scheduler import Digests

    digests = Digests(evaluator.index, evaluator.state, evaluator.config, evaluator.current_rules,
                      ctx.settings.public_url)
    return AlertService(evaluator, tick=getattr(ctx.options, "alert_tick", 30.0), digests=digests)


def _delivery(ctx: RoleContext) -> Service | None:
    from workers.delivery.service import DeliveryService
    from workers.delivery.transports import open_sender

    if ctx.runs("rq-worker"):
        if ctx.options.burst:
            return None
        from workers.delivery.jobs import rq_dispatch

        return DeliveryService(open_sender(ctx.settings, ctx.state),
                               dispatch=rq_dispatch((ctx.options.queues or ctx.settings.worker_queues)[0],
                                                    ctx.resources["redis"]))
    return DeliveryService(open_sender(ctx.settings, ctx.runtime.state))


SERVICES: dict[str, Callable[[RoleContext], Service | None]] = {
    "scheduler": _scheduler,
    "refiner": _refiner,
    "alerts": _alerts,
    "delivery": _delivery,
    "api": _api,
    "rq-worker": _rq_worker,
    "rq-upkeep": _rq_upkeep,
}


def _group(ctx: RoleContext, group: Group, *, name: str | None = None, **child: Any) -> Service:
    """The group as one service of the parent: a child process running ``python -m cli.child``
    (``child``: what else ``ChildGroup`` takes: file descriptors and environment to pass on)."""
    spec = {"role": ctx.role, "group": group.name, "options": vars(ctx.options), "verbose": _verbose(ctx)}
    command = [sys.executable, "-m", "cli.child", json.dumps(spec, default=str)]
    return ChildGroup(name or group.name, group.services, command, nice=group.nice, **child)


def _verbose(ctx: RoleContext) -> bool:
    return bool(getattr(ctx.options, "verbose", False))


def build_services(ctx: RoleContext) -> list[Service]:
    """This process's services, in the table's order, without those that do not apply."""
    built = (_group(ctx, entry) if isinstance(entry, Group) else SERVICES[entry](ctx) for entry in ctx.entries)
    return [service for service in built if service is not None]


def run_role(ctx: RoleContext, *, health_fd: int | None = None) -> int:
    """Build the role's services, run them until a signal or until one ends, then close everything.

    ``health_fd`` (a group's child): report health to the parent there instead of the state store.
    """
    try:
        services = build_services(ctx)
        label = f"{ctx.role}/{ctx.group}" if ctx.group else ctx.role
        state = None if health_fd is not None else ctx.state
        replicas = any(isinstance(s, ApiService) and s.replicas for s in services)
        every = REPLICA_HEARTBEAT_S if replicas else 15.0  # replicas answer /health from it
        ctx.supervisor = Supervisor(label, services, state=state, health_fd=health_fd, heartbeat_every=every)
        names = ", ".join(h.name for s in services for h in s.healths())
        say(f"{label}: running {names}; Ctrl-C or SIGTERM stops")
        return ctx.supervisor.run()
    finally:
        ctx.close()
