"""The stored incident of a rule follows its detector: opened, updated when it grows, resolved.

At most one incident per rule is open. Ids are the rule and the bucket that raised it, so two
evaluators (or one after a restart) write the same incident, never a second one; an incident the
detector reopens during its cooldown is the same incident again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from earful.alert_store import Incidents
from earful.alerts.models import Evidence, Incident, SeriesPoint, Version
from earful.alerts.rules import AlertRule
from workers.alerts.incidents import Incident as Episode
from workers.alerts.live import LiveRule

SERIES_BEFORE = timedelta(days=2)
MAX_POINTS = 1200
Describe = Callable[[LiveRule, datetime, datetime], Evidence | None]
# What a change tells people (the outbox's writes), stored in the same step as the change itself.
Notify = Callable[[AlertRule, Incident, str], dict[str, dict[str, Any]]]
Teller = Callable[[Incident], dict[str, dict[str, Any]]]


def incident_id(rule_id: str, opened: datetime) -> str:
    return f"{rule_id}-{opened:%Y%m%dT%H%MZ}"


def sync(live: LiveRule, incidents: Incidents, now: datetime, describe: Describe,
         notify: Notify | None = None) -> str | None:
    """Bring the rule's stored incident in line with its detector; the change made, if any (told through
    ``notify``)."""

    current = live.peek.current.get(live.rule.trigger) if live.peek is not None else None
    record = _open_record(live, incidents)
    if current is None or not current.active:
        if record is None or _raised_while_filling(live, record):
            return None
        # read again: its mentions have been refined since it was told, and the stored copy is what lasts
        record.evidence = describe(live, record.window_start, _told_until(record)) or record.evidence
        resolve(record, now, current.resolution if current is not None and current.resolution else "back_in_band")
        _save(live, incidents, record, now, _teller(notify, live.rule, "resolved"))
        return "resolved"
    change: str | None
    if record is None:
        record = incidents.get(incident_id(live.rule.id, live.time(current.opened)))
        change = "opened" if record is None else "reopened"
        record = record or _new(live, current, now)
        live.synced_sequence = current.sequence
    else:
        if live.synced_sequence == 0:  # a detector rebuilt since: take its versions as they are
            live.synced_sequence = current.sequence
        change = "updated" if current.sequence > live.synced_sequence else None
        live.synced_sequence = max(live.synced_sequence, current.sequence)
    _figures(record, current, live, now)
    if change in ("reopened", "updated"):
        record.state, record.resolved_at, record.resolution = "updated", None, None
        record.sequence += 1
    if change is not None:
        record.versions.append(_version(record, now))
        record.evidence = describe(live, record.window_start, max(record.window_end, now)) or record.evidence
    if change is not None or live.index_at(now) != live.saved_bucket:  # else: written again as its bucket ends
        _save(live, incidents, record, now, _teller(notify, live.rule, change))
    return change


def _told_until(record: Incident) -> datetime:
    """The end of the span its evidence was last read over (the window, or up to its latest update)."""
    return max([record.window_end, *(v.at for v in record.versions if v.state != "resolved")])


def _raised_while_filling(live: LiveRule, record: Incident) -> bool:
    """Whether ``record`` was raised on a bucket that is not complete yet. Such a bucket is looked at again as
    it fills; one that stops looking like a spike (more mentions thin its negative share) must not resolve
    the incident a minute after it was told: it is judged again, and resolved if need be, once complete."""
    return record.opened_at >= live.committed_until


def _open_record(live: LiveRule, incidents: Incidents) -> Incident | None:
    """The rule's open incident: this process's copy while nobody saved another one since."""
    stamp = incidents.open_stamp(live.rule.id)
    if stamp is None:
        live.record = live.record_stamp = None
    elif stamp != live.record_stamp or live.record is None:
        live.record, live.record_stamp = incidents.open_for(live.rule.id), stamp
    return live.record


def _teller(notify: Notify | None, rule: AlertRule, change: str | None) -> Teller | None:
    """What tells of ``change`` once the record is complete (None: nothing to tell)."""
    if notify is None or change is None:
        return None
    return lambda record: notify(rule, record, change)


def _save(live: LiveRule, incidents: Incidents, record: Incident, now: datetime, tell: Teller | None = None) -> None:
    record.series = series(live, record)
    stamp = incidents.save(record, tell(record) if tell is not None else None)
    live.saved_bucket = live.index_at(now)
    live.record, live.record_stamp = (record, stamp) if record.state != "resolved" else (None, None)


def resolve(record: Incident, now: datetime, why: str) -> None:
    record.state, record.resolved_at, record.resolution = "resolved", now, why
    record.updated_at = now
    record.sequence += 1
    record.versions.append(_version(record, now))


def _new(live: LiveRule, current: Episode, now: datetime) -> Incident:
    opened = live.time(current.opened)
    sensitivity = live.tracker.sensitivity
    baseline = live.tracker.baseline
    from_bucket = max(baseline.volume_from, current.opened - baseline.buckets(24 * baseline.tuning.level_days))
    return Incident(
        id=incident_id(live.rule.id, opened), rule=live.rule.id, brand=live.rule.brand, trigger=live.rule.trigger,
        state="open", sequence=1, interval=live.step, sensitivity=sensitivity.name,
        threshold=current.threshold, threshold_why=current.bar,
        opened_at=opened, detected_at=now, updated_at=now,
        window_start=live.time(current.opened - current.scale + 1), window_end=live.time(current.opened + 1),
        observed=current.observed, expected=current.expected, lower=0.0, upper=0.0, score=current.score,
        peak_score=current.peak_score, peak_observed=current.peak_observed, peak_at=live.time(current.peak_at),
        baseline_from=live.time(from_bucket), baseline_to=opened)


def _figures(record: Incident, current: Episode, live: LiveRule, now: datetime) -> None:
    """The latest window's figures and band (at the window length that holds it)."""
    record.observed, record.expected, record.score = current.observed, current.expected, current.score
    if live.rule.trigger.startswith("negative"):
        record.total, record.usual_share = current.total, current.usual_share
    record.peak_score, record.peak_observed = current.peak_score, current.peak_observed
    record.peak_at = live.time(current.peak_at)
    baseline = live.tracker.baseline
    k = max(j for j, scale in enumerate(baseline.scales) if scale <= max(current.scale, 1))
    sensitivity = live.tracker.sensitivity
    width = current.threshold * baseline.spread[k].sd(current.expected)
    record.lower = round(max(0.0, current.expected - width), 3)
    record.upper = round(max(current.expected + width, current.expected * sensitivity.ratio), 3)
    record.updated_at = now


def _version(record: Incident, now: datetime) -> Version:
    return Version(sequence=record.sequence, state=record.state, at=now, observed=record.observed,
                   expected=record.expected, score=record.score)


def series(live: LiveRule, record: Incident) -> list[SeriesPoint]:
    """Observed and the expected band per bucket, from two days before the incident to now (for charts)."""
    tracker, history = live.tracker, live.tracker.baseline.history
    first = max(0, live.index_at(record.opened_at - SERIES_BEFORE), len(tracker) - MAX_POINTS)
    points = []
    for i in range(first, len(tracker)):
        expected, low, high = tracker.band(i)
        points.append(_point(live.time(i), history.counts[i], history.negative[i], expected, low, high))
    bands = live.peek.bands if live.peek is not None else []
    for j, ((count, negative), (expected, low, high)) in enumerate(zip(live.pending_counts, bands)):
        points.append(_point(live.time(len(tracker) + j), count, negative, expected, low, high))
    return points


def _point(start: datetime, count: int, negative: int, expected: float, low: float, high: float) -> SeriesPoint:
    return SeriesPoint(start=start, observed=count, negative=negative, expected=round(expected, 3),
                       lower=round(low, 3), upper=round(high, 3))
