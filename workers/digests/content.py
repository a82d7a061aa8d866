"""What a digest says: volume and sentiment against the period before, incidents, top mentions, rising themes.

Sentiment is toward the rule's brand when it watches one (an article that praises a competitor and
criticises the brand counts as negative for it), as the API, trends and incidents count it.

Read from the index through the same searches as the API's analytics (label counts, theme scoring
against the previous period, the evidence's top mentions); a part that cannot be read is left
empty and logged, so a digest still goes out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from earful.alerts.models import DrivingTerm, EvidenceMention, IncidentSummary
from earful.alerts.rules import AlertRule
from earful.config import AppConfig
from search.analytics.series import Tally
from search.analytics.themes import ThemeQuery, extractor_for, themes
from search.base import IndexBackend
from search.sentiment_scope import label_terms, scope_brand
from workers.alerts.evidence import top_mentions
from workers.alerts.scope import RuleScope, rule_scope

logger = logging.getLogger(__name__)
RISING = 8


@dataclass
class Digest:
    """Everything a digest tells, ready to render (no index or state needed any more)."""

    rule: str
    name: str  # the brand's name, else the rule's query or id
    schedule: str
    start: datetime
    end: datetime
    now: Tally = field(default_factory=Tally)
    before: Tally = field(default_factory=Tally)
    incidents: list[IncidentSummary] = field(default_factory=list)
    top: list[EvidenceMention] = field(default_factory=list)
    rising: list[DrivingTerm] = field(default_factory=list)


def display_name(rule: AlertRule, config: AppConfig) -> str:
    brand = config.brand(rule.brand) if rule.brand else None
    return brand.name if brand is not None else (rule.q or rule.id)


def _tally(index: IndexBackend, scope: RuleScope, since: datetime, until: datetime) -> Tally:
    tally = Tally()
    filters = replace(scope.filters, since=since, until=until)
    tally.add_labels(index.aggregate(scope.query, filters, {"labels": label_terms(scope_brand(filters))}),
                     ratings=False)
    return tally


def _rising(index: IndexBackend, config: AppConfig, scope: RuleScope, since: datetime,
            until: datetime) -> list[DrivingTerm]:
    report = themes(index, ThemeQuery(scope.query, scope.filters, since, until, compare_to="previous", size=RISING),
                    extractor_for(config))
    return [DrivingTerm(term=t.term, window=t.count, baseline=t.background, score=round(t.score, 4))
            for t in report.themes]


def gather(index: IndexBackend, config: AppConfig, rule: AlertRule, start: datetime, end: datetime,
           incidents: Sequence[IncidentSummary], schedule: str = "") -> Digest:
    """The digest of ``rule`` for [start, end); ``incidents``: the rule's stored ones (those raised then are kept)."""
    scope = rule_scope(rule, config)
    digest = Digest(rule.id, display_name(rule, config), schedule, start, end,
                    incidents=sorted((i for i in incidents if start <= i.opened_at < end), key=lambda i: i.opened_at))
    try:
        digest.now = _tally(index, scope, start, end)
        digest.before = _tally(index, scope, start - (end - start), start)
        digest.top = top_mentions(index, scope, replace(scope.filters, since=start, until=end), negative_first=False)
        digest.rising = _rising(index, config, scope, start, end) if digest.now.count else []
    except Exception:  # a digest with a part missing still tells the rest
        logger.exception("digest of rule %s for %s..%s could not be read in full", rule.id, start, end)
    return digest
