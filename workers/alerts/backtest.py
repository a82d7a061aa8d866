"""What a rule would have raised over the stored mentions: the way to pick a sensitivity before switching it on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from earful.alerts.models import IncidentSummary
from earful.alerts.rules import AlertRule
from earful.config import AppConfig
from search.base import IndexBackend
from search.trends import fixed_buckets
from workers.alerts.engine import detect
from workers.alerts.live import HISTORY_DAYS, bucket_start, rule_counts
from workers.alerts.scope import rule_scope
from workers.alerts.series import Series
from workers.alerts.tuning import SENSITIVITIES, Sensitivity, sensitivity


@dataclass
class Raised:
    opened_at: datetime
    resolved_at: datetime | None
    resolution: str | None
    observed: float
    expected: float
    score: float
    peak_observed: float
    peak_score: float
    window_buckets: int


@dataclass
class Judged:
    """A stored incident people gave a verdict, and whether each preset would have raised it."""

    incident: str
    verdict: str
    opened_at: datetime
    raised_by: dict[str, bool]


@dataclass
class Backtest:
    rule: str
    trigger: str
    sensitivity: str
    since: datetime
    until: datetime
    interval: int
    mentions: int
    incidents: list[Raised]
    per_sensitivity: dict[str, int]  # how many each preset would have raised over the same period
    judged: list[Judged] = field(default_factory=list)  # stored incidents with a verdict, in the period


def backtest(index: IndexBackend, config: AppConfig, rule: AlertRule, since: datetime, until: datetime,
             chosen: Sensitivity | None = None, judged: Sequence[IncidentSummary] = ()) -> Backtest:
    """Run the rule's detector over [since, until), learning from the ``HISTORY_DAYS`` before ``since``;
    ``judged``: stored incidents people gave a verdict, each checked against every preset."""
    scope = rule_scope(rule, config)
    step = rule.interval
    start = bucket_start(since, step) - timedelta(days=HISTORY_DAYS)
    read = fixed_buckets(index, scope.query, scope.filters, step=step, since=start, until=bucket_start(until, step))
    counts, negative = rule_counts(rule, read)
    series = Series.build(start, step, counts, negative, scope.tz)
    chosen = chosen or sensitivity(rule.sensitivity, rule.threshold, rule.min_count)
    raised = _raised(series, rule.trigger, chosen, since)
    runs = {name: _raised(series, rule.trigger, sensitivity(name, None, rule.min_count), since)
            for name in SENSITIVITIES}
    first = series.index_at(since)
    verdicts = [_judge(i, runs, until) for i in judged if i.feedback and since <= i.opened_at < until]
    return Backtest(rule.id, rule.trigger, chosen.name, since, until, step, sum(read.mentions[max(first, 0):]),
                    raised, {name: len(found) for name, found in runs.items()}, verdicts)


def _judge(incident: IncidentSummary, runs: dict[str, list[Raised]], until: datetime) -> Judged:
    """Whether each preset raised an incident covering the stored one's opening (within a window of it)."""
    slack = timedelta(seconds=incident.interval) + (incident.window_end - incident.window_start)

    def covers(r: Raised) -> bool:
        return r.opened_at - slack <= incident.opened_at <= (r.resolved_at or until) + slack

    return Judged(incident.id, incident.feedback[-1].verdict, incident.opened_at,
                  {name: any(covers(r) for r in found) for name, found in runs.items()})


def _raised(series: Series, trigger: str, chosen: Sensitivity, since: datetime) -> list[Raised]:
    found = detect(series, chosen).incidents.get(trigger, [])
    out = []
    for incident in found:
        opened = series.time(incident.opened)
        if opened < since:
            continue
        out.append(Raised(opened, series.time(incident.resolved) if incident.resolved is not None else None,
                          incident.resolution, incident.observed, incident.expected, incident.score,
                          incident.peak_observed, incident.peak_score, incident.scale))
    return out
