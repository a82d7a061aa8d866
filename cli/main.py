"""The ``earful`` command line."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import threading
from collections.abc import Sequence

from cli.helpers import configure_logging, load_settings, reported, say, stop_on_signals
from earful import __version__

logger = logging.getLogger("earful")

# Modules under cli/commands that add their own subcommands (each has ``register(subparsers)``).
COMMAND_MODULES: tuple[str, ...] = (
    "sources",
    "distributed",
    "index",
    "evaluate",
    "refine",
    "analytics",
    "exchange",
    "alerts",
)


def cmd_config_check(args: argparse.Namespace) -> int:
    from earful.config import load_config

    config = load_config(args.file)
    say(f"{args.file}: OK — {len(config.brands)} brands, {len(config.sources)} sources, "
        f"{len(config.alerts)} alert rules")
    for brand in config.brands:
        say(f"  brand {brand.id}: {brand.query}" + (f" ({brand.tz})" if brand.tz else ""))
    for source in config.sources:
        say(f"  source {source.name} ({source.type}, every {source.interval}s): {source.target}")
    for rule in config.alerts:
        watched = " ".join(p for p in (f"brand {rule.brand}" if rule.brand else "", f"q {rule.q}" if rule.q else "") if p)
        say(f"  alert {rule.id}: {rule.trigger} on {watched} ({rule.sensitivity}, {rule.interval // 60}-minute buckets)")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from workers.refine import open_refiner
    from workers.runtime import open_runtime
    from workers.scheduler import collect_all

    settings = load_settings()
    runtime = open_runtime(settings)
    stop = threading.Event()
    try:
        sources = [s for s in runtime.config.sources if s.enabled]
        if not sources:
            say("no sources configured: set EARFUL_CONFIG to a YAML file with 'sources' "
                "(see README, Configuration)")
            return 1
        say(f"collecting {len(sources)} sources into {settings.data_dir} …")
        with stop_on_signals(stop):
            stats = collect_all(runtime, sources, say, stop=stop)
        say(f"done: {stats.summary()}")
        if stop.is_set():
            say("stopped before every source was collected; the rest are collected by the next run")
            return 130
        if stats.spooled or stats.errors.get("processing"):
            say(f"error: could not store every mention ({stats.failure or 'see the log above'}); "
                f"{len(runtime.spool)} batches are kept in {runtime.spool.directory} and stored by the next run")
            return 1
        refiner = open_refiner(settings, lambda: runtime.index)
        if refiner is not None:
            refiner.run_once(say)
        return 0
    finally:
        runtime.close()


def cmd_serve(args: argparse.Namespace) -> int:
    from cli.roles import RoleContext, run_role
    from cli.serve import check_bind

    settings = load_settings()
    host, port = args.host or settings.host, args.port or settings.port
    check_bind(host, settings, args.insecure)
    say(f"Earful API on http://{host}:{port}  (OpenAPI: http://{host}:{port}/docs)")
    return run_role(RoleContext("serve", settings, args))


def cmd_run(args: argparse.Namespace) -> int:
    from cli.roles import RoleContext, run_role
    from cli.serve import check_bind

    settings = load_settings()
    host, port = args.host or settings.host, args.port or settings.port
    check_bind(host, settings, args.insecure)
    settings.ensure_data_dir()
    sources = settings.app_config.sources  # validated here, before any process starts
    if not sources:
        say("warning: no sources configured (EARFUL_CONFIG); serving what is already indexed")
    say(f"collecting {len(sources)} sources on schedule; API on http://{host}:{port} (OpenAPI: /docs)")
    return run_role(RoleContext("run", settings, args))


def cmd_search(args: argparse.Namespace) -> int:
    from earful.params import parse_query
    from search.base import SearchFilters, SearchRequest
    from search.factory import open_index

    index = open_index(load_settings(), writable=False)
    request = SearchRequest(query=parse_query(args.query), sort=args.sort, limit=args.limit,
                            filters=SearchFilters(brands=args.brand or []), highlight=False)
    result = index.search(request)
    for hit in result.hits:
        m = hit.mention
        print(f"{m.published_at:%Y-%m-%d %H:%M} {','.join(m.brands):<14} {m.sentiment.label:<9} "
              f"{m.lang or '--':<3} {(m.title or m.text)[:70]!s:<70} {m.url or ''}")
    say(f"{result.total} mentions match; showing {len(result.hits)}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from cli.demo.run import run_demo

    return run_demo(load_settings(), port=args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="earful", description="Social listening you run yourself.")
    parser.add_argument("--version", action="version", version=f"earful {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="offline demo: sample feeds → index → API")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)

    for name, func, help_text in (("run", cmd_run, "collect on schedule and serve the API"),
                                  ("serve", cmd_serve, "serve the API over the existing index")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
        cmd.add_argument("--port", type=int, default=None, help="port (default 8000)")
        cmd.add_argument("--insecure", action="store_true",
                         help="allow a non-loopback bind without API keys")
        cmd.set_defaults(func=func)

    collect = sub.add_parser("collect", help="collect every configured source")
    collect.add_argument("--once", action="store_true", required=True, help="one run, then exit")
    collect.set_defaults(func=cmd_collect)

    search = sub.add_parser("search", help="search the index from the terminal")
    search.add_argument("query")
    search.add_argument("--brand", action="append")
    search.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance")
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(func=cmd_search)

    config = sub.add_parser("config", help="configuration tools")
    config_sub = config.add_subparsers(dest="config_command", required=True)
    check = config_sub.add_parser("check", help="validate a YAML config without running")
    check.add_argument("file")
    check.set_defaults(func=cmd_config_check)

    for module in COMMAND_MODULES:
        importlib.import_module(f"cli.commands.{module}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        return reported(lambda: args.func(args))
    except KeyboardInterrupt:
        say("stopped")
        return 130


if __name__ == "__main__":
    sys.exit(main())
