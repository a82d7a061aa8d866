"""The outbox in the crawl state: stored once, delivered once across competing senders (Redis too)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from earful.state import StateStore
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


@pytest.fixture
def state(either_state: StateStore) -> StateStore:
    return either_state


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




def test_finished_deliveries_are_forgotten_after_a_while_and_waiting_ones_never(state: StateStore) -> None:
    old = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for n in range(3):
        outbox.enqueue(state, replace(_note(f"n{n}"), created_at=old), [Channel("email", "a@example.com")])
    transport = Counting()
    sender = Sender(state, {"email": transport})
    sender.deliver(outbox.delivery_key("n0", Channel("email", "a@example.com")))
    sender.deliver(outbox.delivery_key("n1", Channel("email", "a@example.com")))
    assert outbox.prune(state, old) == 0  # not older than the limit yet
    assert outbox.prune(state, old + timedelta(days=31)) == 2
    assert outbox.stored(state, "n0") is None and outbox.stored(state, "n2") is not None
    assert [v["notification"] for _, v in state.items(outbox.DELIVERY)] == ["n2"]


class Slow(Counting):
    def send(self, notification: Notification, channel: Channel, key: str) -> None:
        threading.Event().wait(0.5)
        super().send(notification, channel, key)


def test_a_slow_attempt_keeps_its_lease(sqlite_state: StateStore) -> None:
    transport = Slow()
    outbox.enqueue(sqlite_state, _note(), [Channel("email", "a@example.com")])
    [key] = outbox.due(sqlite_state)
    slow = Sender(sqlite_state, {"email": transport}, lease=0.2)  # the attempt outlasts the lease twice over
    runner = threading.Thread(target=slow.deliver, args=(key,))
    runner.start()
    threading.Event().wait(0.35)
    assert Sender(sqlite_state, {"email": transport}, lease=0.2).deliver(key) == "busy"
    runner.join()
    assert len(transport.sent) == 1
