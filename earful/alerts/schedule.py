"""When digests go out: ``daily 08:00 Europe/Berlin`` or ``weekly mon 08:00 Europe/Berlin`` (local time).

A digest covers the period that ends at a scheduled moment: the day (or week) before it, in the
zone's own days, so a digest at 08:00 covers 08:00 yesterday to 08:00 today across a clock change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FORM = re.compile(r"^(daily|weekly)(?:\s+([a-z]{3}))?\s+(\d{1,2}):(\d{2})(?:\s+(\S+))?$")
EXAMPLE = "use 'daily 08:00 Europe/Berlin' or 'weekly mon 08:00 Europe/Berlin'"


@dataclass(frozen=True)
class Schedule:
    every: str  # daily | weekly
    at: time
    zone: str = "UTC"
    weekday: int | None = None  # 0 = Monday (weekly)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def days(self) -> int:
        return 7 if self.every == "weekly" else 1

    def __str__(self) -> str:
        day = f" {WEEKDAYS[self.weekday]}" if self.weekday is not None else ""
        return f"{self.every}{day} {self.at:%H:%M} {self.zone}"


def parse_schedule(text: str) -> Schedule:
    """A Schedule, or ValueError saying how to write one."""
    found = _FORM.match(" ".join(str(text).strip().lower().split()))
    if not found:
        raise ValueError(f"{text!r} is not a digest schedule; {EXAMPLE}")
    every, day, hour, minute, zone = found.groups()
    if (every == "weekly") != (day is not None) or (day is not None and day not in WEEKDAYS):
        raise ValueError(f"{text!r}: a weekly digest names its day (mon … sun), a daily one none; {EXAMPLE}")
    if int(hour) > 23 or int(minute) > 59:
        raise ValueError(f"{text!r}: {hour}:{minute} is not a time of day")
    name = _zone_name(str(text), zone)
    return Schedule(every, time(int(hour), int(minute)), name, WEEKDAYS.index(day) if day else None)


def _zone_name(text: str, lowered: str | None) -> str:
    """The zone as written (zone names are case-sensitive; the rest was lower-cased)."""
    if lowered is None:
        return "UTC"
    original = text.split()[-1]
    try:
        ZoneInfo(original)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{original!r} is not an IANA time zone name; use e.g. Europe/Berlin") from None
    return original


def _at(schedule: Schedule, day: date) -> datetime:
    return datetime.combine(day, schedule.at, schedule.tz).astimezone(timezone.utc)


def last_period(schedule: Schedule, now: datetime) -> tuple[datetime, datetime]:
    """The latest period that has ended by ``now``: (start, end) in UTC."""
    local = now.astimezone(schedule.tz).date()
    day = local
    while _at(schedule, day) > now or (schedule.weekday is not None and day.weekday() != schedule.weekday):
        day -= timedelta(days=1)
    return _at(schedule, day - timedelta(days=schedule.days)), _at(schedule, day)
