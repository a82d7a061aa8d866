"""Why an incident fired: its top mentions, the words and sources that drive it, its sentiment.

Compared with the week before the window. Read from the index only when an incident opens or
grows, never on the per-batch path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from earful.alerts.models import DrivingTerm, Evidence, EvidenceMention, SourceShift
from earful.config import AppConfig
from earful.models import BrandSentiment, Mention, Sentiment
from search.analytics.series import Tally
from search.analytics.themes import ThemeQuery, extractor_for, themes
from search.analytics.top import top_values
from search.base import IndexBackend, SearchFilters, SearchRequest
from search.sentiment_scope import label_terms, scope_brand
from workers.alerts.scope import RuleScope
from workers.brand_sentiment import awaits_final
from workers.delivery.render import PASSAGE_CHARS, quote

logger = logging.getLogger(__name__)
TOP_MENTIONS = 5
READ = 200  # newest mentions of the window read to pick the top ones from
SHARPENED = 24  # of those still provisional, the first this many (in the order scored so far) are read first
# by the accurate scorer (about a second for long articles), then any the new order brings into the top
Sharpen = Callable[[Sequence[Mention]], list[Mention]]
BASELINE = timedelta(days=7)


def _engagement(mention: Mention) -> int:
    e = mention.engagement
    return 0 if e is None else (e.score or 0) + 2 * (e.comments or 0) + 3 * (e.shares or 0)


def _toward(mention: Mention, brand: str | None) -> Sentiment:
    return mention.sentiment_toward(brand) if brand else mention.sentiment


def read_toward(sentiment: Sentiment) -> str | None:
    """The passages a brand's label was read from, joined and cut to ``PASSAGE_CHARS`` (None: read whole)."""
    if not isinstance(sentiment, BrandSentiment) or not sentiment.passages:
        return None
    return quote(" … ".join(p.text for p in sentiment.passages), PASSAGE_CHARS)


def _item(mention: Mention, brand: str | None) -> EvidenceMention:
    sentiment = _toward(mention, brand)
    return EvidenceMention(id=mention.id, url=mention.url, title=mention.title[:300], text=mention.text[:300],
                           source=mention.source, source_name=mention.source_name, author=mention.author,
                           published_at=mention.published_at, sentiment=sentiment.label,
                           sentiment_score=sentiment.score, passage=read_toward(sentiment),
                           engagement=_engagement(mention) if mention.engagement else None)


def as_scored_now(index: IndexBackend, evidence: Evidence | None, brand: str | None) -> Evidence | None:
    """``evidence`` with each top mention's label, score and passage toward ``brand`` as the index holds them now.

    Evidence is gathered as an incident opens, seconds after its mentions were collected and usually before
    the accurate scorer refined them; what people read later should be the refined sentiment.
    """
    if evidence is None or not evidence.top_mentions:
        return evidence
    try:
        stored = {m.id: m for m in index.get([item.id for item in evidence.top_mentions])}
    except Exception:  # the stored evidence is still worth showing
        logger.warning("could not read the current sentiment of an incident's top mentions", exc_info=True)
        return evidence
    items = []
    for item in evidence.top_mentions:
        mention = stored.get(item.id)
        if mention is not None:
            now = _toward(mention, brand)
            item = item.model_copy(update={"sentiment": now.label, "sentiment_score": now.score,
                                           "passage": read_toward(now)})
        items.append(item)
    return evidence.model_copy(update={"top_mentions": items})


def top_mentions(index: IndexBackend, scope: RuleScope, window: SearchFilters, negative_first: bool,
                 sharpen: Sharpen | None = None) -> list[EvidenceMention]:
    """Most negative first (negative triggers; toward the rule's brand) or most engaged first, then newest."""
    return _top(_newest(index, scope, window), scope_brand(window), negative_first, sharpen)


def _newest(index: IndexBackend, scope: RuleScope, window: SearchFilters) -> list[Mention]:
    hits = index.search(SearchRequest(query=scope.query, filters=window, sort="newest", limit=READ,
                                      highlight=False)).hits
    return [h.mention for h in hits]


def _top(mentions: list[Mention], brand: str | None, negative_first: bool,
         sharpen: Sharpen | None) -> list[EvidenceMention]:
    """The top mentions of the newest ``mentions``.

    ``sharpen`` scores mentions still awaiting the accurate scorer with it, in memory: an incident opens
    seconds after its mentions were collected, before the refiner has read them, and its first
    notification should show what they say toward the brand and the passages that say it.
    """

    def ordered(found: list[Mention]) -> list[Mention]:
        if negative_first:
            return sorted(found, key=lambda m: (_toward(m, brand).label != "negative", _toward(m, brand).score or 0.0))
        return sorted(found, key=lambda m: -_engagement(m))

    mentions = ordered(mentions)
    if sharpen is not None:
        mentions = ordered(_sharpened(sharpen, mentions, SHARPENED if negative_first else TOP_MENTIONS))
        for _ in range(2):  # any the new order brought into the top unread (a failed reading is not retried more)
            if not any(awaits_final(m) for m in mentions[:TOP_MENTIONS]):
                break
            mentions = ordered(_sharpened(sharpen, mentions[:TOP_MENTIONS], TOP_MENTIONS) + mentions[TOP_MENTIONS:])
    return [_item(m, brand) for m in mentions[:TOP_MENTIONS]]


def _sharpened(sharpen: Sharpen, mentions: list[Mention], first: int) -> list[Mention]:
    """``mentions`` with the first ``first`` of those still awaiting the accurate scorer read by it; as they
    were if it fails."""
    todo = [i for i, m in enumerate(mentions) if awaits_final(m)][:first]
    if not todo:
        return mentions
    try:
        read = sharpen([mentions[i] for i in todo])
    except Exception:  # the provisional labels still say something
        logger.warning("the accurate scorer could not read an incident's top mentions; they show their "
                       "provisional sentiment until the refiner has read them", exc_info=True)
        return mentions
    out = list(mentions)
    for i, mention in zip(todo, read, strict=True):
        out[i] = mention
    return out


def _labels(index: IndexBackend, scope: RuleScope, filters: SearchFilters) -> Tally:
    """The labels in ``filters`` (toward the rule's brand, if it watches one)."""
    tally = Tally()
    tally.add_labels(index.aggregate(scope.query, filters, {"labels": label_terms(scope_brand(filters))}),
                     ratings=False)
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
           negative_first: bool, sharpen: Sharpen | None = None) -> Evidence:
    """Evidence for the window [since, until); a part that cannot be read is left empty and logged.
    ``sharpen``: see :func:`top_mentions`."""
    window = replace(scope.filters, since=since, until=until)
    baseline = replace(scope.filters, since=since - BASELINE, until=since)
    evidence = Evidence()
    try:
        newest = _newest(index, scope, window)
        evidence.read, evidence.provisional = len(newest), sum(awaits_final(m) for m in newest)
        evidence.top_mentions = _top(newest, scope_brand(window), negative_first, sharpen)
        evidence.sentiment = dict(_labels(index, scope, window).labels)
        usual = _labels(index, scope, baseline)
        evidence.baseline_sentiment = {k: round(v / max(usual.count, 1), 4) for k, v in usual.labels.items()}
        evidence.sources = _sources(index, scope, window, baseline)
        evidence.terms = _terms(index, config, scope, since, until)
    except Exception:  # evidence helps people; an incident without it must still be stored
        logger.exception("evidence for %s..%s could not be read in full", since, until)
    return evidence
