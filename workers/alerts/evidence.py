"""Why an incident fired: its top mentions, the words and sources that drive it, its sentiment.

Compared with the week before the window. Read from the index only when an incident opens or
grows, never on the per-batch path.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from earful.alerts.models import DrivingTerm, Evidence, EvidenceMention, SourceShift
from earful.config import AppConfig
from earful.models import Mention
from search.analytics.series import LABEL_TERMS, Tally
from search.analytics.themes import ThemeQuery, extractor_for, themes
from search.analytics.top import top_values
from search.base import IndexBackend, SearchFilters, SearchRequest
from workers.alerts.scope import RuleScope

logger = logging.getLogger(__name__)
TOP_MENTIONS = 5
READ = 200  # newest mentions of the window read to pick the top ones from
BASELINE = timedelta(days=7)


def _engagement(mention: Mention) -> int:
    e = mention.engagement
    return 0 if e is None else (e.score or 0) + 2 * (e.comments or 0) + 3 * (e.shares or 0)


def _item(mention: Mention) -> EvidenceMention:
    return EvidenceMention(id=mention.id, url=mention.url, title=mention.title[:300], text=mention.text[:300],
                           source=mention.source, source_name=mention.source_name, author=mention.author,
                           published_at=mention.published_at, sentiment=mention.sentiment.label,
                           sentiment_score=mention.sentiment.score,
                           engagement=_engagement(mention) if mention.engagement else None)


def top_mentions(index: IndexBackend, scope: RuleScope, window: SearchFilters, negative_first: bool) -> list[EvidenceMention]:
    """Most negative first (negative triggers) or most engaged first, then newest."""
    hits = index.search(SearchRequest(query=scope.query, filters=window, sort="newest", limit=READ,
                                      highlight=False)).hits
    mentions = [h.mention for h in hits]
    if negative_first:
        mentions.sort(key=lambda m: (m.sentiment.label != "negative", m.sentiment.score or 0.0))
    else:
        mentions.sort(key=lambda m: -_engagement(m))
    return [_item(m) for m in mentions[:TOP_MENTIONS]]


def _labels(index: IndexBackend, scope: RuleScope, filters: SearchFilters) -> Tally:
    tally = Tally()
    tally.add_labels(index.aggregate(scope.query, filters, {"labels": LABEL_TERMS}), ratings=False)
    return tally


def _sources(index: IndexBackend, scope: RuleScope, window: SearchFilters,
             baseline: SearchFilters) -> list[SourceShift]:
    now, before = top_values(index, scope.query, window, "source", 5), top_values(index, scope.query, baseline,
                                                                                     "source", 50)
    n_now = sum(v.tally.count for v in now.values) + now.other
    n_before = sum(v.tally.count for v in before.values) + before.other
    usual = {v.value: v.tally.count for v in before.values}
    return [SourceShift(source=v.value, window=v.tally.count, window_share=round(v.tally.count / max(n_now, 1), 4),
                        baseline_share=round(usual.get(v.value, 0) / max(n_before, 1), 4)) for v in now.values]


def _terms(index: IndexBackend, config: AppConfig, scope: RuleScope, since: datetime,
           until: datetime) -> list[DrivingTerm]:
    report = themes(index, ThemeQuery(scope.query, scope.filters, since, until, compare_to="all", size=8),
                    extractor_for(config))
    return [DrivingTerm(term=t.term, window=t.count, baseline=t.background, score=round(t.score, 4))
            for t in report.themes]


def gather(index: IndexBackend, config: AppConfig, scope: RuleScope, since: datetime, until: datetime,
           negative_first: bool) -> Evidence:
    """Evidence for the window [since, until); a part that cannot be read is left empty and logged."""
    window = replace(scope.filters, since=since, until=until)
    baseline = replace(scope.filters, since=since - BASELINE, until=since)
    evidence = Evidence()
    try:
        evidence.top_mentions = top_mentions(index, scope, window, negative_first)
        evidence.sentiment = dict(_labels(index, scope, window).labels)
        usual = _labels(index, scope, baseline)
        evidence.baseline_sentiment = {k: round(v / max(usual.count, 1), 4) for k, v in usual.labels.items()}
        evidence.sources = _sources(index, scope, window, baseline)
        evidence.terms = _terms(index, config, scope, since, until)
    except Exception:  # evidence helps people; an incident without it must still be stored
        logger.exception("evidence for %s..%s could not be read in full", since, until)
    return evidence
