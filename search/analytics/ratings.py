"""Review ratings over time: mean normalised rating, count and the 1–5 star distribution per bucket."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from earful.errors import BadRequest
from earful.query import Node
from search.analytics.series import EPOCH
from search.base import IndexBackend, SearchFilters
from search.trends import (
    INTERVAL_SECONDS,
    Interval,
    bucket_offset_ms,
    floor_local,
    local_buckets,
    offset_segments,
)

# Rating.normalized is 0 for the worst and 1 for the best: on five stars 1★ 0, 2★ 0.25 … 5★ 1.
# Other scales are binned to the nearest of those five positions.
STARS = ("1", "2", "3", "4", "5")
_STAR_RANGES = [{"key": "1", "to": 0.125}, {"key": "2", "from": 0.125, "to": 0.375},
                {"key": "3", "from": 0.375, "to": 0.625}, {"key": "4", "from": 0.625, "to": 0.875},
                {"key": "5", "from": 0.875}]
RATED = {"exists": {"field": "rating"}}


@dataclass
class RatingBucket:
    start: datetime = EPOCH
    count: int = 0
    rating_sum: float = 0.0
    stars: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STARS, 0))

    @property
    def mean_rating(self) -> float | None:
        return round(self.rating_sum / self.count, 4) if self.count else None

    @property
    def mean_stars(self) -> float | None:
        """The mean on a 1–5 star scale."""
        return None if self.mean_rating is None else round(1 + 4 * self.mean_rating, 3)


def _timeline(interval: Interval, offset_ms: int) -> dict[str, Any]:
    return {"date_histogram": {"field": "published_at", "fixed_interval": f"{INTERVAL_SECONDS[interval]}s",
                               "offset": f"+{offset_ms}ms", "min_doc_count": 1},
            "aggs": {"rating": {"stats": {"field": "rating"}},
                     "stars": {"range": {"field": "rating", "ranges": _STAR_RANGES}}}}


def rating_series(index: IndexBackend, query: Node | None, filters: SearchFilters,
                  groups: dict[str, dict[str, Any]], *, interval: Interval, since: datetime, until: datetime,
                  tz: ZoneInfo) -> dict[str, list[RatingBucket]]:
    """Per group (e.g. ``{"all": {"match_all": {}}}`` or one per site), every bucket of rated mentions."""
    if since >= until:
        raise BadRequest("since must be earlier than until")
    starts = [b.start for b in local_buckets(since, until, interval, tz)]
    out = {name: [RatingBucket(start=s) for s in starts] for name in groups}
    position = {s: i for i, s in enumerate(starts)}
    first = starts[0]
    for seg_start, seg_end, offset in offset_segments(first.astimezone(timezone.utc), until, tz):
        aggs = {"rated": {"filter": RATED, "aggs": {"groups": {"filters": {"filters": groups},
                                                               "aggs": {"timeline": _timeline(
                                                                   interval, bucket_offset_ms(interval, offset))}}}}}
        result = index.aggregate(query, replace(filters, since=seg_start, until=seg_end), aggs)
        for name, buckets in out.items():
            for raw in result["rated"]["groups"]["buckets"][name]["timeline"]["buckets"]:
                moment = max(datetime.fromtimestamp(raw["key"] / 1000, tz=timezone.utc), seg_start)
                at = position.get(floor_local(moment, interval, tz))
                if at is not None:
                    _add(buckets[at], raw)
    return out


def _add(bucket: RatingBucket, raw: dict[str, Any]) -> None:
    bucket.count += int(raw["rating"].get("count") or 0)
    bucket.rating_sum += float(raw["rating"].get("sum") or 0.0)
    for star in raw["stars"]["buckets"]:
        bucket.stars[star["key"]] += int(star["doc_count"])


def rated_sites(index: IndexBackend, query: Node | None, filters: SearchFilters, size: int) -> list[str]:
    """The sites with most rated mentions (ties by name)."""
    aggs = {"rated": {"filter": RATED, "aggs": {"sites": {"terms": {"field": "site_host", "size": size + 10}}}}}
    buckets = index.aggregate(query, filters, aggs)["rated"]["sites"]["buckets"]
    ranked = sorted(buckets, key=lambda b: (-int(b["doc_count"]), str(b["key"])))
    return [str(b["key"]) for b in ranked[:size]]
