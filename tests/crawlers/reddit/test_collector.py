"""The Reddit collector: real PRAW over real HTTP against recorded Reddit API replies."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.base import CollectResult, collector_for
from crawlers.reddit.collector import REFRESH_AFTER, RedditCollector, state_key
from earful.config import AppConfig, parse_config
from earful.errors import SourceError
from earful.models import mention_id
from earful.settings import Settings
from earful.state import SQLiteStateStore
from tests.crawlers.reddit.replay import (
    FORBIDDEN,
    HTML_400,
    NEW,
    NOT_FOUND,
    POLL,
    SEARCH,
    THREAD,
    RedditReplay,
)


@pytest.fixture
def state(tmp_path: Path) -> Iterator[SQLiteStateStore]:
    store = SQLiteStateStore(tmp_path / "state.sqlite3")
    yield store
    store.close()


def recorded(cassettes: Path, name: str, index: int = 1) -> Any:
    """The JSON body of a cassette's ``index``-th interaction (0 is the token POST)."""
    data = json.loads((cassettes / name).read_text(encoding="utf-8"))
    return json.loads(data["interactions"][index]["response"]["body"]["string"])


def listing(children: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"children": children, "after": None, "before": None}}


def config(source: dict[str, Any], query: str = "praw oauth search") -> AppConfig:
    return parse_config({"brands": [{"id": "praw", "name": "PRAW", "query": query}],
                         "sources": [{"name": "reddit-test", "type": "reddit", **source}]})


def collect(replay: RedditReplay, settings: Settings, app: AppConfig, state: SQLiteStateStore) -> CollectResult:
    return RedditCollector(replay.settings(settings), app).collect(app.sources[0], state)


def test_search_results_become_mentions(cassettes: Path, settings: Settings, state: SQLiteStateStore) -> None:
    posts = [c["data"] for c in recorded(cassettes, SEARCH)["data"]["children"]]
    app = config({"lang": "en"})
    with RedditReplay([cassettes / SEARCH]) as replay:
        result = collect(replay, settings, app, state)
        (asked,) = replay.api_requests()
    assert asked.path == "/r/all/search" and asked.query["q"] == "praw oauth search"
    assert asked.query["sort"] == "new" and "before" not in asked.query
    assert settings.user_agent in asked.headers["user-agent"]
    assert asked.headers["authorization"] == f"bearer {replay.token}"
    assert result.failures == [] and result.skipped == {}
    by_id = {m.id: m for m in result.mentions}
    assert set(by_id) == {mention_id("reddit", f"t3_{p['id']}") for p in posts}
    for post in posts:
        mention = by_id[mention_id("reddit", f"t3_{post['id']}")]
        assert (mention.source, mention.source_name, mention.lang_hint) == ("reddit", "reddit-test", "en")
        assert mention.title == post["title"] and mention.author == post["author"]
        assert mention.url == "https://www.reddit.com" + post["permalink"]
        assert mention.site == "r/" + post["subreddit"].lower()
        assert mention.published_at == datetime.fromtimestamp(post["created_utc"], UTC)
        assert mention.engagement is not None
        assert (mention.engagement.score, mention.engagement.comments) == (post["score"], post["num_comments"])
        assert mention.brands == []
        assert "SC_OFF" not in mention.text and not mention.text.startswith("<")  # HTML read as text


def test_the_registry_builds_the_reddit_collector(settings: Settings) -> None:
    assert isinstance(collector_for("reddit", settings), RedditCollector)


def test_a_second_run_asks_only_for_newer_items(cassettes: Path, settings: Settings,
                                                 state: SQLiteStateStore) -> None:
    posts = [c["data"] for c in recorded(cassettes, SEARCH)["data"]["children"]]
    newest = max(posts, key=lambda p: p["created_utc"])
    app = config({})
    with RedditReplay([cassettes / SEARCH]) as replay:
        first = collect(replay, settings, app, state)
        replay.clear_requests()
        second = collect(replay, settings, app, state)
        (asked,) = replay.api_requests()
    assert len(first.mentions) == len(posts) and second.mentions == []
    assert asked.query["before"] == f"t3_{newest['id']}" and asked.query["q"] == "praw oauth search"
    cursor = (state.get(state_key(app.sources[0])) or {})["queries"]
    assert [c["before"] for c in cursor.values()] == [f"t3_{newest['id']}"]


