"""Digest schedules: how they are written, and the period each one covers (local days, clock changes)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from earful.alerts.rules import AlertRule
from earful.alerts.schedule import last_period, parse_schedule
from earful.config import parse_config
from earful.errors import ConfigError


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_daily_periods_follow_local_days_across_a_clock_change() -> None:
    daily = parse_schedule("daily 08:00 Europe/Berlin")
    assert str(daily) == "daily 08:00 Europe/Berlin"
    # 29 March 2026: Berlin moves from UTC+1 to UTC+2 at 02:00; that day is 23 hours long
    assert last_period(daily, utc(2026, 3, 29, 6, 30)) == (utc(2026, 3, 28, 7), utc(2026, 3, 29, 6))
    assert last_period(daily, utc(2026, 3, 29, 5, 59)) == (utc(2026, 3, 27, 7), utc(2026, 3, 28, 7))


def test_weekly_periods_end_on_their_day() -> None:
    weekly = parse_schedule("Weekly MON 08:00 Europe/Berlin")
    assert str(weekly) == "weekly mon 08:00 Europe/Berlin"
    assert last_period(weekly, utc(2026, 3, 26, 12)) == (utc(2026, 3, 16, 7), utc(2026, 3, 23, 7))
    assert last_period(weekly, utc(2026, 3, 30, 6, 0)) == (utc(2026, 3, 23, 7), utc(2026, 3, 30, 6))
    assert last_period(parse_schedule("daily 23:30"), utc(2026, 3, 26, 12)) == (utc(2026, 3, 24, 23, 30),
                                                                                   utc(2026, 3, 25, 23, 30))


@pytest.mark.parametrize("text,needle", [
    ("hourly 08:00", "is not a digest schedule"),
    ("daily 24:00 UTC", "24:00 is not a time of day"),
    ("weekly 08:00 UTC", "a weekly digest names its day"),
    ("daily mon 08:00 UTC", "a weekly digest names its day"),
    ("weekly sun 8:00 Mars/Olympus", "'Mars/Olympus' is not an IANA time zone name"),
])
def test_bad_schedules_say_how_to_write_one(text: str, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        parse_schedule(text)


def test_rules_check_digest_and_batch_with_the_key_named() -> None:
    base = {"brands": [{"id": "acme", "name": "Acme", "query": "acme"}]}
    for change, needle in ((({"digest": "daily 25:00 UTC"}), "alerts[0].digest: Value error, 'daily 25:00 UTC'"),
                           ({"batch": "2m"}, "alerts[0].batch: Value error, '2m': new mentions are batched every")):
        rule = {"id": "acme-new", "brand": "acme", "trigger": "new_mentions", **change}
        with pytest.raises(ConfigError, match="invalid config") as caught:
            parse_config({**base, "alerts": [rule]})
        assert needle in str(caught.value)


def test_how_new_mentions_are_delivered() -> None:
    def rule(**extra: object) -> AlertRule:
        return AlertRule.model_validate({"id": "r", "brand": "acme", "trigger": "new_mentions", **extra})

    assert rule().batch_every == 300
    assert rule(batch="15m").batch_every == 900
    assert rule(digest="daily 08:00 Europe/Berlin").batch_every is None  # digests only
    assert rule(digest="daily 08:00 UTC", batch="10m").batch_every == 600  # both, when asked
    assert AlertRule.model_validate({"id": "r", "brand": "acme", "trigger": "volume_spike",
                                     "digest": "daily 08:00 UTC"}).batch_every is None
