"""Aggregations the embedded index refuses (what both backends answer alike is in tests/search/contract)."""

from __future__ import annotations

from typing import Any

import pytest

from earful.errors import BadRequest
from search.base import SearchFilters
from search.embedded import EmbeddedIndex


@pytest.mark.parametrize(("aggs", "message"), [
    ({"h": {"date_histogram": {"field": "published_at", "calendar_interval": "day"}}}, "fixed_interval"),
    ({"h": {"date_histogram": {"field": "published_at", "fixed_interval": "1d",
                               "time_zone": "Europe/Berlin"}}}, "offset"),
    ({"h": {"date_histogram": {"field": "published_at", "fixed_interval": "1 day"}}}, "interval"),
    ({"f": {"filter": {"match": {"text": "refund"}}}}, "unsupported filter"),
    ({"f": {"filter": {"range": {"published_at": {"gte": "now-1d"}}}}}, "date math"),
])
def test_bad_aggregations_are_bad_requests(index: EmbeddedIndex, aggs: dict[str, Any], message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        index.aggregate(None, SearchFilters(), aggs)