def test_items_newer_than_the_last_run_are_collected_once(cassettes: Path, settings: Settings,
                                                          state: SQLiteStateStore) -> None:
    children = recorded(cassettes, NEW)["data"]["children"]  # newest first
    newer, older = children[:40], children[40:]
    app = config({"subreddits": ["AskReddit"], "search": False})
    with RedditReplay() as replay:
        replay.add("GET", "/r/askreddit/new", body=listing(older), times=1)
        first = collect(replay, settings, app, state)
        anchor = f"t3_{older[0]['data']['id']}"
        replay.add("GET", "/r/askreddit/new", body=listing(newer), query={"before": anchor})
        second = collect(replay, settings, app, state)
        replay.clear_requests()
        third = collect(replay, settings, app, state)
        (asked,) = replay.api_requests()
    assert [m.id for m in first.mentions] == [mention_id("reddit", f"t3_{c['data']['id']}") for c in older]
    assert [m.id for m in second.mentions] == [mention_id("reddit", f"t3_{c['data']['id']}") for c in newer]
    assert third.mentions == [] and asked.query["before"] == f"t3_{newer[0]['data']['id']}"


def test_after_empty_answers_in_a_row_the_newest_are_read_again_and_repeats_dropped(
        cassettes: Path, settings: Settings, state: SQLiteStateStore) -> None:
    children = recorded(cassettes, NEW)["data"]["children"]
    older = children[30:]
    app = config({"subreddits": ["askreddit"], "search": False})
    with RedditReplay([cassettes / NEW]) as replay:
        replay.add("GET", "/r/askreddit/new", body=listing(older), times=1)
        collect(replay, settings, app, state)
        for _ in range(REFRESH_AFTER):  # the anchor was deleted: Reddit answers before= with nothing
            assert collect(replay, settings, app, state).mentions == []
        replay.clear_requests()
        refreshed = collect(replay, settings, app, state)
        (asked,) = replay.api_requests()
    assert "before" not in asked.query and asked.matched == "exact"
    assert [m.id for m in refreshed.mentions] == [mention_id("reddit", f"t3_{c['data']['id']}")
                                                  for c in children[:30]]
    assert refreshed.counts["seen_before"] == len(older)


def test_a_source_bound_to_a_brand_presets_it(cassettes: Path, settings: Settings,
                                              state: SQLiteStateStore) -> None:
    app = config({"subreddits": ["askreddit"], "search": False, "brand": "praw"})
    with RedditReplay([cassettes / NEW]) as replay:
        result = collect(replay, settings, app, state)
    assert len(result.mentions) == 100 and {tuple(m.brands) for m in result.mentions} == {("praw",)}


def _thread_counts(children: list[dict[str, Any]], depth: int, level: int = 1) -> tuple[int, int]:
    """(comments kept, comments deleted/removed) down to ``depth``, straight from the JSON."""
    kept = gone = 0
    for child in children:
        if child["kind"] != "t1" or level > depth:
            continue
        if child["data"]["body"] in ("[deleted]", "[removed]"):
            gone += 1
        else:
            kept += 1
        replies = child["data"].get("replies")
        if replies:
            more_kept, more_gone = _thread_counts(replies["data"]["children"], depth, level + 1)
            kept, gone = kept + more_kept, gone + more_gone
    return kept, gone


