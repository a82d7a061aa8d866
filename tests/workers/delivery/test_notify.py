"""Incident changes told through the outbox: stored with the change, one thread per incident, updates at most
once per cooldown, the resolution only after an opening, nothing while snoozed or for the history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from pydantic import SecretStr

from earful.alert_store import INCIDENT, Incidents
from earful.alerts.snooze import snooze_rule
from earful.config import AppConfig, parse_config
from earful.models import Mention, Sentiment
from earful.settings import Settings
from earful.state import StateStore
from search.embedded import EmbeddedIndex
from tests.mail import smtp_server
from workers.alerts.evaluator import Evaluator
from workers.delivery import outbox
from workers.delivery.notify import Notifier
from workers.delivery.sender import Sender
from workers.delivery.smtp import SmtpTransport

NOW = datetime(2026, 3, 20, 12, 7, tzinfo=timezone.utc)


def _config() -> AppConfig:
    return parse_config({
        "brands": [{"id": "acme", "name": "Acme Mobile", "query": "acme"}],
        "sources": [{"name": "telco-news", "type": "feed", "url": "https://news.example.com/rss"}],
        "alerts": [{"id": "acme-volume", "brand": "acme", "trigger": "volume_spike", "email": ["team@example.com"]}]})


def _mention(n: int, when: datetime, prefix: str = "h") -> Mention:
    return Mention(id=f"{prefix}{n}", source="feed", source_name="telco-news", title=f"acme outage report {prefix}{n}",
                   text=f"acme outage report {n}", published_at=when, brands=["acme"], content_hash=f"{prefix}{n}",
                   url=f"https://news.example.com/{prefix}{n}", sentiment=Sentiment(score=-0.5, label="negative"))


class Scene:
    def __init__(self, settings: Settings, index: EmbeddedIndex, state: StateStore) -> None:
        self.index, self.state, self.now = index, state, NOW
        config = _config()
        start = NOW.replace(minute=0) - timedelta(days=10)
        index.upsert([_mention(n, start + timedelta(minutes=10 * n)) for n in range(6 * 24 * 10)])
        self.evaluator = Evaluator(index, state, config, clock=lambda: self.now,
                                   notify=Notifier(settings, config, state))

    def spike(self, n: int, prefix: str) -> str | None:
        batch = [_mention(i, self.now - timedelta(minutes=3), prefix=prefix) for i in range(n)]
        self.index.upsert(batch)
        return self.evaluator.after_batch(batch)[0].change

    def notes(self) -> list[dict]:  # type: ignore[type-arg]
        return [value for _, value in self.state.items(outbox.NOTE)]


def test_history_tells_nothing_and_a_spike_is_stored_with_its_notification(
        settings: Settings, embedded_index: EmbeddedIndex, sqlite_state: StateStore) -> None:
    scene = Scene(settings, embedded_index, sqlite_state)
    scene.evaluator.tick()
    assert scene.notes() == [] and Incidents(sqlite_state).all() == []
    assert scene.spike(60, "s") == "opened"
    [incident] = Incidents(sqlite_state).all()
    [note] = scene.notes()
    assert note["id"] == f"{incident.id}.1" and note["thread"] is None
    assert note["subject"].startswith("Acme Mobile: mentions") and "expected" in note["subject"]
    assert note["channels"] == [{"kind": "email", "target": "team@example.com", "secret_env": None,
                                 "public_only": False}]
    assert "acme outage report s" in note["text"] and "Snooze 1 h: http" in note["text"]
    assert sqlite_state.get(INCIDENT + incident.id) is not None


def test_one_thread_updates_at_most_once_per_cooldown_then_resolved(
        settings: Settings, embedded_index: EmbeddedIndex, sqlite_state: StateStore,
        free_port: Callable[[], int]) -> None:
    scene = Scene(settings, embedded_index, sqlite_state)
    scene.evaluator.tick()
    assert scene.spike(60, "s") == "opened"
    scene.now += timedelta(minutes=15)
    changes = [scene.spike(200, "t")]
    scene.now += timedelta(minutes=15)
    changes.append(scene.spike(600, "u"))
    assert "updated" in changes and len(scene.notes()) == 1  # grew, but within the cooldown: not told again
    scene.now += timedelta(hours=8)
    assert scene.evaluator.tick()[0].change == "resolved"
    notes = sorted(scene.notes(), key=lambda n: n["created_at"])
    assert len(notes) == 2 and notes[1]["thread"] == notes[0]["id"]
    assert notes[1]["subject"] == f"Re: {notes[0]['subject']} [resolved]"
    with smtp_server(free_port()) as smtp:
        mail = settings.model_copy(update={"smtp_url": SecretStr(smtp.url), "mail_from": "alerts@earful.test"})
        Sender(sqlite_state, {"email": SmtpTransport(mail)}).deliver_due()
        opening, resolved = smtp.inbox.wait(2, 10)
    assert resolved["In-Reply-To"] == opening["Message-ID"] == resolved["References"]


def test_nothing_is_told_while_the_rule_is_snoozed(settings: Settings, embedded_index: EmbeddedIndex,
                                                   sqlite_state: StateStore) -> None:
    scene = Scene(settings, embedded_index, sqlite_state)
    scene.evaluator.tick()
    snooze_rule(sqlite_state, "acme-volume", 24, NOW, via="api")
    assert scene.spike(60, "s") == "opened"
    assert scene.notes() == [] and len(Incidents(sqlite_state).all()) == 1
