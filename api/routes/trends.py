"""Mention volume and sentiment over time, as one series or broken down by a field."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import IndexDep
from api.schemas import GroupOut, TrendBucketOut, TrendOut
from api.scope import ScopeDep, ZoneDep
from search.analytics.breakdown import breakdown
from search.analytics.fields import GroupBy
from search.analytics.series import SeriesBucket
from search.trends import Interval, TrendBucket, trend

router = APIRouter(tags=["trends"])
DEFAULT_SPAN = {"hour": timedelta(hours=48), "day": timedelta(days=30), "week": timedelta(weeks=26)}
MAX_GROUPS = 20


def _bucket(b: TrendBucket | SeriesBucket) -> TrendBucketOut:
    mean = b.mean_sentiment if isinstance(b, TrendBucket) else None
    return TrendBucketOut(start=b.start, count=b.count, positive=b.labels["positive"], neutral=b.labels["neutral"],
                          negative=b.labels["negative"], unscored=b.labels["unscored"], mean_sentiment=mean)


@router.get("/trends", response_model=TrendOut)
def trends(
    index: IndexDep, scope: ScopeDep, tz: ZoneDep,
    interval: Interval = "day",
    group_by: Annotated[GroupBy | None, Query(description="one series per value: brand, source, site, lang, "
                                                          "sentiment or author")] = None,
    size: Annotated[int, Query(ge=1, le=MAX_GROUPS, description="with group_by: values shown; the rest "
                                                                "form one 'other' series")] = 5,
) -> TrendOut:
    """Buckets with count, sentiment label counts and mean sentiment; empty buckets included."""
    since, until = scope.period(DEFAULT_SPAN[interval])
    buckets = trend(index, scope.query, scope.filters, interval=interval, since=since, until=until, tz=tz)
    out = [_bucket(b) for b in buckets]
    groups = None
    if group_by is not None:
        found = breakdown(index, scope.query, scope.filters, group_by, interval=interval, since=since, until=until,
                          tz=tz, size=size)
        groups = [GroupOut(value=g.value, other=g.value is None, total=g.total, buckets=[_bucket(b) for b in g.buckets])
                  for g in found]
    return TrendOut(interval=interval, tz=str(tz), since=buckets[0].start, until=until.astimezone(tz),
                    total=sum(b.count for b in out), buckets=out, group_by=group_by, groups=groups)
