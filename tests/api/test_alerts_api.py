"""/api/v1/alerts: rules (the config's read-only, the API's stored and checked alike) and incidents."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from earful.alert_store import Incidents
from earful.alerts.models import Incident
from earful.config import AppConfig, parse_config
from earful.models import Mention, Sentiment
from earful.settings import Settings
from earful.state import StateStore
from search.embedded import EmbeddedIndex
from workers.alerts.evaluator import Evaluator

NOW = datetime(2026, 3, 20, 12, 7, tzinfo=timezone.utc)
RULE = {"id": "globex-silence", "brand": "globex", "trigger": "silence", "sensitivity": "high",
        "email": ["team@example.com"], "webhook": ["https://hooks.example.com/earful"]}


@pytest.fixture
def config() -> AppConfig:
    return parse_config({
        "brands": [{"id": "acme", "name": "Acme", "query": "acme", "tz": "Europe/Berlin"},
                   {"id": "globex", "name": "Globex", "query": "globex"}],
        "sources": [{"name": "telco-news", "type": "feed", "url": "https://news.example.com/rss"}],
        "alerts": [{"id": "acme-volume", "brand": "acme", "trigger": "volume_spike"}]})


@pytest.fixture
def state(sqlite_state: StateStore) -> StateStore:
    return sqlite_state


@pytest.fixture
def index(embedded_index: EmbeddedIndex) -> EmbeddedIndex:
    return embedded_index


@pytest.fixture
def client(settings: Settings, index: EmbeddedIndex, state: StateStore, config: AppConfig) -> TestClient:
    return TestClient(create_app(settings, index, state, config=config))


def _mention(n: int, when: datetime, prefix: str = "h") -> Mention:
    return Mention(id=f"{prefix}{n}", source="feed", source_name="telco-news", title="acme outage report",
                   text=f"acme outage report {n}", published_at=when, brands=["acme"], content_hash=f"{prefix}{n}",
                   sentiment=Sentiment(score=-0.5, label="negative"))


def _incidents(index: EmbeddedIndex, state: StateStore, config: AppConfig, spikes: int) -> list[Incident]:
    """History of six an hour for ten days, then ``spikes`` spikes a day apart, each evaluated."""
    start = NOW.replace(minute=0) - timedelta(days=10)
    index.upsert([_mention(n, start + timedelta(minutes=10 * n)) for n in range(6 * 24 * 10)])
    now = [NOW]
    evaluator = Evaluator(index, state, config, clock=lambda: now[0])
    evaluator.tick()
    for k in range(spikes):
        now[0] = NOW + timedelta(days=k)
        spike = [_mention(i, now[0] - timedelta(minutes=5), prefix=f"s{k}-") for i in range(60)]
        index.upsert(spike)
        evaluator.after_batch(spike)
        now[0] += timedelta(hours=6)
        evaluator.tick()
    return Incidents(state).all()


def test_rules_list_the_configs_as_read_only(client: TestClient) -> None:
    [rule] = client.get("/api/v1/alerts/rules").json()
    assert rule["id"] == "acme-volume" and rule["origin"] == "config" and rule["read_only"] is True
    assert rule["interval"] == 900 and rule["sensitivity"] == "medium"
    assert client.put("/api/v1/alerts/rules/acme-volume", json={**rule, "sensitivity": "low"}).status_code == 400
    assert "read-only" in client.delete("/api/v1/alerts/rules/acme-volume").json()["detail"]


def test_rules_made_through_the_api_are_stored_checked_and_removable(client: TestClient, state: StateStore,
                                                                   config: AppConfig) -> None:
    made = client.post("/api/v1/alerts/rules", json=RULE)
    assert made.status_code == 201 and made.json()["origin"] == "api" and made.json()["read_only"] is False
    listed = client.get("/api/v1/alerts/rules").json()
    assert [r["id"] for r in listed] == ["acme-volume", "globex-silence"]
    assert client.post("/api/v1/alerts/rules", json=RULE).status_code == 400  # the id is taken
    changed = client.put("/api/v1/alerts/rules/globex-silence", json={**RULE, "sensitivity": "low"})
    assert changed.status_code == 200 and changed.json()["sensitivity"] == "low"
    from earful.alert_store import AlertRules

    assert [r.id for r in AlertRules(state, config.rule_book()).enabled()] == ["acme-volume", "globex-silence"]
    assert client.delete("/api/v1/alerts/rules/globex-silence").status_code == 204
    assert client.delete("/api/v1/alerts/rules/globex-silence").status_code == 404
    assert client.put("/api/v1/alerts/rules/nope", json={**RULE, "id": "nope"}).status_code == 404


@pytest.mark.parametrize("change,needle", [
    ({"trigger": "spikes"}, "trigger: Input should be"),
    ({"sensitivity": "extreme"}, "sensitivity: Input should be"),
    ({"brand": "initech"}, "brand: unknown brand id 'initech'"),
    ({"q": "refund AND (late"}, "q: unbalanced parenthesis"),
    ({"source": ["telco-blog"]}, "source[0]: unknown source 'telco-blog'"),
    ({"interval": "7m"}, "interval: Value error"),
    ({"email": ["not-an-address"]}, "email: Value error"),
    ({"webhook": ["ftp://x"]}, "webhook: Value error"),
    ({"brand": None, "q": None}, "a rule watches a brand and/or a query"),
])
def test_bad_rules_are_refused_with_the_key_named(client: TestClient, change: dict[str, Any], needle: str) -> None:
    response = client.post("/api/v1/alerts/rules", json={**RULE, **change})
    assert response.status_code == 400 and needle in response.json()["detail"], response.json()


def test_events_page_filter_and_detail(client: TestClient, index: EmbeddedIndex, state: StateStore,
                                       config: AppConfig) -> None:
    stored = _incidents(index, state, config, spikes=3)
    assert len(stored) == 3 and all(i.state == "resolved" for i in stored)
    first = client.get("/api/v1/alerts/events", params={"limit": 2}).json()
    assert [i["opened_at"] for i in first["items"]] == sorted((i["opened_at"] for i in first["items"]), reverse=True)
    assert first["next_cursor"] and "series" not in first["items"][0] and "evidence" not in first["items"][0]
    rest = client.get("/api/v1/alerts/events", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert {i["id"] for i in first["items"] + rest["items"]} == {i.id for i in stored}
    assert client.get("/api/v1/alerts/events", params={"rule": "nope"}).json()["items"] == []
    assert client.get("/api/v1/alerts/events", params={"brand": "acme", "state": "open"}).json()["items"] == []
    since = client.get("/api/v1/alerts/events", params={"since": (NOW + timedelta(hours=12)).isoformat()}).json()
    assert len(since["items"]) == 2
    detail = client.get(f"/api/v1/alerts/events/{first['items'][0]['id']}").json()
    assert detail["evidence"]["top_mentions"] and detail["evidence"]["sentiment"]["negative"] >= 60
    assert detail["evidence"]["sources"][0]["source"] == "telco-news"
    points = detail["series"]
    assert len(points) > 100 and set(points[0]) == {"start", "observed", "negative", "expected", "lower", "upper"}
    assert max(p["observed"] for p in points) >= 60
    assert [v["state"] for v in detail["versions"]] == ["open", "resolved"]
    assert client.get("/api/v1/alerts/events/nope").status_code == 404
    assert client.get("/api/v1/alerts/events", params={"cursor": "garbage"}).status_code == 400


def test_alerts_need_the_api_key(settings: Settings, index: EmbeddedIndex, state: StateStore,
                                 config: AppConfig) -> None:
    secured = TestClient(create_app(settings.model_copy(update={"api_keys": ["k"]}), index, state, config=config))
    assert secured.get("/api/v1/alerts/rules").status_code == 401
    assert secured.get("/api/v1/alerts/events", headers={"Authorization": "Bearer k"}).status_code == 200
