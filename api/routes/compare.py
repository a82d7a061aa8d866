"""Brands side by side: share of voice, sentiment and ratings over time, totals and change."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api.analytics_schemas import BrandCompare, BrandTotals, Change, CompareBucket, CompareOut, Rated
from api.deps import ConfigDep, IndexDep
from api.scope import ScopeDep, ZoneDep
from earful.params import split_list
from search.analytics.compare import BrandSeries, brands_to_compare, compare
from search.trends import Interval

router = APIRouter(tags=["compare"])
DEFAULT_SPAN = {"hour": timedelta(hours=48), "day": timedelta(days=30), "week": timedelta(weeks=26)}


def _change(now: BrandTotals, before: BrandTotals) -> Change:
    def diff(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else round(a - b, 4)

    pct = round(100 * (now.count - before.count) / before.count, 2) if before.count else None
    return Change(count=now.count - before.count, count_pct=pct, share_of_voice=diff(now.share_of_voice,
                  before.share_of_voice), net_sentiment=diff(now.net_sentiment, before.net_sentiment))


def _brand(series: BrandSeries) -> BrandCompare:
    buckets = [CompareBucket(**Rated.of(b).model_dump(), start=b.start, share_of_voice=share)
               for b, share in zip(series.buckets, series.shares)]
    total = BrandTotals(**Rated.of(series.total).model_dump(), share_of_voice=series.share)
    previous = BrandTotals(**Rated.of(series.previous).model_dump(), share_of_voice=series.previous_share)
    return BrandCompare(brand=series.brand, buckets=buckets, total=total, previous=previous,
                        change=_change(total, previous))


@router.get("/compare", response_model=CompareOut)
def compare_brands(
    index: IndexDep, config: ConfigDep, scope: ScopeDep, tz: ZoneDep,
    brands: Annotated[list[str] | None, Query(description="brand ids to compare (default: brand= and its "
                                                          "configured competitors)")] = None,
    interval: Interval = "day",
) -> CompareOut:
    """Per brand and bucket: count, share of voice, sentiment, mean rating; totals and change vs the period before."""
    chosen = brands_to_compare(split_list(brands), scope.filters.brands, config)
    since, until = scope.period(DEFAULT_SPAN[interval])
    result = compare(index, scope.query, scope.filters, chosen, interval=interval, since=since, until=until,
                     tz=tz)
    return CompareOut(interval=interval, tz=str(tz), since=result.since.astimezone(tz),
                      until=until.astimezone(tz), previous_since=result.previous_since.astimezone(tz),
                      brands=[_brand(b) for b in result.brands])
