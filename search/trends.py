"""Mention counts and sentiment over time, in the user's time zone, on any backend.

Backends bucket in UTC (tantivy ignores ``time_zone``), so day and week buckets are
aligned with a per-segment ``offset``: the range is cut where the zone's UTC offset
changes (daylight saving), each segment is bucketed with its own offset, and bucket keys
are mapped back to local bucket starts and merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

from earful.errors import BadRequest
from earful.query import Node
from search.base import IndexBackend, SearchFilters
from search.sentiment_scope import LABELS, label_terms, milli_field, scope_brand

__all__ = ["LABELS", "Interval", "TrendBucket", "trend"]

Interval = Literal["hour", "day", "week"]
INTERVAL_SECONDS = {"hour": 3600, "day": 86400, "week": 7 * 86400}
MAX_BUCKETS = 5000
_EPOCH_WEEKDAY_SHIFT = 4 * 86400  # 1970-01-01 was a Thursday; weeks start on Monday


@dataclass
class TrendBucket:
    start: datetime  # local bucket start, zone-aware
    count: int = 0
    labels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    score_sum: float = 0.0

    @property
    def scored(self) -> int:
        """Mentions with a score; unscored ones add nothing to ``score_sum``."""
        return self.count - self.labels["unscored"]

    @property
    def mean_sentiment(self) -> float | None:
        return round(self.score_sum / self.scored, 4) if self.scored else None


def floor_local(moment: datetime, interval: Interval, tz: ZoneInfo) -> datetime:
    """Start of the local hour, day or (Monday-based) week containing ``moment``."""
    local = moment.astimezone(tz)
    if interval == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if interval == "week":
        day -= timedelta(days=day.weekday())
    return day.replace(tzinfo=tz)  # re-resolve the offset of that local midnight


def next_local(start: datetime, interval: Interval, tz: ZoneInfo) -> datetime:
    if interval == "hour":
        return (start.astimezone(timezone.utc) + timedelta(hours=1)).astimezone(tz)
    days = 7 if interval == "week" else 1
    return (start.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=tz)


def _offset(moment: datetime, tz: ZoneInfo) -> timedelta:
    return moment.astimezone(tz).utcoffset() or timedelta()


def offset_segments(since: datetime, until: datetime, tz: ZoneInfo) -> list[tuple[datetime, datetime, timedelta]]:
    """Split [since, until) where the zone's UTC offset changes.

    Probes day by day (zones change offset at most a few times a year, never twice in a
    day), then bisects to the second where a change happened.
    """
    segments: list[tuple[datetime, datetime, timedelta]] = []
    start, offset = since, _offset(since, tz)
    probe = since
    while probe < until:
        step = min(probe + timedelta(days=1), until)
        step_offset = _offset(step, tz)
        if step_offset != offset and step < until:
            # Offsets change on whole seconds: bisect on epoch seconds for an exact boundary.
            low, high = int(probe.timestamp()), int(step.timestamp())
            while high - low > 1:
                mid = (low + high) // 2
                at_mid = datetime.fromtimestamp(mid, tz=timezone.utc)
                low, high = (mid, high) if _offset(at_mid, tz) == offset else (low, mid)
            change = datetime.fromtimestamp(high, tz=timezone.utc)
            segments.append((start, change, offset))
            start, offset = change, step_offset
        probe = step
    segments.append((start, until, offset))
    return segments


def bucket_offset_ms(interval: Interval, utc_offset: timedelta) -> int:
    """``offset`` for a UTC fixed_interval histogram whose buckets start at local boundaries."""
    size = INTERVAL_SECONDS[interval] * 1000
    shift = _EPOCH_WEEKDAY_SHIFT * 1000 if interval == "week" else 0
    return (shift - int(utc_offset.total_seconds() * 1000)) % size


def _aggs(interval: Interval, offset_ms: int, brand: str | None) -> dict[str, Any]:
    """Per label, per bucket: the count and the sum of scores in thousandths (toward ``brand``, when
    given).

    ``terms > date_histogram > sum`` is one pass with one metric; an integer sum is exact,
    and unscored mentions add 0 to it.
    """
    histogram = {"field": "published_at", "fixed_interval": f"{INTERVAL_SECONDS[interval]}s",
                 "offset": f"+{offset_ms}ms", "min_doc_count": 1}
    return {"labels": {**label_terms(brand),
                       "aggs": {"timeline": {"date_histogram": histogram,
                                             "aggs": {"milli": {"sum": {"field": milli_field(brand)}}}}}}}


def local_buckets(since: datetime, until: datetime, interval: Interval, tz: ZoneInfo) -> list[TrendBucket]:
    buckets, start = [], floor_local(since, interval, tz)
    while start < until:
        buckets.append(TrendBucket(start=start))
        if len(buckets) > MAX_BUCKETS:
            raise BadRequest(f"more than {MAX_BUCKETS} {interval} buckets: narrow since/until "
                             "or use a larger interval")
        start = next_local(start, interval, tz)
    return buckets


def _merge(result: dict[str, Any], seg_start: datetime, by_start: dict[datetime, TrendBucket],
           interval: Interval, tz: ZoneInfo) -> None:
    """Add one segment's aggregation result into the local buckets."""
    found: dict[float, TrendBucket | None] = {}

    def bucket_at(key_ms: float) -> TrendBucket | None:
        if key_ms not in found:  # the same keys come back once per label
            # The first bucket of a segment may start before it (the offset changed mid-bucket).
            moment = max(datetime.fromtimestamp(key_ms / 1000, tz=timezone.utc), seg_start)
            found[key_ms] = by_start.get(floor_local(moment, interval, tz).astimezone(timezone.utc))
        return found[key_ms]

    for label in result["labels"]["buckets"]:
        for raw in label["timeline"]["buckets"]:
            if (bucket := bucket_at(raw["key"])) is not None:
                bucket.count += raw["doc_count"]
                bucket.labels[label["key"]] = bucket.labels.get(label["key"], 0) + raw["doc_count"]
                bucket.score_sum += float(raw["milli"]["value"] or 0) / 1000


