"""Dates as pages write them (ISO 8601, RFC 2822, "March 3, 2021", "03.12.2020") → aware UTC datetimes."""

from __future__ import annotations

import email.utils
import warnings
from datetime import datetime, timezone

from dateutil import parser as date_parser


def parse_date(value: object) -> datetime | None:
    """An aware UTC datetime, or None when ``value`` is empty or not a date."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    when: datetime | None = None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            when = _fuzzy(text)
    if when is None:
        return None
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def _fuzzy(text: str) -> datetime | None:
    # Day-first for dotted dates ("03.12.2020" is 3 December in the places that write it).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateutil warns about unknown time zone names
        try:
            when = date_parser.parse(text, dayfirst="." in text, default=datetime(2000, 1, 1))
        except (ValueError, OverflowError, TypeError):
            return None
    return when if 1990 <= when.year <= 2100 else None
