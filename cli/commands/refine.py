"""``earful refine [--once] [--rescore …]``: score provisional mentions with the accurate sentiment
scorer; ``--rescore`` first queues stored mentions scored by anything but today's scorers."""

from __future__ import annotations

import argparse
import threading

from cli.helpers import load_settings, say
from earful.errors import EarfulError


def cmd_refine(args: argparse.Namespace) -> int:
    from earful.params import parse_time
    from search.base import SearchFilters
    from search.factory import open_index
    from workers.refine import open_refiner, queue_outdated
    from workers.runtime import writer_lock_held

    settings = load_settings()
    if not settings.es_url and writer_lock_held(settings):
        raise EarfulError(f"another process writes the index in {settings.index_dir} (earful run refines in "
                          "the background already); stop it first or use Elasticsearch (EARFUL_ES_URL)")
    index = open_index(settings, writable=True)
    try:
        refiner = open_refiner(settings, index)
        if refiner is None:
            say("nothing to refine: no slow sentiment scorer is configured (EARFUL_SENTIMENT_SCORERS) "
                "or refining is off (EARFUL_SENTIMENT_REFINE=false)")
            return 0
        if args.rescore:
            filters = SearchFilters(brands=args.brand or [], langs=args.lang or [],
                                    since=parse_time(args.since, "--since"))
            say(f"looking for mentions scored by other scorers than {refiner.router.describe()} …")
            examined, queued = queue_outdated(index, refiner.router, refiner.queue, filters, say)
            say(f"examined {examined} mentions: {queued} queued for rescoring")
        if args.once:
            stats = refiner.run_once(say)
            if not stats.taken:
                say("nothing queued for refinement")
            return 1 if stats.failed else 0
        say(f"refining sentiment in the background of {settings.data_dir}; Ctrl-C stops")
        stop = threading.Event()
        try:
            refiner.run_forever(stop)
        except KeyboardInterrupt:
            stop.set()
            say("stopped")
        return 0
    finally:
        index.close()


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    refine = subparsers.add_parser(
        "refine", help="score provisional mentions with the accurate sentiment scorer",
        description="Mentions indexed with a fast provisional score (or none) are queued; this scores "
                    "them with the configured accurate scorer and updates the index. `earful run` "
                    "does this in the background; use this with `earful collect --once` or after a "
                    "change of scorers.")
    refine.add_argument("--once", action="store_true", help="refine what is queued, then exit")
    refine.add_argument("--rescore", action="store_true",
                        help="first queue stored mentions whose sentiment came from another scorer or scorer "
                             "version than the one now configured for their language (after a change of "
                             "EARFUL_SENTIMENT_SCORERS or an upgrade)")
    refine.add_argument("--brand", action="append", help="with --rescore: only this brand (repeatable)")
    refine.add_argument("--lang", action="append", help="with --rescore: only this language (repeatable)")
    refine.add_argument("--since", help="with --rescore: only mentions published since (ISO date or age: 30d)")
    refine.set_defaults(func=cmd_refine)
