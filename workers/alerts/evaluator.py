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
from functools import partial

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
        return self.evaluate([r for r in self.current_rules() if r.brand is None or r.brand in brands], oldest)

    def tick(self) -> list[Outcome]:
        """Evaluate every rule (buckets that ended, silences), and close incidents of rules now gone."""
        rules = self.current_rules()
        outcomes = self.evaluate(rules)
        self._forget_removed({r.id for r in rules})
        return outcomes

    def evaluate(self, rules: Sequence[AlertRule], oldest: datetime | None = None) -> list[Outcome]:
        """Evaluate ``rules``, each under its lease; ``oldest``: the earliest publication time just indexed."""
        outcomes: dict[str, Outcome] = {}
        leased = []
        for rule in rules:
            if rule.trigger == "new_mentions":
                outcomes[rule.id] = Outcome(rule.id, skipped="new_mentions is delivered mention by mention")
                continue
            ok, got = self._guard(rule, outcomes, partial(self.state.try_lock, f"alert-rule:{rule.id}", self.owner,
                                                          LEASE_SECONDS))
            if ok and got:
                leased.append(rule)
            elif ok:
                outcomes[rule.id] = Outcome(rule.id, skipped="another evaluator holds the rule")
        try:
            with self._lock:
                self._evaluate_leased(leased, oldest, outcomes)
        finally:
            for rule in leased:
                self._guard(rule, outcomes, partial(self.state.unlock, f"alert-rule:{rule.id}", self.owner))
        self.evaluations += len(leased)
        return [outcomes[r.id] for r in rules]

    def _evaluate_leased(self, rules: list[AlertRule], oldest: datetime | None, outcomes: dict[str, Outcome]) -> None:
        now = self.clock()
        ready = [r for r in rules if self._guard(r, outcomes, partial(self._ready, r, oldest, now))[0]]
        for rule in ready:
            work = partial(self._refresh_and_sync, self._live[rule.id], now)
            ok, change = self._guard(rule, outcomes, work)
            if ok:
                outcomes[rule.id] = Outcome(rule.id, change=change if isinstance(change, str) else None)

    def _ready(self, rule: AlertRule, oldest: datetime | None, now: datetime) -> bool:
        """The rule's detector, built afresh when the rule is new or changed, or history was filled in behind
        it (a first collection, a catch-up): rebuilt from the index, the past is never alerted on."""
        current = self._live.get(rule.id)
        if current is None or current.rule != rule or (oldest is not None and oldest < current.committed_until):
            self._live[rule.id] = live.build(self.index, rule, rule_scope(rule, self.config), now, self.tuning)
        return True

    def _refresh_and_sync(self, rule_live: live.LiveRule, now: datetime) -> str | None:
        live.refresh(self.index, rule_live, now)
        return records.sync(rule_live, self.incidents, now, self._describe)

    def _guard(self, rule: AlertRule, outcomes: dict[str, Outcome],
               work: Callable[[], object]) -> tuple[bool, object]:
        """Run ``work`` for one rule: (True, its result), or (False, None) with the failure logged and recorded
        as the rule's outcome. One rule's trouble never stops the others, the batch or the clock."""
        try:
            return True, work()
        except Exception as exc:
            self.failures += 1
            logger.exception("alert rule %s could not be evaluated", rule.id)
            outcomes[rule.id] = Outcome(rule.id, error=f"{type(exc).__name__}: {exc}")
            return False, None

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

