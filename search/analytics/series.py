"""Time series per group (brand, source, site, …) in the user's time zone, from one aggregation per segment.

Groups are Elasticsearch filter queries, so any field and any set of values can be a group
(a ``filter`` aggregation counts each exactly, unlike a ``terms`` cut per shard or segment). Each
group counts the labels toward one brand (a series per brand: each brand's own) or, by default,
those the filters' scope reads (search/sentiment_scope.py). Day and week
buckets follow the zone's midnights through daylight-saving changes as search/trends.py does:
the range is cut where the offset changes and each segment is bucketed with its own offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from earful.errors import BadRequest
from earful.query import Node
from search.base import IndexBackend, SearchFilters
from search.sentiment_scope import label_terms, scope_brand
from search.trends import (
    INTERVAL_SECONDS,
    LABELS,
    Interval,
    bucket_offset_ms,
    floor_local,
    local_buckets,
    offset_segments,
)

RATING_STATS = {"stats": {"field": "rating"}}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass
class Tally:
    """Mention counts by sentiment label, and the ratings among them."""

    labels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    rated: int = 0
    rating_sum: float = 0.0

    @property
    def count(self) -> int:
        return sum(self.labels.values())

    @property
    def scored(self) -> int:
        return self.count - self.labels["unscored"]

    @property
    def net_sentiment(self) -> float | None:
        """(positive − negative) / scored mentions, −1..1; None when none is scored."""
        if not self.scored:
            return None
        return round((self.labels["positive"] - self.labels["negative"]) / self.scored, 4)

    @property
    def mean_rating(self) -> float | None:
        """Mean normalised rating (0 worst .. 1 best) of the rated mentions."""
        return round(self.rating_sum / self.rated, 4) if self.rated else None

    def add_labels(self, result: Mapping[str, Any], *, ratings: bool) -> None:
        """Add a ``labels`` terms result (each bucket may hold ``rating`` stats)."""
        for bucket in result["labels"]["buckets"]:
            self.labels[bucket["key"]] = self.labels.get(bucket["key"], 0) + int(bucket["doc_count"])
            if ratings:
                self.add_rating(bucket["rating"])

    def add_rating(self, stats: Mapping[str, Any]) -> None:
        self.rated += int(stats.get("count") or 0)
        self.rating_sum += float(stats.get("sum") or 0.0)

    def merge(self, other: Tally) -> None:
        for label, n in other.labels.items():
            self.labels[label] = self.labels.get(label, 0) + n
        self.rated += other.rated
        self.rating_sum += other.rating_sum


@dataclass
class SeriesBucket(Tally):
    start: datetime = EPOCH  # local bucket start, zone-aware


def label_aggs(ratings: bool, inner: dict[str, Any] | None = None, brand: str | None = None) -> dict[str, Any]:
    """``labels`` terms (toward ``brand``, else the overall), each with ``inner`` sub-aggregations and
    optionally rating stats."""
    subs = dict(inner or {})
    if ratings:
        subs["rating"] = RATING_STATS
    terms = label_terms(brand)
    return {"labels": {**terms, "aggs": subs} if subs else terms}


LabelBrands = Mapping[str, str | None]


def _group_aggs(groups: Mapping[str, dict[str, Any]], brands: LabelBrands, ratings: bool,
                inner: dict[str, Any] | None = None) -> dict[str, Any]:
    """One ``filter`` aggregation per group (``g0``, ``g1`` …), its labels toward its brand."""
    return {f"g{i}": {"filter": spec, "aggs": label_aggs(ratings, inner, brands.get(name))}
            for i, (name, spec) in enumerate(groups.items())}


def _brands(groups: Mapping[str, Any], filters: SearchFilters, label_brands: LabelBrands | None) -> LabelBrands:
    """Whose labels each group counts: as given, else the brand the filters' scope reads (or the overall)."""
    if label_brands is not None:
        return label_brands
    return dict.fromkeys(groups, scope_brand(filters))


def totals(index: IndexBackend, query: Node | None, filters: SearchFilters,
           groups: Mapping[str, dict[str, Any]], *, ratings: bool = False,
           label_brands: LabelBrands | None = None) -> dict[str, Tally]:
    """One tally per group over the filters' whole period."""
    if not groups:
        return {}
    aggs = _group_aggs(groups, _brands(groups, filters, label_brands), ratings)
    result = index.aggregate(query, filters, aggs)
    out = {name: Tally() for name in groups}
    for i, tally in enumerate(out.values()):
        tally.add_labels(result[f"g{i}"], ratings=ratings)
    return out


def _histogram(interval: Interval, offset_ms: int) -> dict[str, Any]:
    return {"field": "published_at", "fixed_interval": f"{INTERVAL_SECONDS[interval]}s",
            "offset": f"+{offset_ms}ms", "min_doc_count": 1}


def series(index: IndexBackend, query: Node | None, filters: SearchFilters,
           groups: Mapping[str, dict[str, Any]], *, interval: Interval, since: datetime, until: datetime,
           tz: ZoneInfo, ratings: bool = False, label_brands: LabelBrands | None = None) -> dict[str, list[SeriesBucket]]:
    """Every local bucket from the one holding ``since`` up to ``until``, per group, empty ones included;
    ``label_brands``: per group, the brand whose labels it counts (None: the overall ones)."""
    if since >= until:
        raise BadRequest("since must be earlier than until")
    brands = _brands(groups, filters, label_brands)
    starts = [b.start for b in local_buckets(since, until, interval, tz)]
    out = {name: [SeriesBucket(start=s) for s in starts] for name in groups}
    index_of = {s.astimezone(timezone.utc): i for i, s in enumerate(starts)}
    for seg_start, seg_end, utc_offset in offset_segments(starts[0].astimezone(timezone.utc), until, tz):
        timeline: dict[str, Any] = {"date_histogram": _histogram(interval, bucket_offset_ms(interval, utc_offset))}
        if ratings:
            timeline["aggs"] = {"rating": RATING_STATS}
        aggs = _group_aggs(groups, brands, False, {"timeline": timeline})
        result = index.aggregate(query, replace(filters, since=seg_start, until=seg_end), aggs)
        for i, buckets in enumerate(out.values()):
            _merge(result[f"g{i}"], seg_start, buckets, index_of, interval, tz, ratings)
    return out


def _merge(group: Mapping[str, Any], seg_start: datetime, buckets: list[SeriesBucket],
           index_of: dict[datetime, int], interval: Interval, tz: ZoneInfo, ratings: bool) -> None:
    for label in group["labels"]["buckets"]:
        for raw in label["timeline"]["buckets"]:
            # The first bucket of a segment may start before it (the offset changed mid-bucket).
            moment = max(datetime.fromtimestamp(raw["key"] / 1000, tz=timezone.utc), seg_start)
            position = index_of.get(floor_local(moment, interval, tz).astimezone(timezone.utc))
            if position is None:
                continue
            bucket = buckets[position]
            bucket.labels[label["key"]] = bucket.labels.get(label["key"], 0) + int(raw["doc_count"])
            if ratings:
                bucket.add_rating(raw["rating"])
