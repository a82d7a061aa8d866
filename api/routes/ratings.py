"""Review ratings over time, overall or per site."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.analytics_schemas import RatingBucketOut, RatingSeriesOut, RatingsOut
from api.deps import IndexDep
from api.scope import ScopeDep, ZoneDep
from earful.params import split_list
from search.analytics.ratings import rated_sites, rating_series
from search.trends import Interval

router = APIRouter(tags=["ratings"])
DEFAULT_SPAN = {"hour": timedelta(hours=48), "day": timedelta(days=90), "week": timedelta(weeks=26)}
MAX_SITES = 20


@router.get("/ratings", response_model=RatingsOut)
def ratings(
    index: IndexDep, scope: ScopeDep, tz: ZoneDep,
    interval: Interval = "week",
    site: Annotated[list[str] | None, Query(description="a series for each of these review sites")] = None,
    by_site: Annotated[bool, Query(description="a series for each of the sites with most ratings")] = False,
) -> RatingsOut:
    """Per bucket: mean normalised rating, mean stars, count and the 1–5 star distribution."""
    since, until = scope.period(DEFAULT_SPAN[interval])
    sites = split_list(site)[:MAX_SITES]
    if by_site and not sites:
        sites = rated_sites(index, scope.query, scope.filters, 5)
    groups: dict[str, dict[str, Any]] = {"\x00all": {"match_all": {}}}
    groups.update({s: {"term": {"site_host": s}} for s in sites})
    found = rating_series(index, scope.query, scope.filters, groups, interval=interval, since=since, until=until,
                          tz=tz)
    series = [RatingSeriesOut(site=None if name == "\x00all" else name,
                              buckets=[RatingBucketOut(start=b.start, count=b.count, mean_rating=b.mean_rating,
                                                       mean_stars=b.mean_stars, stars=b.stars) for b in buckets])
              for name, buckets in found.items()]
    return RatingsOut(interval=interval, tz=str(tz), since=series[0].buckets[0].start,
                      until=until.astimezone(tz), series=series)
