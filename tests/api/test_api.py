from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from earful.rules import BrandMatcher
from earful.settings import Settings
from search.embedded import EmbeddedIndex
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.sentiment import default_router

NOW = datetime.now(timezone.utc).replace(microsecond=0)
KEY = "test-key-123"


@pytest.fixture
def index(tmp_path: Path, brands_config, make_raw):  # type: ignore[no-untyped-def]
    idx = EmbeddedIndex(tmp_path / "index")
    processor = Processor(BrandMatcher(brands_config.brands), FastTextDetector(), default_router(), idx)
    raws = [
        make_raw("a1", "Acme Mobile outage in the north", "Awful outage, terrible support, no refund yet.",
                 published_at=NOW - timedelta(hours=2)),
        make_raw("a2", "Acme Mobile refunds customers", "Great news: refunds arrive quickly and support was kind.",
                 published_at=NOW - timedelta(days=1)),
        make_raw("g1", "Globex price rise", "Globex raises prices; customers are unhappy and angry.",
                 published_at=NOW - timedelta(days=2)),
        make_raw("r1", "", "Акме Мобайл снова без связи, поддержка не отвечает.",
                 published_at=NOW - timedelta(days=3)),
    ] + [make_raw(f"p{i}", f"Acme Mobile plan review {i}", f"Acme Mobile plan number {i} is fine.",
                  published_at=NOW - timedelta(days=4, minutes=i)) for i in range(12)]
    processor.process(raws)
    yield idx
    idx.close()


@pytest.fixture
def client(index, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(settings, index))


@pytest.fixture
def secured(index, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(settings.model_copy(update={"api_keys": [KEY, "other"]}), index))


def test_search_returns_total_items_highlight_and_cursor(client: TestClient) -> None:
    body = client.get("/api/v1/mentions", params={"q": "outage", "brand": "acme"}).json()
    assert body["total"] == 1
    [item] = body["items"]
    assert item["id"] == "a1" and item["brands"] == ["acme"]
    assert any("<b>" in fragment.lower() for fragments in item["highlight"].values() for fragment in fragments)
    assert item["sentiment"]["label"] == "negative"


def test_filters_combine(client: TestClient) -> None:
    get = lambda **p: {i["id"] for i in client.get("/api/v1/mentions", params=p).json()["items"]}  # noqa: E731
    assert get(brand="globex") == {"g1"}
    assert get(lang="ru") == {"r1"}
    assert get(sentiment="negative", brand="acme") == {"a1"}
    assert get(since="36h", brand="acme") == {"a1", "a2"}
    assert get(q='refund* AND NOT outage') == {"a2"}
    assert get(q='title:"price rise"') == {"g1"}


def test_cursor_pages_through_everything_once(client: TestClient) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"sort": "newest", "limit": 5, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/mentions", params=params).json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 16
    assert seen[:3] == ["a1", "a2", "g1"]


def test_limit_is_capped_at_500(client: TestClient) -> None:
    response = client.get("/api/v1/mentions", params={"limit": 100000})
    assert response.status_code == 200 and len(response.json()["items"]) == 16


@pytest.mark.parametrize("params, fragment", [
    ({"q": '"unbalanced'}, "quote"),
    ({"q": "acme AND"}, "position"),
    ({"q": "x" * 60_000}, "limit"),  # the real server gets 100 kB in test_server.py
    ({"q": "color:red"}, "color"),
    ({"q": "(acme OR globex"}, "parenthes"),
    ({"since": "yesterday-ish"}, "since"),
    ({"until": "2026-13-45"}, "until"),
    ({"since": "2026-11-02", "until": "2026-11-01"}, "earlier"),
    ({"sentiment": "angry"}, "sentiment"),
    ({"sort": "random"}, "sort"),
    ({"limit": "ten"}, "limit"),
    ({"limit": "0"}, "limit"),
    ({"cursor": "not-a-real-cursor"}, "cursor"),
])
def test_hostile_or_malformed_parameters_are_400_with_a_message(client: TestClient, params, fragment) -> None:
    response = client.get("/api/v1/mentions", params=params)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["detail"].lower()


