"""Evaluates alert rules: right after every indexed batch for the rules it touched, and on a clock.

Each rule's detector lives in memory (``live.LiveRule``); an evaluation reads only the newest
buckets from the index. A rule is evaluated under a lease in the state store, so across threads,
processes and (with Redis) hosts exactly one evaluator runs it at a time; a rule that fails is
logged and never stops the batch, the clock or the other rules.
"""

from __future__ import annotations

import bisect
import logging
import math
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from earful.alert_store import AlertRules, Incidents
from earful.alerts.models import Evidence
from earful.alerts.rules import AlertRule
from earful.config import AppConfig
from earful.models import Mention, utcnow
from earful.state import StateStore
from search.base import IndexBackend
from search.trends import Counts, fixed_buckets_by_brand
from workers.alerts import evidence, live, owed, records
from workers.alerts.scope import rule_scope
from workers.alerts.tuning import DEFAULT_TUNING, Tuning

logger = logging.getLogger(__name__)
LEASE_SECONDS = 120.0
RENEW_AFTER = timedelta(hours=6)  # a detector is rebuilt this often, to take in mentions that came late
LATE_MENTIONS = 10  # this many mentions published behind a detector in one batch: history was filled in
ROUNDS = 3  # evaluations of a rule per call at most: this one and those owed to batches that found it held
T = TypeVar("T")


@dataclass
class Outcome:
    """What one evaluation did (for logs, tests and the service's health)."""

    rule: str
    change: str | None = None
    skipped: str | None = None  # leased by another evaluator, or a rule without a detector
    error: str | None = None


def _published(batch: Sequence[Mention]) -> dict[str | None, list[datetime]]:
    """The batch's publication times, sorted, per brand (None: all of them)."""
    times: dict[str | None, list[datetime]] = {None: sorted(m.published_at for m in batch)}
    for mention in batch:
        for name in mention.brands:
            times.setdefault(name, []).append(mention.published_at)
    for key, found in times.items():
        if key is not None:
            found.sort()
    return times


def _filled_in(current: live.LiveRule, times: list[datetime]) -> bool:
    """Whether the batch (its rule's mentions' publication ``times``, sorted) filled in the rule's past: a
    mention older than a day, or many behind the detector."""
    end = current.committed_until
    late = bisect.bisect_left(times, end)
    return late >= LATE_MENTIONS or (late > 0 and end - times[0] > timedelta(days=1))


def _brand_only(rule: AlertRule) -> bool:
    return bool(rule.brand) and not (rule.q or rule.source or rule.lang)


