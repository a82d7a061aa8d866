"""``earful compare``, ``earful themes``, ``earful top``: the analyses, as tables in the terminal."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone

from cli.commands.scope_args import add_filters, resolve_args
from cli.helpers import load_settings, say


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:+.{digits}f}"


def _period(since: datetime | None, until: datetime | None, default: timedelta) -> tuple[datetime, datetime]:
    end = until or datetime.now(timezone.utc)
    return since or end - default, end


def cmd_compare(args: argparse.Namespace) -> int:
    from earful.params import parse_zone, split_list
    from search.analytics.compare import brands_to_compare, compare
    from search.factory import open_index

    settings = load_settings()
    query, filters = resolve_args(args, settings)
    brands = brands_to_compare(split_list(args.brands), filters.brands, settings.app_config)
    since, until = _period(filters.since, filters.until, timedelta(days=30))
    index = open_index(settings, writable=False)
    try:
        result = compare(index, query, filters, brands, interval=args.interval, since=since, until=until,
                         tz=parse_zone(args.tz))
    finally:
        index.close()
    print(f"{'brand':<16} {'mentions':>9} {'share':>7} {'net':>6} {'rating':>7}   "
          f"{'before':>7} {'share':>7} {'net':>6}   change")
    for b in result.brands:
        change = b.total.count - b.previous.count
        print(f"{b.brand[:16]:<16} {b.total.count:>9} {_pct(b.share):>7} {_num(b.total.net_sentiment):>6} "
              f"{_pct(b.total.mean_rating):>7}   {b.previous.count:>7} {_pct(b.previous_share):>7} "
              f"{_num(b.previous.net_sentiment):>6}   {change:+d}")
    say(f"{since:%Y-%m-%d %H:%M} – {until:%Y-%m-%d %H:%M} UTC, against the same length before; "
        "net = (positive − negative) / scored")
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    from search.analytics.themes import ThemeQuery, extractor_for, themes
    from search.factory import open_index

    settings = load_settings()
    query, filters = resolve_args(args, settings)
    since, until = _period(filters.since, filters.until, timedelta(days=7))
    index = open_index(settings, writable=False)
    try:
        report = themes(index, ThemeQuery(query, filters, since, until, args.compare_to, args.size),
                        extractor_for(settings.app_config))
    finally:
        index.close()
    print(f"{'theme':<28} {'mentions':>9} {'background':>11} {'score':>8} {'net':>6}  example")
    for t in report.themes:
        example = (t.example.title or t.example.text)[:60].replace("\n", " ") if t.example else ""
        print(f"{t.term[:28]:<28} {t.count:>9} {t.background:>11} {t.score:>8.4f} {_num(t.tally.net_sentiment):>6}  "
              f"{example}")
    say(f"{report.foreground} mentions against {report.background} ({args.compare_to}); {report.sampled} read")
    return 0


def cmd_top(args: argparse.Namespace) -> int:
    from search.analytics.top import top_values
    from search.factory import open_index

    settings = load_settings()
    query, filters = resolve_args(args, settings)
    index = open_index(settings, writable=False)
    try:
        found = top_values(index, query, filters, args.field, args.size)
    finally:
        index.close()
    print(f"{args.field:<40} {'mentions':>9} {'net':>6}")
    for v in found.values:
        print(f"{v.value[:40]:<40} {v.tally.count:>9} {_num(v.tally.net_sentiment):>6}")
    print(f"{'(other)':<40} {found.other:>9}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    compare = sub.add_parser("compare", help="share of voice, sentiment and ratings of brands, and their change")
    compare.add_argument("--brands", action="append", help="brands to compare (default: --brand and its competitors)")
    compare.add_argument("--interval", choices=["hour", "day", "week"], default="day")
    compare.add_argument("--tz", default="UTC", help="IANA zone for day and week boundaries")
    add_filters(compare)
    compare.set_defaults(func=cmd_compare)
    themes = sub.add_parser("themes", help="words and phrases that set a period's mentions apart")
    themes.add_argument("--compare-to", choices=["previous", "all"], default="previous")
    themes.add_argument("--size", type=int, default=15)
    add_filters(themes)
    themes.set_defaults(func=cmd_themes)
    top = sub.add_parser("top", help="most frequent sites, authors, sources or languages")
    top.add_argument("field", choices=["site", "author", "source", "lang", "brand"])
    top.add_argument("--size", type=int, default=10)
    add_filters(top)
    top.set_defaults(func=cmd_top)
