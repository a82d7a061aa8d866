"""How values look on the pages, and how the filter form reads and writes itself."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from starlette.datastructures import QueryParams

from api.dashboard.forms import Filters, read_filters
from api.dashboard.present import ago, highlighted, signed, stars, text_dir
from earful.errors import BadRequest


def test_right_to_left_languages_and_the_rest() -> None:
    assert [text_dir(lang) for lang in ("ar", "fa", "he", "ur", "he-IL")] == ["rtl"] * 5
    assert [text_dir(lang) for lang in ("en", "ru", None, "")] == ["auto"] * 4


def test_highlights_keep_only_their_marks() -> None:
    assert str(highlighted("no <b>refund</b> &amp; no reply")) == "no <mark>refund</mark> &amp; no reply"
    hostile = str(highlighted('<b>x</b><img src=x onerror="alert(1)">'))
    assert "<img" not in hostile and "&lt;img" in hostile and "<mark>" not in hostile


@pytest.mark.parametrize("normalized, full, half, label", [
    (1.0, 5, 0, "5 of 5 stars"), (0.0, 1, 0, "1 of 5 stars"), (0.625, 3, 1, "3.5 of 5 stars"), (0.5, 3, 0, "3 of 5 stars")])
def test_ratings_become_stars(normalized: float, full: int, half: int, label: str) -> None:
    shown = stars(normalized)
    assert shown is not None and (shown["full"], shown["half"], shown["label"]) == (full, half, label)
    assert shown["full"] + shown["half"] + shown["empty"] == 5
    assert stars(None) is None


def test_times_ago_and_signed_numbers() -> None:
    now = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    assert ago(now - timedelta(minutes=5), now) == "5 min ago" and ago(now + timedelta(hours=2), now) == "in 2 h"
    assert ago(now - timedelta(minutes=5), now, compact=True) == "5m ago" and ago(None, now) == "—"
    assert (signed(0.25), signed(-0.3), signed(0.0), signed(None)) == ("+0.25", "−0.30", "0.00", "—")


def filters(**params: str) -> Filters:
    return read_filters(QueryParams(params), {})


def test_the_form_reads_dates_in_the_zone_and_exact_windows_first() -> None:
    f = filters(start="2026-03-01", end="2026-03-02", tz="Europe/Berlin", range="7d")
    assert f.since() == "2026-03-01T00:00:00+01:00" and f.until() == "2026-03-03T00:00:00+01:00"
    assert filters(range="7d").since() == "7d" and filters(range="all").since() is None
    exact = filters(since="2026-03-01T10:00:00+00:00", until="2026-03-01T11:00:00+00:00", range="7d")
    assert exact.since() == "2026-03-01T10:00:00+00:00" and exact.until() == "2026-03-01T11:00:00+00:00"
    assert filters(range="forever").range == "all"


def test_the_site_filter_joins_the_query_and_links_keep_what_was_asked() -> None:
    f = filters(q="refund OR outage", site="https://News.Example.com/path", brand="acme", sort="newest")
    assert f.site == "news.example.com" and f.query() == "(refund OR outage) AND site:news.example.com"
    assert f.link("/mentions", brand="") == "/mentions?q=refund+OR+outage&site=news.example.com&range=all&tz=UTC"
    assert f.active == 2
    with pytest.raises(BadRequest, match="host name"):
        filters(site="not a host")


def test_problems_point_at_their_position_and_bad_zones_are_explained() -> None:
    problem = filters(q='refund AND "gift').problem()
    assert problem is not None and problem.before + problem.at + problem.after == 'refund AND "gift'
    assert problem.at == '"' and "quote" in problem.reason
    assert filters(q="refund").problem() is None
    with pytest.raises(BadRequest, match="tz"):
        filters(tz="Mars/Olympus")
    assert read_filters(QueryParams({}), {"earful_tz": "Mars/Olympus"}).tz == "UTC"  # a stale cookie
    assert read_filters(QueryParams({}), {"earful_tz": "Asia/Tehran"}).tz == "Asia/Tehran"
