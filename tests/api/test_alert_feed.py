"""The Atom feed of incidents: parsed by feedparser, opened by the API key or a revocable feed token."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from earful.alerts.feed_tokens import FeedTokens
from earful.alerts.links import action_links
from earful.config import parse_config
from earful.secrets import action_key
from earful.settings import Settings
from earful.state import SQLiteStateStore, StateStore
from search.embedded import EmbeddedIndex
from tests.api.test_alert_actions import make_incident

OPENED = datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def state(tmp_path: Path) -> SQLiteStateStore:
    return SQLiteStateStore(tmp_path / "state.sqlite3")


@pytest.fixture
def client(settings: Settings, embedded_index: EmbeddedIndex, state: StateStore) -> TestClient:
    config = parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
                           "alerts": [{"id": "acme-volume", "brand": "acme", "trigger": "volume_spike"},
                                      {"id": "acme-negative", "brand": "acme", "trigger": "negative_spike"}]})
    secured = settings.model_copy(update={"api_keys": ["k"], "public_url": "https://earful.example.com"})
    return TestClient(create_app(secured, embedded_index, state, config=config))


def test_the_feed_parses_and_lists_incidents_newest_first(client: TestClient, state: StateStore) -> None:
    make_incident(state, OPENED)
    make_incident(state, OPENED + timedelta(days=1), state="resolved", resolved_at=OPENED + timedelta(days=1, hours=2),
                  resolution="back_in_band")
    make_incident(state, OPENED + timedelta(hours=5), rule="acme-negative")
    answer = client.get("/api/v1/alerts/feed.atom", headers={"Authorization": "Bearer k"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10" and parsed.feed.title == "Earful alerts"
    assert [e.id for e in parsed.entries] == ["urn:earful:incident:acme-volume-20260321T1200Z",
                                              "urn:earful:incident:acme-negative-20260320T1700Z",
                                              "urn:earful:incident:acme-volume-20260320T1200Z"]
    first = parsed.entries[0]
    assert first.title == "acme: mentions above expected, 47 vs ~5 (resolved)"
    assert "Resolved 2026-03-21 14:00 UTC (back_in_band)" in first.summary
    assert first.link == "https://earful.example.com/api/v1/alerts/events/acme-volume-20260321T1200Z"
    assert first.updated_parsed[:4] == (2026, 3, 21, 12)


def test_per_rule_feeds(client: TestClient, state: StateStore) -> None:
    make_incident(state, OPENED)
    make_incident(state, OPENED + timedelta(hours=5), rule="acme-negative")
    auth = {"Authorization": "Bearer k"}
    for url in ("/api/v1/alerts/rules/acme-negative/feed.atom", "/api/v1/alerts/feed.atom?rule=acme-negative"):
        parsed = feedparser.parse(client.get(url, headers=auth).content)
        assert not parsed.bozo and [e.id for e in parsed.entries] == [
            "urn:earful:incident:acme-negative-20260320T1700Z"]
    assert client.get("/api/v1/alerts/rules/nope/feed.atom", headers=auth).status_code == 404


def test_feed_tokens_read_the_feed_until_revoked(client: TestClient, state: StateStore) -> None:
    make_incident(state, OPENED)
    assert client.get("/api/v1/alerts/feed.atom").status_code == 401
    tokens = FeedTokens(state)
    token, record = tokens.create(OPENED, name="team reader")
    assert token not in str(dict(state.items("")))  # only its hash is stored
    answer = client.get("/api/v1/alerts/feed.atom", params={"token": token})
    assert answer.status_code == 200 and len(feedparser.parse(answer.content).entries) == 1
    assert token not in answer.text  # the self link leaves it out
    assert client.get("/api/v1/alerts/events", params={"token": token}).status_code == 401  # the feed only
    assert client.get("/api/v1/alerts/rules", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert [t.id for t in tokens.list()] == [record.id]
    assert tokens.revoke(record.id) and not tokens.revoke(record.id)
    assert client.get("/api/v1/alerts/feed.atom", params={"token": token}).status_code == 403
    assert client.get("/api/v1/alerts/feed.atom", params={"token": token[:-1] + "x"}).status_code == 403


def test_a_rule_token_reads_that_rule_only(client: TestClient, state: StateStore) -> None:
    token, _ = FeedTokens(state).create(OPENED, rule="acme-negative")
    assert client.get("/api/v1/alerts/rules/acme-negative/feed.atom", params={"token": token}).status_code == 200
    assert client.get("/api/v1/alerts/feed.atom", params={"token": token, "rule": "acme-negative"}).status_code == 200
    assert client.get("/api/v1/alerts/feed.atom", params={"token": token}).status_code == 403
    assert client.get("/api/v1/alerts/rules/acme-volume/feed.atom", params={"token": token}).status_code == 403


def test_an_action_token_does_not_open_the_feed(client: TestClient, settings: Settings, state: StateStore) -> None:
    incident = make_incident(state, OPENED)
    link = action_links("http://testserver", action_key(settings), incident.id, incident.rule, OPENED)["useful"]
    token = link.rsplit("/", 1)[1]
    assert client.get("/api/v1/alerts/feed.atom", params={"token": token}).status_code == 403