@pytest.mark.parametrize("depth", [1, 2, 10])
def test_comments_are_collected_to_the_configured_depth(cassettes: Path, settings: Settings,
                                                        state: SQLiteStateStore, depth: int) -> None:
    post_listing, comments = recorded(cassettes, POLL)
    kept, gone = _thread_counts(comments["data"]["children"], depth)
    app = config({"subreddits": ["announcements"], "search": False, "brand": "praw",
                  "comments_depth": depth})
    with RedditReplay([cassettes / POLL]) as replay:
        replay.add("GET", "/r/announcements/new", body=post_listing)
        result = collect(replay, settings, app, state)
        (thread,) = replay.api_requests("/comments/fo7p5b")
    assert thread.matched == "exact"
    found = [m for m in result.mentions if m.title == ""]
    assert len(found) == kept and len(result.mentions) == kept + 1
    assert result.skipped == {"deleted": gone}
    assert all("/comments/fo7p5b/" in (m.url or "") and m.brands == ["praw"] for m in found)
    assert all(m.site == "r/announcements" for m in result.mentions)
    assert result.counts.get("comments_not_loaded", 0) > 0  # "load more" stubs are counted, not fetched


def test_comments_are_fetched_only_for_posts_that_match_a_brand(cassettes: Path, settings: Settings,
                                                                 tmp_path: Path) -> None:
    post_listing, comments = recorded(cassettes, THREAD)
    expected = {mention_id("reddit", f"t1_{c['data']['id']}") for c in comments["data"]["children"]}
    for query, wanted in (("praw AND testing", True), ("globex", False)):
        app = config({"subreddits": ["redditdev"], "search": False, "comments_depth": 3}, query)
        with RedditReplay([cassettes / THREAD]) as replay, \
                SQLiteStateStore(tmp_path / f"{wanted}.sqlite3") as state:
            replay.add("GET", "/r/redditdev/new", body=post_listing)
            result = collect(replay, settings, app, state)
            threads = replay.api_requests("/comments/2gmzqe")
        assert len(threads) == int(wanted)
        assert expected.issubset({m.id for m in result.mentions}) is wanted
        if wanted:
            reply = next(m for m in result.mentions if m.title == "" and m.author == "bboe")
            assert reply.url and reply.url.startswith("https://www.reddit.com/r/redditdev/comments/2gmzqe/")


def test_deleted_and_removed_posts_are_skipped_and_deleted_authors_dropped(
        cassettes: Path, settings: Settings, state: SQLiteStateStore) -> None:
    children = copy.deepcopy(recorded(cassettes, SEARCH)["data"]["children"])
    children[0]["data"]["selftext"] = "[removed]"
    children[1]["data"]["selftext"] = "[deleted]"
    children[1]["data"]["author"] = "[deleted]"
    children[2]["data"]["author"] = "[deleted]"
    app = config({"subreddits": ["redditdev"], "search": False})
    with RedditReplay() as replay:
        replay.add("GET", "/r/redditdev/new", body=listing(children))
        result = collect(replay, settings, app, state)
    assert result.skipped == {"removed": 1, "deleted": 1}
    ids = {m.id: m for m in result.mentions}
    assert len(ids) == len(children) - 2
    kept = ids[mention_id("reddit", f"t3_{children[2]['data']['id']}")]
    assert kept.author is None and kept.title == children[2]["data"]["title"]


# -- errors -------------------------------------------------------------------------------------------


def test_a_forbidden_subreddit_is_recorded_and_the_others_still_collected(
        cassettes: Path, settings: Settings, state: SQLiteStateStore) -> None:
    app = config({"subreddits": ["ferguson", "askreddit"], "search": False})
    with RedditReplay([cassettes / FORBIDDEN, cassettes / NEW]) as replay:
        result = collect(replay, settings, app, state)
        (ferguson,) = replay.api_requests("/r/ferguson/new")
    assert ferguson.status == 403
    assert len(result.mentions) == 100
    assert [f.kind for f in result.failures] == ["forbidden"]
    assert "r/ferguson" in str(result.failures[0]) and "remove it" in str(result.failures[0])


@pytest.mark.parametrize(("cassette", "subreddit", "kind"), [
    (FORBIDDEN, "ferguson", "forbidden"), (NOT_FOUND, "announcements", "not_found")])
