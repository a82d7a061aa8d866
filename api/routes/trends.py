"""Mention volume and sentiment over time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import IndexDep
from api.schemas import TrendBucketOut, TrendOut
from earful.params import parse_query, parse_zone
from search.filters import build_filters
from search.trends import Interval, trend

router = APIRouter(tags=["trends"])
DEFAULT_SPAN = {"hour": timedelta(hours=48), "day": timedelta(days=30), "week": timedelta(weeks=26)}


@router.get("/trends", response_model=TrendOut)
def trends(
    index: IndexDep,
    brand: Annotated[list[str] | None, Query(description="brand id(s)")] = None,
    q: Annotated[str | None, Query(description="Lucene-style query")] = None,
    source: Annotated[list[str] | None, Query()] = None,
    lang: Annotated[list[str] | None, Query()] = None,
    interval: Interval = "day",
    since: Annotated[str | None, Query(description="default: 48h, 30d or 26 weeks back")] = None,
    until: Annotated[str | None, Query(description="default: now")] = None,
    tz: Annotated[str | None, Query(description="IANA zone for day/week boundaries")] = "UTC",
) -> TrendOut:
    """Buckets with count, sentiment label counts and mean sentiment; empty buckets included."""
    zone = parse_zone(tz)
    filters = build_filters(brand, source, lang, None, since, until)
    end = filters.until or datetime.now(timezone.utc)
    start = filters.since or end - DEFAULT_SPAN[interval]
    buckets = trend(index, parse_query(q), filters, interval=interval, since=start, until=end, tz=zone)
    out = [TrendBucketOut(start=b.start, count=b.count, positive=b.labels["positive"],
                          neutral=b.labels["neutral"], negative=b.labels["negative"],
                          unscored=b.labels["unscored"], mean_sentiment=b.mean_sentiment)
           for b in buckets]
    return TrendOut(interval=interval, tz=str(zone), since=buckets[0].start, until=end.astimezone(zone),
                    total=sum(b.count for b in out), buckets=out)
