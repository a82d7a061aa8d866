"""Search filters from the parameters people type (API query strings, CLI options); bad ones are a BadRequest."""

from __future__ import annotations

from earful.errors import BadRequest
from earful.params import parse_time, split_list
from search.base import SearchFilters

SENTIMENTS = {"positive", "neutral", "negative", "unscored"}


def build_filters(brand: list[str] | None, source: list[str] | None, lang: list[str] | None,
                  sentiment: list[str] | None, since: str | None, until: str | None) -> SearchFilters:
    filters = SearchFilters(brands=split_list(brand), sources=split_list(source), langs=split_list(lang),
                            sentiments=split_list(sentiment), since=parse_time(since, "since"),
                            until=parse_time(until, "until"))
    unknown = set(filters.sentiments) - SENTIMENTS
    if unknown:
        raise BadRequest(f"sentiment={sorted(unknown)[0]!r} is unknown; use one of "
                         f"{', '.join(sorted(SENTIMENTS))}")
    if filters.since and filters.until and filters.since >= filters.until:
        raise BadRequest("since must be earlier than until")
    return filters
