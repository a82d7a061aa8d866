"""What a rule would have raised over the stored mentions: the way to pick a sensitivity before switching it on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from earful.alerts.rules import AlertRule
from earful.config import AppConfig
from search.base import IndexBackend
from search.trends import fixed_buckets
from workers.alerts.engine import detect
from workers.alerts.live import HISTORY_DAYS, bucket_start
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


def backtest(index: IndexBackend, config: AppConfig, rule: AlertRule, since: datetime, until: datetime,
             chosen: Sensitivity | None = None) -> Backtest:
    """Run the rule's detector over [since, until), learning from the ``HISTORY_DAYS`` before ``since``."""
    scope = rule_scope(rule, config)
    step = rule.interval
    start = bucket_start(since, step) - timedelta(days=HISTORY_DAYS)
    counts, negative = fixed_buckets(index, scope.query, scope.filters, step=step, since=start,
                                     until=bucket_start(until, step))
    series = Series.build(start, step, counts, negative, scope.tz)
    chosen = chosen or sensitivity(rule.sensitivity, rule.threshold, rule.min_count)
    raised = _raised(series, rule.trigger, chosen, since)
    others = {name: len(_raised(series, rule.trigger, sensitivity(name, None, rule.min_count), since))
              for name in SENSITIVITIES}
    first = series.index_at(since)
    return Backtest(rule.id, rule.trigger, chosen.name, since, until, step, int(series.counts[max(first, 0):].sum()),
                    raised, others)


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
