"""Action links over HTTP (GET confirms, POST acts, bad tokens get 403) and the API's snooze and feedback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from earful.alert_store import Incidents
from earful.alerts.links import ACTION_PATH, action_links
from earful.alerts.models import Incident
from earful.alerts.snooze import is_snoozed
from earful.alerts.tokens import issue
from earful.config import AppConfig, parse_config
from earful.models import utcnow
from earful.secrets import action_key
from earful.settings import Settings
from earful.state import SQLiteStateStore, StateStore
from earful.state.redis_store import RedisStateStore
from search.embedded import EmbeddedIndex

RULE = "acme-volume"


def make_incident(store: StateStore, opened: datetime, rule: str = RULE, **extra: Any) -> Incident:
    """A stored incident as the evaluator writes it (``extra`` overrides its fields)."""
    fields: dict[str, Any] = {
        "id": f"{rule}-{opened:%Y%m%dT%H%MZ}", "rule": rule, "brand": "acme", "trigger": "volume_spike",
        "state": "open", "sequence": 1, "interval": 900, "sensitivity": "medium", "threshold": 4.0,
        "opened_at": opened, "detected_at": opened, "updated_at": opened, "window_start": opened,
        "window_end": opened + timedelta(minutes=15), "observed": 47, "expected": 5, "lower": 1, "upper": 11,
        "score": 9.1, "peak_score": 9.1, "peak_observed": 47, "peak_at": opened,
        "baseline_from": opened - timedelta(days=7), "baseline_to": opened}
    incident = Incident(**{**fields, **extra})
    Incidents(store).save(incident)
    return incident


@pytest.fixture(params=["sqlite", "redis"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "sqlite":
        store: StateStore = SQLiteStateStore(tmp_path / "state.sqlite3")
    else:
        store = RedisStateStore.from_url(request.getfixturevalue("redis_url"), namespace=tmp_path.name)
    yield store
    store.close()


@pytest.fixture
def config() -> AppConfig:
    return parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
                         "alerts": [{"id": RULE, "brand": "acme", "trigger": "volume_spike"}]})


@pytest.fixture
def client(settings: Settings, embedded_index: EmbeddedIndex, state: StateStore, config: AppConfig) -> TestClient:
    secured = settings.model_copy(update={"api_keys": ["k"]})
    return TestClient(create_app(secured, embedded_index, state, config=config))


def links(settings: Settings, incident: Incident) -> dict[str, str]:
    made = action_links("http://testserver", action_key(settings), incident.id, incident.rule, utcnow())
    return {action: urlsplit(url).path for action, url in made.items()}


def test_get_only_confirms_and_post_snoozes(client: TestClient, settings: Settings, state: StateStore) -> None:
    incident = make_incident(state, utcnow().replace(microsecond=0) - timedelta(minutes=20))
    path = links(settings, incident)["snooze_24h"]
    page = client.get(path)
    assert page.status_code == 200 and "<form method=post>" in page.text and "47 observed" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert not is_snoozed(state, RULE, utcnow())  # a link scanner's GET changed nothing
    done = client.post(path)
    assert done.status_code == 200 and "Snoozed" in done.text
    assert is_snoozed(state, RULE, utcnow() + timedelta(hours=23))
    assert not is_snoozed(state, RULE, utcnow() + timedelta(hours=24, minutes=1))
    stored = Incidents(state).get(incident.id)
    assert stored is not None and stored.snoozed_until is not None
    assert stored.snoozed_until > utcnow() + timedelta(hours=23)
    rules = client.get("/api/v1/alerts/rules", headers={"Authorization": "Bearer k"}).json()
    assert rules[0]["snoozed_until"] is not None


def test_feedback_links_keep_the_verdict(client: TestClient, settings: Settings, state: StateStore) -> None:
    incident = make_incident(state, datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc))
    paths = links(settings, incident)
    assert client.post(paths["not_useful"]).status_code == 200
    assert client.post(paths["expected"]).status_code == 200
    stored = Incidents(state).get(incident.id)
    assert stored is not None and [(f.verdict, f.via) for f in stored.feedback] == [("not_useful", "link"),
                                                                                     ("expected", "link")]
    assert stored.verdict == "expected" and not is_snoozed(state, RULE, utcnow())


def _tampered(path: str) -> str:
    token = path.removeprefix(ACTION_PATH)
    version, payload, signature = token.split(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    return ACTION_PATH + ".".join((version, flipped, signature))


def test_tampered_expired_or_foreign_tokens_get_403_and_change_nothing(client: TestClient, settings: Settings,
                                                                      state: StateStore) -> None:
    incident = make_incident(state, datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc))
    paths = links(settings, incident)
    expired = issue(action_key(settings), "alert-action:snooze_1h", f"{RULE}/{incident.id}",
                    utcnow() - timedelta(seconds=1))
    foreign = issue(b"another installation's key 123456", "alert-action:useful", f"{RULE}/{incident.id}",
                    utcnow() + timedelta(days=1))
    wrong_purpose = issue(action_key(settings), "feed", f"{RULE}/{incident.id}", utcnow() + timedelta(days=1))
    for bad in (_tampered(paths["snooze_1h"]), _tampered(paths["useful"]), ACTION_PATH + expired,
                ACTION_PATH + foreign, ACTION_PATH + wrong_purpose, ACTION_PATH + "garbage"):
        for method in (client.get, client.post):
            answer = method(bad)
            assert answer.status_code == 403, (bad, answer.text)
            assert "cannot be used" in answer.text
    stored = Incidents(state).get(incident.id)
    assert stored is not None and stored.feedback == [] and stored.snoozed_until is None
    assert not is_snoozed(state, RULE, utcnow())


def test_a_token_opens_nothing_else(client: TestClient, settings: Settings, state: StateStore) -> None:
    incident = make_incident(state, datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc))
    token = links(settings, incident)["useful"].removeprefix(ACTION_PATH)
    for attempt in ({"Authorization": f"Bearer {token}"}, {}):
        assert client.get("/api/v1/alerts/events", headers=attempt).status_code == 401
    assert client.get("/api/v1/alerts/events", params={"token": token}).status_code == 401


def test_api_snooze_and_unsnooze(client: TestClient, state: StateStore) -> None:
    auth = {"Authorization": "Bearer k"}
    incident = make_incident(state, utcnow().replace(microsecond=0))
    made = client.post(f"/api/v1/alerts/rules/{RULE}/snooze", json={"hours": 1}, headers=auth)
    assert made.status_code == 200 and made.json()["via"] == "api"
    assert is_snoozed(state, RULE, utcnow() + timedelta(minutes=59))
    stored = Incidents(state).get(incident.id)
    assert stored is not None and stored.snoozed_until is not None  # the open incident is marked
    assert client.post(f"/api/v1/alerts/rules/{RULE}/snooze", json={"hours": 3}, headers=auth).status_code == 400
    assert client.post("/api/v1/alerts/rules/nope/snooze", json={"hours": 1}, headers=auth).status_code == 404
    assert client.post(f"/api/v1/alerts/rules/{RULE}/snooze", json={"hours": 1}).status_code == 401
    assert client.delete(f"/api/v1/alerts/rules/{RULE}/snooze", headers=auth).status_code == 204
    assert not is_snoozed(state, RULE, utcnow())


def test_incidents_raised_while_snoozed_are_kept_and_marked(client: TestClient, state: StateStore) -> None:
    auth = {"Authorization": "Bearer k"}
    client.post(f"/api/v1/alerts/rules/{RULE}/snooze", json={"hours": 24}, headers=auth)
    later = make_incident(state, utcnow().replace(microsecond=0) + timedelta(hours=1))
    stored = Incidents(state).get(later.id)
    assert stored is not None and stored.snoozed_until is not None
    event = client.get(f"/api/v1/alerts/events/{later.id}", headers=auth).json()
    assert event["snoozed_until"] == stored.snoozed_until.isoformat().replace("+00:00", "Z")


def test_api_feedback(client: TestClient, state: StateStore) -> None:
    auth = {"Authorization": "Bearer k"}
    incident = make_incident(state, datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc))
    url = f"/api/v1/alerts/events/{incident.id}/feedback"
    answer = client.post(url, json={"verdict": "not_useful", "note": "a reseller's promo"}, headers=auth)
    assert answer.status_code == 200
    assert answer.json()["feedback"][0] | {"at": None} == {"verdict": "not_useful", "note": "a reseller's promo",
                                                           "via": "api", "at": None}
    listed = client.get("/api/v1/alerts/events", headers=auth).json()["items"]
    assert listed[0]["feedback"][0]["verdict"] == "not_useful"
    assert client.post(url, json={"verdict": "meh"}, headers=auth).status_code == 400
    assert client.post(url, json={"verdict": "useful", "note": "x" * 501}, headers=auth).status_code == 400
    assert client.post("/api/v1/alerts/events/nope/feedback", json={"verdict": "useful"},
                       headers=auth).status_code == 404
    assert re.fullmatch(r"\d{4}-.*", answer.json()["feedback"][0]["at"])
