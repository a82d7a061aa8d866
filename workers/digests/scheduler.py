"""Sends each rule's digests and batches on the clock: once per period, across restarts and evaluators.

Each rule's turn runs under a lease in the state store (like the evaluator's), and the period a
rule was last told about is stored in the same write as the notification it put in the outbox: a
crash before that write sends it at the next tick, a crash after it never sends it twice. A rule
seen for the first time starts at the next period (no digest of the past, no batch of history);
a snoozed rule's periods pass untold.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from earful.alert_store import Incidents
from earful.alerts.rules import AlertRule
from earful.alerts.schedule import last_period, parse_schedule
from earful.alerts.snooze import is_snoozed
from earful.config import AppConfig
from earful.models import utcnow
from earful.state import StateStore
from search.base import IndexBackend
from workers.delivery import outbox
from workers.delivery.notify import channels_of
from workers.digests.batch import batch_notification, recent
from workers.digests.content import display_name, gather
from workers.digests.render import digest_notification

logger = logging.getLogger(__name__)
DIGEST = "alert-digest:"
BATCH = "alert-batch:"
LEASE_SECONDS = 300.0


def batch_end(now: datetime, every: int) -> datetime:
    """The start of the batch period ``now`` is in (periods of ``every`` seconds from the epoch)."""
    return datetime.fromtimestamp(int(now.timestamp()) // every * every, timezone.utc)


class Digests:
    """Called on the clock; tells what each rule's schedule says is due."""

    def __init__(self, index: IndexBackend, state: StateStore, config: AppConfig, rules: Callable[[], list[AlertRule]],
                 public_url: str, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.index, self.state, self.config, self.rules = index, state, config, rules
        self.public_url, self.clock = public_url, clock
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.sent = 0

    def tick(self) -> list[str]:
        """Put every due digest and batch in the outbox; the ids of those stored."""
        stored: list[str] = []
        for rule in self.rules():
            if not (rule.digest or rule.batch_every):
                continue
            try:
                stored += self._turn(rule, self.clock())
            except Exception:  # one rule's trouble never stops the others or the clock
                logger.exception("digest or batch of rule %s failed; trying again at the next tick", rule.id)
        self.sent += len(stored)
        return stored

    def _turn(self, rule: AlertRule, now: datetime) -> list[str]:
        lease = f"alert-digest:{rule.id}"
        if not self.state.try_lock(lease, self.owner, LEASE_SECONDS):
            return []
        try:
            done = [self._digest(rule, now) if rule.digest else None,
                    self._batch(rule, now) if rule.batch_every else None]
        finally:
            self.state.unlock(lease, self.owner)
        return [d for d in done if d]

    def _digest(self, rule: AlertRule, now: datetime) -> str | None:
        schedule = parse_schedule(str(rule.digest))
        start, end = last_period(schedule, now)
        marker = self.state.get(DIGEST + rule.id)
        if marker is not None and marker.get("end", "") >= end.isoformat():
            return None
        told = {DIGEST + rule.id: {"end": end.isoformat()}}
        if marker is None or is_snoozed(self.state, rule.id, now):
            self.state.write(told)  # a new rule starts at its next period; a snoozed one skips this one
            return None
        # a brand's digest tells the incidents of every rule on the brand; a query's, its own
        incidents, _ = Incidents(self.state).page(rule=None if rule.brand else rule.id, brand=rule.brand, since=start,
                                                  limit=200)
        digest = gather(self.index, self.config, rule, start, end, incidents, str(schedule))
        return self._store(rule, digest_notification(digest, schedule.tz, self.public_url, now), told)

    def _batch(self, rule: AlertRule, now: datetime) -> str | None:
        every = int(rule.batch_every or 300)
        end = batch_end(now, every)
        marker = self.state.get(BATCH + rule.id)
        if marker is not None and marker.get("end", "") >= end.isoformat():
            return None
        found = recent(self.index, self.config, rule, now)
        seen = set(marker.get("seen", [])) if marker is not None else set()
        fresh = [m for m in found if m.id not in seen]
        told = {BATCH + rule.id: {"end": end.isoformat(), "seen": [m.id for m in found]}}
        if marker is None or not fresh or is_snoozed(self.state, rule.id, now):
            self.state.write(told)  # history is never sent; a snoozed rule's mentions pass untold
            return None
        return self._store(rule, batch_notification(rule, display_name(rule, self.config), fresh, end,
                                                    self.public_url), told)

    def _store(self, rule: AlertRule, notification: outbox.Notification, told: dict[str, dict[str, Any]]) -> str:
        channels = channels_of(rule, public_only=rule.id not in {r.id for r in self.config.alerts})
        if not channels or outbox.stored(self.state, notification.id) is not None:
            self.state.write(told)
            return ""
        self.state.write({**outbox.entries(notification, channels), **told})
        logger.info("%s of rule %s put in the outbox for %d channels", notification.kind, rule.id, len(channels))
        return notification.id

