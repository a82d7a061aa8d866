"""Trends broken down by a field: one series per top value, and one for all the others."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from earful.query import Node
from search.analytics.fields import OTHER, index_field, value_groups
from search.analytics.series import SeriesBucket, series
from search.analytics.top import top_keys
from search.base import IndexBackend, SearchFilters
from search.trends import LABELS, Interval, floor_local


@dataclass
class GroupSeries:
    value: str | None  # None: every value outside the top ones
    buckets: list[SeriesBucket]

    @property
    def total(self) -> int:
        return sum(b.count for b in self.buckets)


def breakdown(index: IndexBackend, query: Node | None, filters: SearchFilters, group_by: str, *,
              interval: Interval, since: datetime, until: datetime, tz: ZoneInfo,
              size: int = 5) -> list[GroupSeries]:
    """Series for the ``size`` values with most mentions over the period (ties by value), then "other".

    "Other" holds every mention with none of those values, including those without any (a post
    with no site). Sentiment always has its four labels. A mention with several values (brands)
    is in each.
    """
    field = index_field(group_by)
    if group_by == "sentiment":
        values = list(LABELS)
    else:
        period = replace(filters, since=floor_local(since, interval, tz), until=until)
        values, _ = top_keys(index, query, period, group_by, size)
    groups = value_groups(field, values, other=group_by != "sentiment")
    found = series(index, query, filters, groups, interval=interval, since=since, until=until, tz=tz)
    return [GroupSeries(None if name == OTHER else name, buckets) for name, buckets in found.items()]
