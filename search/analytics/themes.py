"""What drives the talk: words and phrases far more frequent in chosen mentions than in a background.

1. The foreground (query + filters + period) and the background (the same over the previous
   period and this one, or over all time: it always holds the foreground, as Elasticsearch's
   does) are sampled: at most ``sample_size`` mentions each, drawn at random by id prefix (ids
   are hashes) when there are more, as Elasticsearch's ``sampler`` keeps the work bounded.
2. Candidate terms come from the foreground sample (stop words of each mention's language,
   brand names and rule terms left out) and are counted in both samples.
3. When a sample is not the whole set, the most promising candidates by their sampled counts
   get exact counts from the index: one aggregation over the background with a ``filters``
   bucket per term, a foreground sub-filter and sentiment labels.
4. Themes are ranked by JLH (earful.themes.significance) from the counts, on every backend.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from earful.config import AppConfig
from earful.models import Mention
from earful.query.ast import And, Node, Or, Term
from earful.themes import TermCounts, TermExtractor, ThemeCounts, jlh, ranked, rule_exclusions
from search.analytics.series import LABEL_TERMS, Tally
from search.base import IndexBackend, SearchFilters, SearchRequest
from search.fields import tokenize

Background = Literal["previous", "all"]
SAMPLE_SIZE = 300  # the background sample is two thirds of it: it only ranks candidates
CANDIDATES = 24
ENGINE_CANDIDATES = 20  # more, from the backend's own significant-terms search where it has one
ID_BUCKETS = 256  # two hex digits of the id


@dataclass
class Theme:
    term: str
    count: int  # foreground mentions holding it
    background: int  # background mentions holding it (the background includes the foreground)
    score: float
    tally: Tally  # sentiment of the foreground mentions holding it
    example: Mention | None = None


@dataclass
class ThemeReport:
    foreground: int
    background: int
    sampled: int
    themes: list[Theme]


@dataclass
class _Sample:
    total: int
    mentions: list[Mention] = field(default_factory=list)
    grams: list[set[str]] = field(default_factory=list)  # every word and adjacent pair of each mention
    terms: list[set[str]] = field(default_factory=list)  # its theme candidates (foreground only)

    @property
    def complete(self) -> bool:
        return len(self.mentions) >= self.total

    def counts(self, terms: Iterable[str]) -> Counter[str]:
        wanted = set(terms)
        return Counter(t for grams in self.grams for t in grams & wanted)

    def tally(self, term: str) -> Tally:
        tally = Tally()
        for mention, grams in zip(self.mentions, self.grams):
            if term in grams:
                tally.labels[mention.sentiment.label] += 1
        return tally


@dataclass
class ThemeQuery:
    query: Node | None
    filters: SearchFilters
    since: datetime
    until: datetime
    compare_to: Background = "previous"
    size: int = 10
    min_count: int | None = None  # default: 3 (Elasticsearch's), 2 for a foreground under 50


def extractor_for(config: AppConfig) -> TermExtractor:
    """Theme terms without the configured brands' names and rule words, tokenised as the index does."""
    names = [n for b in config.brands for n in (b.id, b.name)]
    return TermExtractor(rule_exclusions([b.rule for b in config.brands], names), tokenize=tokenize)


def with_query(query: Node | None, node: Node) -> Node:
    return node if query is None else And((query, node))


def term_filter(term: str) -> dict[str, Any]:
    """An aggregation filter for mentions holding ``term`` (a word or two) in the title or the text."""
    return {"bool": {"should": [{"match_phrase": {"title": term}}, {"match_phrase": {"text": term}}],
                     "minimum_should_match": 1}}


def background_filters(filters: SearchFilters, since: datetime, until: datetime,
                       compare_to: Background) -> SearchFilters:
    """The previous period of the same length and this one, or all time."""
    if compare_to == "previous":
        return replace(filters, since=since - (until - since), until=until)
    return replace(filters, since=None, until=None)


def _id_prefixes(total: int, size: int) -> int:
    """How many two-hex-digit id prefixes hold about 80 % of ``size`` mentions out of ``total``.

    Below the limit, the whole subset is taken: cutting it by time would favour the newest.
    """
    return min(ID_BUCKETS, max(1, math.floor(ID_BUCKETS * size * 0.8 / total)))


