"""Parsing the values people type (API query strings, CLI options, the config): times, ages,
durations, time zones, lists and the query itself. The API and the command line both use these."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from earful.errors import BadRequest, QuerySyntaxError
from earful.query import Node, parse
from earful.query.fields import QUERY_FIELDS

_RELATIVE = re.compile(r"^(\d{1,6})([mhdw])$")
_LOST_PLUS = re.compile(r"^(.*[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
MAX_QUERY_CHARS = 10_000
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
MAX_INTERVAL = 366 * 86400  # a source collected less than once a year is not being watched
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)  # times outside these are typing mistakes, not filters
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)


def parse_duration(value: object) -> int:
    """``90``, ``"30s"``, ``"15m"``, ``"2h"``, ``"1d"`` → seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like 900, '15m', '1h' or '1d'")
    if isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a duration; write e.g. 900, '15m', '1h' or '1d'")
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds < 10:
        raise ValueError("must be at least 10 seconds, to stay polite to the source")
    if seconds > MAX_INTERVAL:
        raise ValueError(f"must be at most {MAX_INTERVAL // 86400} days; disable the source (enabled: false) "
                         "instead of collecting it that rarely")
    return seconds


def parse_time(value: str | None, name: str, now: datetime | None = None) -> datetime | None:
    """ISO 8601 date or datetime (no zone = UTC), or a relative age like ``24h`` or ``7d``.

    Times before 1900 or from 2200 on (ages that reach that far too) are a BadRequest.
    """
    if value is None or value == "":
        return None
    value = value.strip()
    match = _RELATIVE.match(value)
    try:
        if match:
            delta = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
            moment = (now or datetime.now(timezone.utc)) - delta
        else:
            # A "+" in a URL decodes to a space: "…T08:00:00 02:00" meant "+02:00".
            moment = datetime.fromisoformat(_LOST_PLUS.sub(r"\1+\2", value.replace("Z", "+00:00")))
            moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    except ValueError:
        raise BadRequest(f"{name}={value[:40]!r} is not a date: use ISO 8601 like 2026-11-01 or "
                         "2026-11-01T08:00:00Z, or an age like 24h or 7d") from None
    except OverflowError:
        moment = LATEST if not match else EARLIEST - timedelta(days=1)
    if not EARLIEST <= moment < LATEST:
        raise BadRequest(f"{name}={value[:40]!r} is out of range: times must fall between "
                         f"{EARLIEST:%Y-%m-%d} and {LATEST - timedelta(days=1):%Y-%m-%d}")
    return moment


def parse_zone(value: str | None) -> ZoneInfo:
    if not value:
        return ZoneInfo("UTC")
    try:
        if len(value) > 64 or ".." in value or value.startswith("/"):
            raise ValueError(value)
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"tz={value[:64]!r} is not an IANA time zone name; "
                         "use e.g. UTC, Europe/Berlin or America/New_York") from None


def parse_query(value: str | None) -> Node | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_QUERY_CHARS:
        raise BadRequest(f"q is {len(value)} characters long; the limit is {MAX_QUERY_CHARS}")
    try:
        return parse(value, fields=QUERY_FIELDS)
    except QuerySyntaxError as exc:
        raise BadRequest(f"q: {exc.reason} at position {exc.position}") from None


def split_list(values: list[str] | None) -> list[str]:
    """``brand=a&brand=b`` and ``brand=a,b`` both mean a or b."""
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out
