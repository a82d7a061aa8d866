"""The filter options every analysis command takes, and the scope they resolve to."""

from __future__ import annotations

import argparse

from earful.query import Node
from search.base import SearchFilters


def add_filters(cmd: argparse.ArgumentParser, *, brand_help: str = "brand id (repeat or comma-separate)") -> None:
    cmd.add_argument("--saved", help="a saved search (earful's API: /api/v1/searches); options below narrow it")
    cmd.add_argument("-q", "--query", help='Lucene-style query, e.g. refund* AND NOT "gift card"')
    cmd.add_argument("--brand", action="append", help=brand_help)
    cmd.add_argument("--source", action="append", help="source kind or name")
    cmd.add_argument("--lang", action="append", help="language code")
    cmd.add_argument("--sentiment", action="append", help="positive, neutral, negative, unscored")
    cmd.add_argument("--since", help="ISO 8601 or an age (24h, 7d)")
    cmd.add_argument("--until", help="ISO 8601 or an age; exclusive")
    cmd.add_argument("--include-duplicates", action="store_true", default=None, help="exact copies too")


def resolve_args(args: argparse.Namespace, settings: object) -> tuple[Node | None, SearchFilters]:
    """The query and filters of the options, on top of the saved search when one is named."""
    from earful.saved_searches import SavedSearches
    from earful.state import open_state
    from search.filters import resolve

    saved = None
    if args.saved:
        state = open_state(settings)  # type: ignore[arg-type]
        try:
            saved = SavedSearches(state).require(args.saved)
        finally:
            state.close()
    return resolve(saved, q=args.query, brand=args.brand, source=args.source, lang=args.lang,
                   sentiment=args.sentiment, since=args.since, until=args.until,
                   include_duplicates=args.include_duplicates)
