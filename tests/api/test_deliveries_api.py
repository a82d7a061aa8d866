"""GET /api/v1/alerts/deliveries: each channel's delivery, newest first, filtered, cursor paging."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient

from api.main import create_app
from earful.settings import Settings
from earful.state import StateStore
from search.embedded import EmbeddedIndex
from workers.delivery import outbox
from workers.delivery.outbox import Channel, Notification
from workers.delivery.sender import DeliveryError, Sender

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


class Flaky:
    def send(self, notification: Notification, channel: Channel, key: str) -> None:
        if "broken" in channel.target:
            raise DeliveryError("https://broken.example.com/hook answered 400; not retried (a 4xx)", permanent=True)


def test_deliveries_page_and_filter(settings: Settings, embedded_index: EmbeddedIndex,
                                    sqlite_state: StateStore) -> None:
    for n in range(5):
        note = Notification(id=f"r{n % 2}-{n}.1", kind="incident", rule_id=f"r{n % 2}", subject=f"spike {n}",
                            text="t", html="h", created_at=START + timedelta(minutes=n))
        outbox.enqueue(sqlite_state, note, [Channel("email", "team@example.com"),
                                            Channel("webhook", "https://broken.example.com/hook")])
    Sender(sqlite_state, {"email": Flaky(), "webhook": Flaky()}).deliver_due()
    client = TestClient(create_app(settings, embedded_index, sqlite_state))
    first = client.get("/api/v1/alerts/deliveries", params={"limit": 4}).json()
    assert [d["subject"] for d in first["items"]] == ["spike 4", "spike 4", "spike 3", "spike 3"]
    rest = client.get("/api/v1/alerts/deliveries", params={"limit": 10, "cursor": first["next_cursor"]}).json()
    assert len(rest["items"]) == 6 and rest["next_cursor"] is None
    failed = client.get("/api/v1/alerts/deliveries", params={"status": "failed", "rule": "r1"}).json()["items"]
    assert [(d["subject"], d["channel"]) for d in failed] == [("spike 3", "webhook:https://broken.example.com/hook"),
                                                              ("spike 1", "webhook:https://broken.example.com/hook")]
    assert "answered 400" in failed[0]["last_error"] and failed[0]["attempts"] == 1 and failed[0]["next_at"] is None
    assert client.get("/api/v1/alerts/deliveries", params={"cursor": "nonsense!"}).status_code == 400