class Evaluator:
    """Keeps every rule's detector and evaluates rules on demand."""

    def __init__(self, index: IndexBackend, state: StateStore, config: AppConfig, *,
                 clock: Callable[[], datetime] = utcnow, tuning: Tuning = DEFAULT_TUNING,
                 notify: records.Notify | None = None, sharpen: evidence.Sharpen | None = None) -> None:
        self.index, self.state, self.config = index, state, config
        self.notify = notify  # the delivery side's outbox writes, stored with each incident change
        self.sharpen = sharpen  # the accurate scorer, for top mentions still provisional (evidence.top_mentions)
        self.clock, self.tuning = clock, tuning
        self.rules = AlertRules(state, config.rule_book())
        self.incidents = Incidents(state)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._live: dict[str, live.LiveRule] = {}
        self._known: tuple[int, list[AlertRule]] = (-1, [])
        self._lock = threading.Lock()  # one evaluation at a time in this process (the detectors are not shared)
        self._renewed = False
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
        return self.evaluate([r for r in self.current_rules() if r.brand is None or r.brand in brands], mentions)

    def tick(self) -> list[Outcome]:
        """Evaluate every rule (buckets that ended, silences), and close incidents of rules now gone."""
        rules = self.current_rules()
        outcomes = self.evaluate(rules)
        self._forget_removed({r.id for r in rules})
        return outcomes

    def evaluate(self, rules: Sequence[AlertRule], batch: Sequence[Mention] = ()) -> list[Outcome]:
        """Evaluate ``rules``, each under its lease; ``batch``: the mentions just indexed, if any.

        A rule another evaluator holds gets a note (``owed``) instead: its holder evaluates it again once
        it lets go, so the batch is judged within seconds either way."""
        outcomes: dict[str, Outcome] = {}
        todo = []
        for rule in rules:
            if rule.trigger == "new_mentions":
                outcomes[rule.id] = Outcome(rule.id, skipped="new_mentions is delivered mention by mention")
            else:
                todo.append(rule)
        published = _published(batch)
        with self._lock:  # this process's threads take turns: none finds a rule held by another of them
            for round_ in range(ROUNDS):
                leased, busy = self._lease(todo, outcomes)
                for rule in busy if round_ == 0 else ():
                    self._guard(rule, outcomes, partial(owed.owe, self.state, rule.id, published.get(rule.brand, [])))
                try:
                    self._evaluate_leased(leased, published, outcomes)
                finally:
                    for rule in leased:
                        self._guard(rule, outcomes, partial(self.state.unlock, f"alert-rule:{rule.id}", self.owner))
                self.evaluations += len(leased)
                # notes left while this evaluator held a rule; a busy rule once more, in case its holder has
                # let go before the note was written
                again: set[str] = self._guard_all(partial(owed.waiting, self.state, [r.id for r in leased]), set())
                todo = [r for r in leased if r.id in again] + (busy if round_ == 0 else [])
                published = {}  # the batch has been judged; later rounds judge the notes' batches
                if not todo:
                    break
        return [outcomes[r.id] for r in rules]

    def _lease(self, rules: Sequence[AlertRule], outcomes: dict[str, Outcome]) -> tuple[list[AlertRule], list[AlertRule]]:
        """The rules this evaluator now holds, and those another evaluator holds."""
        leased, busy = [], []
        for rule in rules:
            ok, got = self._guard(rule, outcomes, partial(self.state.try_lock, f"alert-rule:{rule.id}", self.owner,
                                                          LEASE_SECONDS))
            if ok and got:
                leased.append(rule)
            elif ok:
                busy.append(rule)
                outcomes[rule.id] = Outcome(rule.id, skipped="another evaluator holds the rule (it evaluates again)")
        return leased, busy

    def _guard_all(self, work: Callable[[], T], default: T) -> T:
        """``work`` that serves several rules at once: its failure is logged and reads as ``default``."""
        try:
            return work()
        except Exception:
            self.failures += 1
            logger.exception("owed alert evaluations could not be read or written")
            return default

    def _evaluate_leased(self, rules: list[AlertRule], published: dict[str | None, list[datetime]],
                         outcomes: dict[str, Outcome]) -> None:
        now = self.clock()
        self._renewed = False
        notes: dict[str, list[datetime]] = self._guard_all(partial(owed.take, self.state, [r.id for r in rules]), {})
        ready = [r for r in rules if self._guard(r, outcomes, partial(
            self._ready, r, sorted(published.get(r.brand, []) + notes.get(r.id, [])), now))[0]]
        read = self._read_brands([self._live[r.id] for r in ready if _brand_only(r)], now)
        for rule in ready:
            work = partial(self._refresh_and_sync, self._live[rule.id], now, read.get(rule.id))
            ok, change = self._guard(rule, outcomes, work)
            earlier = outcomes.get(rule.id)
            if ok and not (earlier and earlier.change):  # an earlier round's change (say "opened") is what happened
                outcomes[rule.id] = Outcome(rule.id, change=change if isinstance(change, str) else None)

    def _ready(self, rule: AlertRule, published: list[datetime], now: datetime) -> bool:
        """The rule's detector, built afresh from the index when the rule is new or changed, or when history
        was filled in behind it (a first collection, a catch-up: the past is never alerted on). A few late
        mentions wait for the periodic renewal; one detector a round is renewed, so no batch pays for all."""
        current = self._live.get(rule.id)
        renew = current is not None and not self._renewed and now - current.built_at > RENEW_AFTER
        if current is None or current.rule != rule or renew or _filled_in(current, published):
            self._live[rule.id] = live.build(self.index, rule, rule_scope(rule, self.config), now, self.tuning)
            self._renewed = self._renewed or renew
        return True

    def _read_brands(self, lives: list[live.LiveRule], now: datetime) -> dict[str, Counts]:
        """The newest buckets of every rule that watches just a brand, in one aggregation at the finest
        bucket length (the other rules read their own)."""
        if len(lives) < 2:
            return {}
        fine = math.gcd(*(x.step for x in lives))
        spans = {x.rule.id: live.wanted(x, now) for x in lives}
        since, until = min(a for a, _ in spans.values()), max(b for _, b in spans.values())
        try:
            found = fixed_buckets_by_brand(self.index, [str(x.rule.brand) for x in lives], step=fine, since=since,
                                           until=until)
        except Exception:  # each rule then reads its own, and fails alone if it must
            logger.exception("reading the newest buckets of %d brands together failed", len(lives))
            return {}
        out = {}
        for x in lives:
            start, end = spans[x.rule.id]
            offset, size = int((start - since).total_seconds()) // fine, int((end - start).total_seconds()) // x.step
            out[x.rule.id] = live.regroup(found[str(x.rule.brand)], fine, x.step, offset, size)
        return out

    def _refresh_and_sync(self, rule_live: live.LiveRule, now: datetime, counts: Counts | None) -> str | None:
        live.refresh(self.index, rule_live, now, counts)
        return records.sync(rule_live, self.incidents, now, self._describe, self.notify)

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
                               negative_first=rule_live.rule.trigger.startswith("negative"), sharpen=self.sharpen)

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

