"""``earful sources``: per source, the last run, what it yielded, errors by kind, the next run;
then the background services of every running Earful process."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from cli.helpers import load_settings, say

if TYPE_CHECKING:
    from workers.services import ProcessHealth
    from workers.source_status import SourceStatus


def _ago(when: datetime | None, now: datetime) -> str:
    from api.dashboard.present import ago

    return ago(when, now, compact=True)


def cmd_sources(args: argparse.Namespace) -> int:
    from earful.state import open_state
    from workers.services import published
    from workers.source_status import source_statuses

    settings = load_settings()
    config = settings.app_config
    state = open_state(settings)
    try:
        statuses = source_statuses(config, state)
        processes = published(state)
    finally:
        state.close()
    if args.json:
        listed = [s.model_dump(mode="json") for s in statuses]
        running = [p.model_dump(mode="json") for p in processes]
        print(json.dumps({"sources": listed, "services": running} if args.services else listed, indent=2,
                         ensure_ascii=False))
        return 0
    if not statuses:
        say("no sources configured: set EARFUL_CONFIG to a YAML file with 'sources' (see README, Configuration)")
        _print_services(processes, datetime.now(timezone.utc))
        return 1
    now = datetime.now(timezone.utc)
    _print_sources(statuses, now)
    _print_services(processes, now)
    return 0


def _print_sources(statuses: list[SourceStatus], now: datetime) -> None:
    header = f"{'source':<24} {'type':<8} {'status':<12} {'last run':<10} {'items':>7} {'dups':>6} " \
             f"{'total':>8} {'next run':<10} errors"
    print(header)
    for s in statuses:
        errors = ", ".join(f"{kind} {n}" for kind, n in sorted(s.errors_by_kind.items())) or "—"
        print(f"{s.name[:24]:<24} {(s.type or '—'):<8} {s.status:<12} {_ago(s.last_run_at, now):<10} "
              f"{s.last_collected:>7} {s.last_duplicates:>6} {s.total_collected:>8} "
              f"{_ago(s.next_run_at, now):<10} {errors}")
        if s.status == "error" and s.last_error:
            print(f"{'':<24} last error: {s.last_error}")


def _print_services(processes: list[ProcessHealth], now: datetime) -> None:
    """One line per running process (``earful run``, ``worker``, ``scheduler``, ``serve``) and its services."""
    if not processes:
        return
    print(f"\n{'process':<24} {'role':<10} {'seen':<10} services")
    for p in processes:
        seen = _ago(p.updated_at, now) if p.alive else f"gone ({_ago(p.updated_at, now)})"
        services = ", ".join(f"{s.name} {s.state}" + (f" ({s.error})" if s.error else "") for s in p.services)
        print(f"{p.process[:24]:<24} {p.role:<10} {seen:<10} {services or '—'}")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser("sources", help="health of every source: last run, items, errors, next run")
    cmd.add_argument("--json", action="store_true", help="print JSON instead of a table")
    cmd.add_argument("--services", action="store_true",
                     help="with --json: print {\"sources\": [...], \"services\": [...]} (the tables show both)")
    cmd.set_defaults(func=cmd_sources)
