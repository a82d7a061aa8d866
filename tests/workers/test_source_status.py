"""Source health as users see it: configured sources joined with what their runs recorded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from earful.config import parse_config
from earful.state import SQLiteStateStore
from workers.health import record_run
from workers.source_status import source_statuses
from workers.stats import RunStats

CONFIG = {
    "brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
    "sources": [
        {"name": "news", "type": "feed", "url": "http://127.0.0.1:1/rss", "interval": "15m"},
        {"name": "reddit-acme", "type": "reddit", "subreddits": ["acme"]},
        {"name": "reviews-acme", "type": "reviews", "brand": "acme", "urls": ["http://127.0.0.1:1/r"],
         "enabled": False},
    ],
}


def test_runs_add_up_and_every_source_is_listed_in_config_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = parse_config(CONFIG)
    state = SQLiteStateStore(tmp_path / "state.sqlite3")
    started = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
    first = RunStats(collected=10, duplicates=2, indexed=7)
    first.dropped["no_brand"] = 3
    record_run(state, "news", first, interval=900, started=started)
    second = RunStats(collected=4, duplicates=1, indexed=4)
    second.errors["parse"] = 2
    record_run(state, "news", second, interval=900, started=started + timedelta(minutes=15))
    failed = RunStats()
    failed.errors["rate_limited"] = 1
    record_run(state, "reddit-acme", failed, interval=900, started=started, error="429 Too Many Requests")
    record_run(state, "old-feed", RunStats(collected=1, indexed=1), interval=60, started=started)
    record_run(state, "reviews-acme", RunStats(collected=3, indexed=3), interval=900, started=started,
               error="page 2: 404", partial=True)

    statuses = {s.name: s for s in source_statuses(config, state)}
    assert list(statuses) == ["news", "reddit-acme", "reviews-acme", "old-feed"]
    news = statuses["news"]
    assert (news.status, news.runs, news.last_collected, news.last_duplicates) == ("ok", 2, 4, 1)
    assert (news.total_collected, news.total_indexed, news.total_duplicates) == (14, 11, 3)
    assert news.errors_by_kind == {"parse": 2} and news.type == "feed" and news.interval_s == 900
    assert news.next_run_at == started + timedelta(minutes=30)
    reddit = statuses["reddit-acme"]
    assert reddit.status == "error" and reddit.errors_by_kind == {"rate_limited": 1}
    assert reddit.last_error == "429 Too Many Requests" and reddit.last_success_at is None
    assert "r/acme" in reddit.target
    reviews = statuses["reviews-acme"]
    assert reviews.status == "disabled" and reviews.runs == 1 and reviews.next_run_at is None
    assert reviews.brand == "acme"
    old = statuses["old-feed"]
    assert old.status == "not_configured" and not old.configured and old.total_collected == 1
    state.close()


def test_a_run_that_failed_in_part_is_partial_not_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = parse_config(CONFIG)
    state = SQLiteStateStore(tmp_path / "state.sqlite3")
    started = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
    record_run(state, "news", RunStats(collected=3, indexed=3), interval=900, started=started,
               error="one of two queries failed: 404", partial=True)
    [news, *_] = source_statuses(config, state)
    assert news.status == "partial" and news.last_collected == 3 and news.last_error
    state.close()


def test_a_source_never_run_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    state = SQLiteStateStore(tmp_path / "state.sqlite3")
    [news, *_] = source_statuses(parse_config(CONFIG), state)
    assert news.status == "never_run" and news.last_run_at is None and news.total_collected == 0
    state.close()