def sample(index: IndexBackend, query: Node | None, filters: SearchFilters, size: int,
           extractor: TermExtractor, *, candidates: bool) -> _Sample:
    total = index.count(query, filters)
    if total == 0:
        return _Sample(0)
    request = SearchRequest(query=query, filters=filters, sort="newest", limit=min(size, total), highlight=False)
    buckets = _id_prefixes(total, size)
    hits = []
    if total > size and buckets < ID_BUCKETS:
        subset = Or(tuple(Term(f"{i:02x}", field="id", prefix=True) for i in range(buckets)))
        hits = index.search(replace(request, query=with_query(query, subset))).hits
    if len(hits) < total * buckets / ID_BUCKETS / 4:  # ids that are not hashes: the newest instead
        hits = index.search(request).hits
    mentions = [hit.mention for hit in hits]
    scans = [extractor.scan((m.title, m.text), m.lang, candidates=candidates) for m in mentions]
    return _Sample(total, mentions, [grams for _, grams in scans], [terms for terms, _ in scans])


def exact_counts(index: IndexBackend, request: ThemeQuery, terms: list[str]) -> dict[str, tuple[int, Tally]]:
    """term -> (background mentions holding it, sentiment of the foreground ones), one pass."""
    if not terms:
        return {}
    period = {"range": {"published_at": {"gte": request.since.isoformat(), "lt": request.until.isoformat()}}}
    names = {f"t{i}": term for i, term in enumerate(terms)}
    aggs = {"terms": {"filters": {"filters": {name: term_filter(t) for name, t in names.items()}},
                      "aggs": {"fg": {"filter": period, "aggs": {"labels": LABEL_TERMS}}}}}
    bg_filters = background_filters(request.filters, request.since, request.until, request.compare_to)
    buckets = index.aggregate(request.query, bg_filters, aggs)["terms"]["buckets"]
    out: dict[str, tuple[int, Tally]] = {}
    for name, term in names.items():
        tally = Tally()
        tally.add_labels(buckets[name]["fg"], ratings=False)
        out[term] = (int(buckets[name]["doc_count"]), tally)
    return out


def _shortlist(found: Counter[str], fg: _Sample, bg: _Sample, limit: int) -> list[str]:
    """Candidates worth exact counts, by the score their sampled counts suggest."""
    estimated = Counter(t for grams in bg.grams for t in grams)
    n_fg, n_bg = len(fg.mentions), len(bg.mentions)
    score = {t: jlh(n, n_fg, estimated[t] + 1, n_bg + 1) for t, n in found.items() if n >= 2}
    return sorted(score, key=lambda t: (-score[t], -found[t], t))[:limit]


def themes(index: IndexBackend, request: ThemeQuery, extractor: TermExtractor, *,
           sample_size: int = SAMPLE_SIZE, candidates: int = CANDIDATES) -> ThemeReport:
    fg_filters = replace(request.filters, since=request.since, until=request.until)
    bg_filters = background_filters(request.filters, request.since, request.until, request.compare_to)
    fg = sample(index, request.query, fg_filters, sample_size, extractor, candidates=True)
    bg = sample(index, request.query, bg_filters, max(sample_size * 2 // 3, 1), extractor, candidates=False)
    min_count = request.min_count or (3 if fg.total >= 50 else 2)
    found = Counter(t for terms in fg.terms for t in terms)
    if bg.complete:  # then so is the foreground it holds: every count is exact already
        exact = {t: (n, fg.tally(t)) for t, n in bg.counts(t for t, n in found.items() if n >= min_count).items()}
    else:  # from a sample, a term seen twice may still be common enough in the whole foreground
        shortlist = _shortlist(found, fg, bg, candidates) + _engine_terms(index, request, extractor, min_count)
        exact = exact_counts(index, request, list(dict.fromkeys(shortlist)))
    counts = ThemeCounts(fg_size=fg.total, fg_total=fg.total, bg_size=bg.total,
                         terms=[TermCounts(t, tally.count, n) for t, (n, tally) in exact.items()])
    best = ranked(counts, size=request.size, min_count=min_count)
    return ThemeReport(foreground=fg.total, background=bg.total, sampled=len(fg.mentions),
                       themes=[Theme(t.term, t.fg, t.bg, score, exact[t.term][1], _example(t.term, fg))
                               for t, score in best])


def _engine_terms(index: IndexBackend, request: ThemeQuery, extractor: TermExtractor,
                  min_count: int) -> list[str]:
    """Candidates the backend finds over its own sample (Elasticsearch's significant_text), if any."""
    found = index.significant_terms(
        request.query, replace(request.filters, since=request.since, until=request.until),
        background_filters(request.filters, request.since, request.until, request.compare_to),
        exclude=sorted(extractor.excluded_words()), size=ENGINE_CANDIDATES, sample_size=SAMPLE_SIZE,
        min_count=min_count)
    return [t for t in found if extractor.keeps(t)][:ENGINE_CANDIDATES]


def _example(term: str, fg: _Sample) -> Mention | None:
    """The newest sampled mention holding the term."""
    return next((m for m, grams in zip(fg.mentions, fg.grams) if term in grams), None)