def test_trends_daily_buckets_include_empty_days(client: TestClient) -> None:
    body = client.get("/api/v1/trends", params={"brand": "acme", "interval": "day", "since": "6d",
                                                 "tz": "America/New_York"}).json()
    assert len(body["buckets"]) in (7, 8)
    assert body["total"] == sum(b["count"] for b in body["buckets"]) == 15
    assert any(b["count"] == 0 for b in body["buckets"])
    assert all(b["start"].endswith(("-05:00", "-04:00")) for b in body["buckets"])
    assert sum(b["negative"] for b in body["buckets"]) == 1
    assert {"positive", "neutral", "negative", "unscored", "mean_sentiment"} <= set(body["buckets"][0])


@pytest.mark.parametrize("params, fragment", [
    ({"tz": "Mars/Olympus"}, "tz"), ({"interval": "minute"}, "interval"),
    ({"interval": "hour", "since": "2000-01-01"}, "buckets"), ({"q": "NEAR/3"}, "position")])
def test_bad_trend_parameters_are_400(client: TestClient, params, fragment) -> None:
    response = client.get("/api/v1/trends", params=params)
    assert response.status_code == 400 and fragment in response.json()["detail"].lower()


def test_api_keys_guard_every_api_route(secured: TestClient) -> None:
    for path in ("/api/v1/mentions", "/api/v1/trends"):
        assert secured.get(path).status_code == 401
        assert secured.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert secured.get(path, headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        assert secured.get(path, headers={"Authorization": "Bearer other"}).status_code == 200
    assert secured.get("/health").status_code == 200  # health stays open for load balancers


def test_health_and_openapi(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["mentions"] == 16
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/mentions", "/api/v1/trends", "/health"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_exact_copies_are_counted_once_unless_asked_for(index, client: TestClient, brands_config,
                                                       make_raw) -> None:
    processor = Processor(BrandMatcher(brands_config.brands), FastTextDetector(), default_router(), index)
    copy = make_raw("a1-copy", "Acme Mobile outage in the north", "Awful outage, terrible support, no refund yet.",
                    url="https://mirror.example.org/a1", published_at=NOW - timedelta(hours=1))
    assert processor.process([copy]).duplicates == 1
    once = client.get("/api/v1/mentions", params={"q": "outage"}).json()
    both = client.get("/api/v1/mentions", params={"q": "outage", "include_duplicates": "true"}).json()
    assert (once["total"], both["total"]) == (1, 2)
    assert {i["id"]: i["duplicate_of"] for i in both["items"]} == {"a1": None, "a1-copy": "a1"}


def test_sources_show_health_of_each_configured_source(tmp_path: Path, index, settings: Settings) -> None:
    from earful.state import SQLiteStateStore
    from workers.health import record_run
    from workers.stats import RunStats

    config = tmp_path / "earful.yaml"
    config.write_text("brands: [{id: acme, name: Acme, query: acme}]\n"
                      "sources:\n"
                      "  - {name: news, type: feed, url: 'http://127.0.0.1:1/rss'}\n"
                      "  - {name: acme-reviews, type: reviews, brand: acme, urls: ['http://127.0.0.1:1/p']}\n",
                      encoding="utf-8")
    configured = settings.model_copy(update={"config": config, "api_keys": ["k1"]})
    state = SQLiteStateStore(configured.state_path)
    stats = RunStats(collected=5, duplicates=1, indexed=4)
    stats.errors["parse"] = 1
    record_run(state, "news", stats, interval=900, started=datetime(2026, 11, 1, tzinfo=timezone.utc))
    client = TestClient(create_app(configured, index, state))
    assert client.get("/api/v1/sources").status_code == 401
    response = client.get("/api/v1/sources", headers={"Authorization": "Bearer k1"})
    assert response.status_code == 200
    body = {s["name"]: s for s in response.json()}
    assert body["news"]["status"] == "ok" and body["news"]["last_collected"] == 5
    assert body["news"]["last_duplicates"] == 1 and body["news"]["errors_by_kind"] == {"parse": 1}
    assert body["news"]["next_run_at"].startswith("2026-11-01T00:15")
    assert body["acme-reviews"]["status"] == "never_run" and body["acme-reviews"]["type"] == "review"  # `type: reviews` (older spelling) reads as review
    state.close()
