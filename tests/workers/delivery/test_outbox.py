"""The outbox in the crawl state: stored once, delivered once across competing senders (Redis too)."""

from __future__ import annotations

import threading

import pytest

from earful.state import StateStore
from earful.state.redis_store import RedisStateStore
from workers.delivery import outbox
from workers.delivery.outbox import Channel, Notification
from workers.delivery.sender import DeliveryError, Sender


class Counting:
    """A transport that records what it is handed (the channel itself is beside the point here)."""

    def __init__(self, fail: int = 0) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail = fail
        self.lock = threading.Lock()

    def send(self, notification: Notification, channel: Channel, key: str) -> None:
        with self.lock:
            if self.fail:
                self.fail -= 1
                raise DeliveryError("server away")
            self.sent.append((notification.id, channel.target))


def _note(nid: str = "r-20261205T1000Z.1") -> Notification:
    return Notification(id=nid, kind="digest", rule_id="r", subject="s", text="t", html="<p>t</p>")


@pytest.fixture(params=["sqlite", "redis"])
def state(request: pytest.FixtureRequest, sqlite_state: StateStore) -> StateStore:
    if request.param == "sqlite":
        return sqlite_state
    return RedisStateStore.from_url(request.getfixturevalue("redis_url"))


def test_enqueue_is_idempotent_and_every_channel_is_due(state: StateStore) -> None:
    channels = [Channel("email", "a@example.com"), Channel("email", "b@example.com"), Channel("email", "a@example.com")]
    assert outbox.enqueue(state, _note(), channels)
    assert not outbox.enqueue(state, _note(), channels)
    assert len(outbox.due(state)) == 2
    assert outbox.stored(state, _note().id) == _note().__class__(**{**_note().__dict__,
                                                                     "created_at": outbox.stored(state, _note().id)
                                                                     .created_at})  # type: ignore[union-attr]


def test_competing_senders_deliver_each_channel_once(state: StateStore) -> None:
    transport = Counting()
    outbox.enqueue(state, _note(), [Channel("email", "a@example.com"), Channel("email", "b@example.com")])
    senders = [Sender(state, {"email": transport}) for _ in range(4)]
    threads = [threading.Thread(target=s.deliver_due) for s in senders for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(transport.sent) == [(_note().id, "a@example.com"), (_note().id, "b@example.com")]
    assert outbox.due(state) == []


def test_an_outage_delays_but_never_drops(state: StateStore, monkeypatch: pytest.MonkeyPatch) -> None:
    transport = Counting(fail=3)
    outbox.enqueue(state, _note(), [Channel("email", "a@example.com")])
    sender = Sender(state, {"email": transport})
    [key] = outbox.due(state)
    outcomes = []
    for _ in range(4):
        state.set(outbox.DUE + key, {"at": "2000-01-01T00:00:00+00:00"})  # its backoff waited out
        outcomes.append(sender.deliver(key))
    assert outcomes == ["retrying", "retrying", "retrying", "sent"] and len(transport.sent) == 1
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 12)] == [5, 10, 20, 1800]


def test_a_bad_notification_is_refused_before_it_is_stored(state: StateStore) -> None:
    with pytest.raises(ValueError, match="kind"):
        Notification(id="x", kind="carrier-pigeon", rule_id=None, subject="s", text="t", html="h")  # type: ignore[arg-type]
    assert outbox.due(state) == []