def test_a_source_whose_only_query_fails_raises_a_source_error(
        cassettes: Path, settings: Settings, state: SQLiteStateStore, cassette: str, subreddit: str,
        kind: str) -> None:
    app = config({"subreddits": [subreddit], "search": False})
    with RedditReplay([cassettes / cassette]) as replay, pytest.raises(SourceError) as caught:
        collect(replay, settings, app, state)
    assert caught.value.kind == kind


def test_a_non_json_error_page_is_a_bad_request(cassettes: Path, settings: Settings,
                                                state: SQLiteStateStore) -> None:
    app = config({})
    with RedditReplay() as replay, pytest.raises(SourceError) as caught:
        reply = replay.reuse(cassettes / HTML_400, "GET", "/api/morechildren", at="/r/all/search")
        collect(replay, settings, app, state)
    assert reply.status == 400 and caught.value.kind == "bad_request"


def test_too_many_requests_stops_the_run_with_retry_after(cassettes: Path, settings: Settings,
                                                           state: SQLiteStateStore) -> None:
    app = config({"subreddits": ["askreddit", "python"], "search": False})
    with RedditReplay([cassettes / NEW]) as replay:
        replay.add("GET", "/r/askreddit/new", status=429, headers={"Retry-After": "120"},
                   body={"message": "Too Many Requests", "error": 429})
        with pytest.raises(SourceError) as caught:
            collect(replay, settings, app, state)
        assert replay.api_requests("/r/python/new") == []  # the rest of the run waits too
    assert caught.value.kind == "rate_limited" and caught.value.retry_after == 120


def test_a_spent_request_budget_ends_the_run_before_prawcore_would_sleep(
        cassettes: Path, settings: Settings, state: SQLiteStateStore) -> None:
    app = config({"subreddits": ["askreddit", "python"], "search": False})
    with RedditReplay([cassettes / NEW]) as replay:
        replay.add("GET", "/r/askreddit/new", body=recorded(cassettes, NEW),
                   headers={"x-ratelimit-remaining": "0", "x-ratelimit-used": "600",
                            "x-ratelimit-reset": "300"})
        result = collect(replay, settings, app, state)
        assert replay.api_requests("/r/python/new") == []
    assert len(result.mentions) == 100
    (failure,) = result.failures
    assert failure.kind == "rate_limited" and failure.retry_after is not None
    assert 290 <= failure.retry_after <= 300


def test_server_errors_are_retried_then_recorded(cassettes: Path, settings: Settings,
                                                 state: SQLiteStateStore) -> None:
    app = config({"subreddits": ["askreddit"], "search": False})
    with RedditReplay() as replay, pytest.raises(SourceError) as caught:
        replay.add("GET", "/r/askreddit/new", status=503, body="<html>upstream overloaded</html>",
                   headers={"Content-Type": "text/html"})
        collect(replay, settings, app, state)
    assert caught.value.kind == "server"
    # PRAW retries first (3 tries; a keep-alive connection dropped between tries uses one up unseen)
    assert 2 <= len(replay.api_requests("/r/askreddit/new")) <= 3


def test_wrong_credentials_are_an_auth_error(cassettes: Path, settings: Settings,
                                             state: SQLiteStateStore) -> None:
    app = config({})
    with RedditReplay([cassettes / SEARCH]) as replay, pytest.raises(SourceError) as caught:
        wrong = replay.settings(settings).model_copy(update={"reddit_client_id": "someone-else"})
        RedditCollector(wrong, app).collect(app.sources[0], state)
    assert caught.value.kind == "auth" and "EARFUL_REDDIT_CLIENT_SECRET" in str(caught.value)
    assert replay.api_requests() == []


def test_missing_credentials_say_which_variables_to_set(settings: Settings, state: SQLiteStateStore) -> None:
    app = config({})
    with pytest.raises(SourceError) as caught:
        RedditCollector(settings, app).collect(app.sources[0], state)
    assert caught.value.kind == "config"
    assert "EARFUL_REDDIT_CLIENT_ID" in str(caught.value) and "EARFUL_REDDIT_CLIENT_SECRET" in str(caught.value)


