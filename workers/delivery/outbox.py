"""The outbox: notifications kept in the crawl state before anything is sent, one delivery per channel.

``enqueue`` (or ``entries``, written in the same step as the incident change they tell of) stores a
notification and one delivery record per channel. Senders take a delivery under a lease, send it and
mark it ``sent``; a failure moves its next attempt back (``retrying``), a refusal that no retry can fix
marks it ``failed``. A delivery is never dropped: until one of those two, it stays due.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from earful.models import utcnow
from earful.state import StateStore

NOTE = "outbox:"
DELIVERY = "delivery:"
DUE = "outbox-due:"
Kind = Literal["incident", "digest", "batch", "test"]
ChannelKind = Literal["email", "webhook"]
KINDS = ("incident", "digest", "batch", "test")


@dataclass(frozen=True)
class Channel:
    """Where a notification goes: an email address, or a webhook URL and the variable holding its secret."""

    kind: ChannelKind
    target: str
    secret_env: str | None = None
    public_only: bool = False  # a rule made through the API: its webhooks may not reach private addresses

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.target}"


@dataclass
class Notification:
    """One message, rendered before it is stored: every channel sends the same words.

    ``id`` is stable (an incident's id and sequence, a digest's rule and period), so storing it twice
    stores it once. ``thread``: the id of the notification that opened the thread it belongs to
    (email In-Reply-To/References), None when it starts one. ``payload``: the webhooks' JSON body.
    """

    id: str
    kind: Kind
    rule_id: str | None
    subject: str
    text: str
    html: str
    thread: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utcnow)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"notification kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not self.id or len(self.id) > 200:
            raise ValueError("a notification id is 1 to 200 characters")

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": self.created_at.isoformat()}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Notification:
        fields = {k: value[k] for k in ("id", "kind", "rule_id", "subject", "text", "html", "thread", "payload")}
        return cls(**fields, created_at=datetime.fromisoformat(value["created_at"]))


def delivery_key(notification_id: str, channel: Channel) -> str:
    """Stable per notification and channel: the idempotency key a receiver sees."""
    digest = hashlib.sha256(channel.label.encode()).hexdigest()[:12]
    return f"{notification_id}#{digest}"


def entries(notification: Notification, channels: Iterable[Channel]) -> dict[str, dict[str, Any]]:
    """The state writes that put ``notification`` in the outbox: for a caller that stores them with its change."""
    now = notification.created_at
    chosen = list(dict.fromkeys(channels))
    out: dict[str, dict[str, Any]] = {
        NOTE + notification.id: {**notification.to_json(), "channels": [asdict(c) for c in chosen]}}
    for channel in chosen:
        key = delivery_key(notification.id, channel)
        out[DELIVERY + key] = {
            "key": key, "notification": notification.id, "kind": notification.kind, "rule": notification.rule_id,
            "subject": notification.subject[:300], "channel": asdict(channel), "state": "pending", "attempts": 0,
            "created_at": now.isoformat(), "next_at": now.isoformat(), "sent_at": None, "last_error": None}
        out[DUE + key] = {"at": now.isoformat()}
    return out


def enqueue(state: StateStore, notification: Notification, channels: Iterable[Channel]) -> bool:
    """Store ``notification`` for every channel, in one step; False when it was stored already (same id)."""
    if state.get(NOTE + notification.id) is not None:
        return False
    state.write(entries(notification, channels))
    return True


def stored(state: StateStore, notification_id: str) -> Notification | None:
    value = state.get(NOTE + notification_id)
    return Notification.from_json(value) if value is not None else None


def due(state: StateStore, now: datetime | None = None) -> list[str]:
    """Delivery keys whose next attempt is due, oldest first."""
    moment = (now or utcnow()).isoformat()
    found = [(value.get("at", ""), key[len(DUE):]) for key, value in state.items(DUE)]
    return [key for at, key in sorted(found) if at <= moment]


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … doubling up to 30 minutes between attempts."""
    return timedelta(seconds=min(5.0 * 2 ** max(0, attempts - 1), 1800.0))


def claim_attempt(state: StateStore, record: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Count the attempt before it is made, its retry already scheduled (a crash mid-send then waits it out)."""
    record = {**record, "attempts": int(record.get("attempts", 0)) + 1}
    record["next_at"] = (now + backoff(record["attempts"])).isoformat()
    state.write({DELIVERY + record["key"]: record, DUE + record["key"]: {"at": record["next_at"]}})
    return record


def finish(state: StateStore, record: dict[str, Any], now: datetime, error: str | None = None,
           permanent: bool = False) -> dict[str, Any]:
    """Record an attempt's outcome: sent (error None), failed for good (``permanent``), or retrying."""
    record = {**record, "last_error": error, "last_attempt_at": now.isoformat()}
    if error is None or permanent:
        record["state"] = "sent" if error is None else "failed"
        record["sent_at"] = now.isoformat() if error is None else None
        state.write({DELIVERY + record["key"]: record}, (DUE + record["key"],))
    else:
        record["state"] = "retrying"
        state.write({DELIVERY + record["key"]: record, DUE + record["key"]: {"at": record["next_at"]}})
    return record
