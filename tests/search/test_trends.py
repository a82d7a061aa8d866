from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from earful.errors import BadRequest
from earful.models import Mention, Sentiment
from search.base import SearchFilters
from search.embedded import EmbeddedIndex
from search.trends import bucket_offset_ms, floor_local, offset_segments, trend

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def mention(i: int, when: datetime, label: str = "neutral", score: float | None = 0.0,
            brand: str = "acme") -> Mention:
    return Mention(id=f"m{i}", source="feed", source_name="s", title=f"note {i}", text="acme text",
                   published_at=when, brands=[brand],
                   sentiment=Sentiment(score=score, label=label, model="t" if score is not None else None))  # type: ignore[arg-type]


@pytest.fixture
def index(tmp_path: Path):  # type: ignore[no-untyped-def]
    idx = EmbeddedIndex(tmp_path / "index")
    yield idx
    idx.close()


def test_bucket_offsets_align_buckets_to_local_boundaries() -> None:
    assert bucket_offset_ms("day", timedelta(0)) == 0
    assert bucket_offset_ms("day", timedelta(hours=1)) == 23 * 3600_000  # Berlin midnight = 23:00 UTC
    assert bucket_offset_ms("day", timedelta(hours=5, minutes=30)) == (18 * 60 + 30) * 60_000
    assert bucket_offset_ms("hour", timedelta(hours=5, minutes=30)) == 30 * 60_000
    assert bucket_offset_ms("week", timedelta(0)) == 4 * 86400_000  # epoch Thursday → Monday


def test_offset_segments_split_at_daylight_saving_change() -> None:
    segments = offset_segments(at(2026, 10, 20), at(2026, 10, 30), BERLIN)
    assert segments == [(at(2026, 10, 20), at(2026, 10, 25, 1), timedelta(hours=2)),
                        (at(2026, 10, 25, 1), at(2026, 10, 30), timedelta(hours=1))]
    assert offset_segments(at(2026, 1, 1), at(2026, 2, 1), KOLKATA) == [
        (at(2026, 1, 1), at(2026, 2, 1), timedelta(hours=5, minutes=30))]


def test_floor_local_week_starts_on_monday_local_midnight() -> None:
    assert floor_local(at(2026, 11, 19, 15), "week", BERLIN) == datetime(2026, 11, 16, tzinfo=BERLIN)
    assert floor_local(at(2026, 11, 19, 23, 30), "day", BERLIN) == datetime(2026, 11, 20, tzinfo=BERLIN)


def test_daily_utc_buckets_count_labels_mean_and_include_empty_days(index) -> None:
    index.upsert([mention(1, at(2026, 11, 1, 8), "positive", 0.5),
                  mention(2, at(2026, 11, 1, 20), "negative", -0.3),
                  mention(3, at(2026, 11, 3, 1), "unscored", None),
                  mention(4, at(2026, 11, 3, 2), "neutral", 0.0, brand="globex")])
    buckets = trend(index, None, SearchFilters(brands=["acme"]), interval="day",
                    since=at(2026, 11, 1), until=at(2026, 11, 4), tz=ZoneInfo("UTC"))
    assert [(b.start.day, b.count, b.labels["positive"], b.labels["negative"], b.labels["unscored"],
             b.mean_sentiment) for b in buckets] == [
        (1, 2, 1, 1, 0, 0.1), (2, 0, 0, 0, 0, None), (3, 1, 0, 0, 1, None)]


def test_day_buckets_follow_the_users_zone_across_daylight_saving(index) -> None:
    # 23:30 UTC on 24 Oct is 01:30 on 25 Oct in Berlin (CEST); 23:30 UTC on 25 Oct is 00:30 on 26 Oct (CET).
    index.upsert([mention(1, at(2026, 10, 24, 21, 30)), mention(2, at(2026, 10, 24, 23, 30)),
                  mention(3, at(2026, 10, 25, 22, 30)), mention(4, at(2026, 10, 25, 23, 30))])
    buckets = trend(index, None, SearchFilters(), interval="day", since=at(2026, 10, 23, 22),
                    until=at(2026, 10, 26, 23), tz=BERLIN)
    assert [(b.start.isoformat(), b.count) for b in buckets] == [
        ("2026-10-24T00:00:00+02:00", 1), ("2026-10-25T00:00:00+02:00", 2),
        ("2026-10-26T00:00:00+01:00", 1)]


def test_half_hour_zone_days_and_hours(index) -> None:
    index.upsert([mention(1, at(2026, 3, 1, 18, 15)), mention(2, at(2026, 3, 1, 18, 45))])
    days = trend(index, None, SearchFilters(), interval="day", since=at(2026, 3, 1), until=at(2026, 3, 3),
                 tz=KOLKATA)
    # 18:15 UTC = 23:45 IST on 1 March; 18:45 UTC = 00:15 IST on 2 March.
    assert [(b.start.day, b.count) for b in days] == [(1, 1), (2, 1), (3, 0)]
    hours = trend(index, None, SearchFilters(), interval="hour", since=at(2026, 3, 1, 18),
                  until=at(2026, 3, 1, 20), tz=KOLKATA)
    assert [(b.start.strftime("%H:%M"), b.count) for b in hours] == [
        ("23:00", 1), ("00:00", 1), ("01:00", 0)]


def test_week_buckets_start_on_monday(index) -> None:
    index.upsert([mention(1, at(2026, 11, 15, 12)), mention(2, at(2026, 11, 16, 12)),
                  mention(3, at(2026, 11, 22, 12))])
    weeks = trend(index, None, SearchFilters(), interval="week", since=at(2026, 11, 10),
                  until=at(2026, 11, 24), tz=ZoneInfo("UTC"))
    assert [(b.start.date().isoformat(), b.count) for b in weeks] == [
        ("2026-11-09", 1), ("2026-11-16", 2), ("2026-11-23", 0)]


def test_too_many_buckets_and_reversed_range_are_bad_requests(index) -> None:
    with pytest.raises(BadRequest, match="buckets"):
        trend(index, None, SearchFilters(), interval="hour", since=at(2020, 1, 1), until=at(2026, 1, 1),
              tz=ZoneInfo("UTC"))
    with pytest.raises(BadRequest, match="earlier"):
        trend(index, None, SearchFilters(), interval="day", since=at(2026, 1, 2), until=at(2026, 1, 1),
              tz=ZoneInfo("UTC"))