def trend(index: IndexBackend, query: Node | None, filters: SearchFilters, *, interval: Interval,
          since: datetime, until: datetime, tz: ZoneInfo) -> list[TrendBucket]:
    """Every bucket from the one holding ``since`` up to ``until``, empty ones included; with one brand
    in the filters, its labels and mean sentiment are those toward that brand."""
    if since >= until:
        raise BadRequest("since must be earlier than until")
    brand = scope_brand(filters)
    buckets = local_buckets(since, until, interval, tz)
    by_start = {b.start.astimezone(timezone.utc): b for b in buckets}
    first = buckets[0].start.astimezone(timezone.utc)
    for seg_start, seg_end, utc_offset in offset_segments(first, until, tz):
        seg_filters = replace(filters, since=seg_start, until=seg_end)
        result = index.aggregate(query, seg_filters, _aggs(interval, bucket_offset_ms(interval, utc_offset), brand))
        _merge(result, seg_start, by_start, interval, tz)
    return buckets


class Counts(NamedTuple):
    """Per bucket: every mention, the negative ones, and those whose sentiment is not known yet (``unscored``:
    waiting for the accurate scorer, or in a language without one)."""

    mentions: list[int]
    negative: list[int]
    unscored: list[int]

    def scored(self) -> list[int]:
        """Mentions per bucket whose sentiment is known: what a negative share is a share of."""
        return [total - unknown for total, unknown in zip(self.mentions, self.unscored)]


def _label_timeline(step: int, brand: str | None) -> dict[str, Any]:
    """Labels (toward ``brand``, else the overall ones), each with its fixed buckets of ``step`` seconds."""
    histogram = {"field": "published_at", "fixed_interval": f"{step}s", "min_doc_count": 1}
    return {"labels": {**label_terms(brand), "aggs": {"timeline": {"date_histogram": histogram}}}}


def _dense(result: dict[str, Any], step: int, since: datetime, size: int) -> Counts:
    counts, negative, unscored = [0] * size, [0] * size, [0] * size
    start_ms = since.timestamp() * 1000
    for label in result["labels"]["buckets"]:
        for raw in label["timeline"]["buckets"]:
            i = int((raw["key"] - start_ms) // (step * 1000))
            if 0 <= i < size:
                counts[i] += raw["doc_count"]
                if label["key"] == "negative":
                    negative[i] += raw["doc_count"]
                elif label["key"] == "unscored":
                    unscored[i] += raw["doc_count"]
    return Counts(counts, negative, unscored)


def _span(step: int, since: datetime, until: datetime) -> int:
    if (since.timestamp() % step) or since >= until:
        raise BadRequest("since must be a bucket start before until")
    return -int((since - until).total_seconds() // step)


def fixed_buckets(index: IndexBackend, query: Node | None, filters: SearchFilters, *, step: int,
                  since: datetime, until: datetime) -> Counts:
    """Mentions, negative and unscored mentions per UTC bucket of ``step`` seconds, from ``since`` (a bucket
    start, a multiple of ``step`` since the epoch) up to ``until``: what alerts count, through the trends path
    (labels toward the brand when the filters name one)."""
    size = _span(step, since, until)
    result = index.aggregate(query, replace(filters, since=since, until=until),
                             _label_timeline(step, scope_brand(filters)))
    return _dense(result, step, since, size)


def fixed_buckets_by_brand(index: IndexBackend, brands: list[str], *, step: int, since: datetime,
                           until: datetime) -> dict[str, Counts]:
    """``fixed_buckets`` of several brands at once, each counting the labels toward itself: one aggregation
    over the period (duplicates excluded), far cheaper than one search per brand when many alert rules
    watch brands."""
    size = _span(step, since, until)
    wanted = sorted(set(brands))
    if not wanted:
        return {}
    aggs = {f"b{i}": {"filter": {"term": {"brands": brand}}, "aggs": _label_timeline(step, brand)}
            for i, brand in enumerate(wanted)}
    result = index.aggregate(None, SearchFilters(brands=wanted, since=since, until=until), aggs)
    return {brand: _dense(result[f"b{i}"], step, since, size) for i, brand in enumerate(wanted)}