def test_threads_gone_since_listed_are_skipped_and_a_failing_thread_defers_the_rest(
        cassettes: Path, settings: Settings, tmp_path: Path) -> None:
    children = [c for c in recorded(cassettes, NEW)["data"]["children"] if c["data"]["num_comments"]][:3]
    threads = {f"/comments/{c['data']['id']}" for c in children}
    app = config({"subreddits": ["askreddit"], "search": False, "brand": "praw", "comments_depth": 1})
    with RedditReplay() as replay, SQLiteStateStore(tmp_path / "gone.sqlite3") as state:
        replay.add("GET", "/r/askreddit/new", body=listing(children))
        gone = collect(replay, settings, app, state)  # unmatched comment pages answer 404
    assert gone.failures == [] and gone.skipped == {"thread_unavailable": 3} and len(gone.mentions) == 3
    first = children[0]["data"]["id"]
    with RedditReplay() as replay, SQLiteStateStore(tmp_path / "failing.sqlite3") as state:
        replay.add("GET", "/r/askreddit/new", body=listing(children), times=1)
        replay.add("GET", f"/comments/{first}", status=500, body={"message": "Internal Server Error"},
                   times=3)  # PRAW tries three times
        failing = collect(replay, settings, app, state)
        asked = {r.path for r in replay.api_requests() if r.path.startswith("/comments/")}
        replay.clear_requests()
        later = collect(replay, settings, app, state)
        retried = {r.path for r in replay.api_requests() if r.path.startswith("/comments/")}
    assert [f.kind for f in failing.failures] == ["server"] and len(failing.mentions) == 3
    assert asked == {f"/comments/{first}"}  # the other threads are left for the next run
    assert retried == threads and later.skipped == {"thread_unavailable": 3} and later.failures == []


def test_limits_above_one_page_are_paged(cassettes: Path, settings: Settings, state: SQLiteStateStore) -> None:
    page = recorded(cassettes, NEW)["data"]
    app = config({"subreddits": ["askreddit"], "search": False, "limit": 150})
    with RedditReplay([cassettes / NEW]) as replay:
        result = collect(replay, settings, app, state)
        first, second = replay.api_requests()
    assert len(result.mentions) == 100  # the second page is empty here
    assert first.query["limit"] == "100" and "after" not in first.query
    assert second.query["after"] == page["after"] and second.query["limit"] == "50"


def test_cassettes_with_recorder_placeholders_replay_under_a_real_name(
        cassettes: Path, settings: Settings, state: SQLiteStateStore, tmp_path: Path) -> None:
    data = json.loads((cassettes / NEW).read_text(encoding="utf-8"))
    for interaction in data["interactions"]:
        interaction["request"]["uri"] = interaction["request"]["uri"].replace("askreddit", "<TEST_SUBREDDIT>")
    placeholder_cassette = tmp_path / "placeholder.json"
    placeholder_cassette.write_text(json.dumps(data), encoding="utf-8")
    app = config({"subreddits": ["earful_test"], "search": False})
    with RedditReplay([placeholder_cassette], placeholders={"<TEST_SUBREDDIT>": "earful_test"}) as replay:
        result = collect(replay, settings, app, state)
        (asked,) = replay.api_requests()
    assert asked.matched == "exact" and len(result.mentions) == 100


def test_reddit_html_reads_as_the_shared_html_to_text_would(cassettes: Path) -> None:
    from crawlers.reddit.items import rendered_text
    from crawlers.text import html_to_text

    bodies: list[str] = []
    stack = list(recorded(cassettes, POLL)[1]["data"]["children"])
    stack += recorded(cassettes, SEARCH)["data"]["children"]
    while stack:
        child = stack.pop()
        data = child["data"]
        if markup := data.get("body_html") or data.get("selftext_html"):
            bodies.append(markup)
        if isinstance(data.get("replies"), dict):
            stack.extend(data["replies"]["data"]["children"])
    assert len(bodies) > 400
    assert [rendered_text(b) for b in bodies] == [html_to_text(b) for b in bodies]
