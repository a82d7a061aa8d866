"""Brands side by side: volume, share of voice, sentiment and ratings per bucket, totals and change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from earful.config import AppConfig
from earful.errors import BadRequest
from earful.query import Node
from search.analytics.series import SeriesBucket, Tally, series, totals
from search.base import IndexBackend, SearchFilters
from search.trends import Interval, floor_local

MAX_BRANDS = 10


@dataclass
class BrandSeries:
    brand: str
    buckets: list[SeriesBucket]
    shares: list[float | None]  # share of voice per bucket: this brand's mentions / all compared brands'
    total: Tally
    share: float | None
    previous: Tally  # the period of the same length just before
    previous_share: float | None


@dataclass
class Comparison:
    since: datetime  # start of the first bucket
    until: datetime
    previous_since: datetime
    brands: list[BrandSeries]


def brands_to_compare(brands: list[str], brand: list[str], config: AppConfig) -> list[str]:
    """The brands named, else the brand given and its configured competitors."""
    if brands:
        return brands
    if len(brand) == 1:
        found = config.brand(brand[0])
        return [brand[0], *(found.competitors if found else [])]
    raise BadRequest("name the brands to compare: brands=acme,globex (or brand=acme for it and its competitors)")


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _sum(buckets: list[SeriesBucket]) -> Tally:
    tally = Tally()
    for bucket in buckets:
        tally.merge(bucket)
    return tally


def compare(index: IndexBackend, query: Node | None, filters: SearchFilters, brands: list[str], *,
            interval: Interval, since: datetime, until: datetime, tz: ZoneInfo) -> Comparison:
    """Each brand's series over [since, until) and its totals now and over the period before."""
    brands = list(dict.fromkeys(brands))
    if not 1 <= len(brands) <= MAX_BRANDS:
        raise BadRequest(f"compare needs 1 to {MAX_BRANDS} brands, got {len(brands)}")
    groups = {b: {"term": {"brands": b}} for b in brands}
    base = replace(filters, brands=[])
    found = series(index, query, base, groups, interval=interval, since=since, until=until, tz=tz, ratings=True)
    start = floor_local(since, interval, tz).astimezone(timezone.utc)
    previous_since = start - (until - start)
    before = totals(index, query, replace(base, since=previous_since, until=start), groups, ratings=True)
    per_bucket = [sum(found[b][i].count for b in brands) for i in range(len(found[brands[0]]))]
    now = {b: _sum(found[b]) for b in brands}
    all_now, all_before = sum(t.count for t in now.values()), sum(t.count for t in before.values())
    out = [BrandSeries(brand=b, buckets=found[b], shares=[share(x.count, n) for x, n in zip(found[b], per_bucket)],
                       total=now[b], share=share(now[b].count, all_now), previous=before[b],
                       previous_share=share(before[b].count, all_before)) for b in brands]
    return Comparison(since=start, until=until, previous_since=previous_since, brands=out)
