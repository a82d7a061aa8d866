"""Evaluates alert rules: right after every indexed batch for the rules it touched, and on a clock.

Each rule's detector lives in memory (``live.LiveRule``); an evaluation reads only the newest
buckets from the index. A rule is evaluated under a lease in the state store, so across threads,
processes and (with Redis) hosts exactly one evaluator runs it at a time; a rule that fails is
logged and never stops the batch, the clock or the other rules.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from earful.alert_store import AlertRules, Incidents
from earful.alerts.models import Evidence
from earful.alerts.rules import AlertRule
from earful.config import AppConfig
from earful.models import Mention, utcnow
from earful.state import StateStore
from search.base import IndexBackend
from workers.alerts import evidence, live, records
from workers.alerts.scope import rule_scope
from workers.alerts.tuning import DEFAULT_TUNING, Tuning

logger = logging.getLogger(__name__)
LEASE_SECONDS = 120.0


@dataclass
class Outcome:
    """What one evaluation did (for logs, tests and the service's health)."""

    rule: str
    change: str | None = None
    skipped: str | None = None  # leased by another evaluator, or a rule without a detector
    error: str | None = None


class Evaluator:
    """Keeps every rule's detector and evaluates rules on demand."""

    def __init__(self, index: IndexBackend, state: StateStore, config: AppConfig, *,
                 clock: Callable[[], datetime] = utcnow, tuning: Tuning = DEFAULT_TUNING) -> None:
        self.index, self.state, self.config = index, state, config
        self.clock, self.tuning = clock, tuning
        self.rules = AlertRules(state, config.rule_book())
        self.incidents = Incidents(state)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._live: dict[str, live.LiveRule] = {}
        self._known: tuple[int, list[AlertRule]] = (-1, [])
        self._lock = threading.Lock()  # one evaluation at a time in this process (the detectors are not shared)
        self.evaluations = 0
        self.failures = 0

    def current_rules(self) -> list[AlertRule]:
        """The enabled rules, re-read when the API changed them."""
        version = self.rules.version()
        if version != self._known[0]:
            self._known = (version, self.rules.enabled())
        return self._known[1]

    def after_batch(self, mentions: Sequence[Mention]) -> list[Outcome]:
        """Evaluate the rules whose brand the batch touched (and every rule without a brand)."""
        if not mentions:
            return []
        brands = {b for m in mentions for b in m.brands}
        oldest = min(m.published_at for m in mentions)
        chosen = [r for r in self.current_rules() if r.brand is None or r.brand in brands]
        return [self.evaluate(rule, oldest) for rule in chosen]

    def tick(self) -> list[Outcome]:
        """Evaluate every rule (buckets that ended, silences), and close incidents of rules now gone."""
        rules = self.current_rules()
        outcomes = [self.evaluate(rule) for rule in rules]
        self._forget_removed({r.id for r in rules})
        return outcomes

    def evaluate(self, rule: AlertRule, oldest: datetime | None = None) -> Outcome:
        if rule.trigger == "new_mentions":
            return Outcome(rule.id, skipped="new_mentions is delivered mention by mention")
        name = f"alert-rule:{rule.id}"
        try:
            if not self.state.try_lock(name, self.owner, LEASE_SECONDS):
                return Outcome(rule.id, skipped="another evaluator holds the rule")
            try:
                with self._lock:
                    return Outcome(rule.id, change=self._evaluate(rule, oldest))
            finally:
                self.state.unlock(name, self.owner)
        except Exception as exc:  # one rule's failure must not stop collection or the other rules
            self.failures += 1
            logger.exception("alert rule %s could not be evaluated", rule.id)
            return Outcome(rule.id, error=f"{type(exc).__name__}: {exc}")
        finally:
            self.evaluations += 1

    def _evaluate(self, rule: AlertRule, oldest: datetime | None) -> str | None:
        now = self.clock()
        current = self._live.get(rule.id)
        stale = current is None or current.rule != rule or (oldest is not None and oldest < current.committed_until)
        if stale:  # new, changed, or history was filled in behind it (backfill): rebuilt, never alerted
            current = self._live[rule.id] = live.build(self.index, rule, rule_scope(rule, self.config), now,
                                                       self.tuning)
        assert current is not None
        live.refresh(self.index, current, now)
        return records.sync(current, self.incidents, now, self._describe)

    def _describe(self, rule_live: live.LiveRule, since: datetime, until: datetime) -> Evidence | None:
        return evidence.gather(self.index, self.config, rule_live.scope, since, until,
                               negative_first=rule_live.rule.trigger.startswith("negative"))

    def _forget_removed(self, active: set[str]) -> None:
        for rule_id in [r for r in self._live if r not in active]:
            del self._live[rule_id]
        for incident in self.incidents.all():
            if incident.state != "resolved" and incident.rule not in active \
                    and self.state.try_lock(f"alert-rule:{incident.rule}", self.owner, LEASE_SECONDS):
                try:
                    records.resolve(incident, self.clock(), "rule_removed")
                    self.incidents.save(incident)
                finally:
                    self.state.unlock(f"alert-rule:{incident.rule}", self.owner)

