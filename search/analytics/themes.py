"""What drives the talk: words and phrases far more frequent in chosen mentions than in a background.

1. The foreground (query + filters + period) and the background (the same over the previous
   period and this one, or over all time) are sampled: at most ``sample_size`` mentions each,
   drawn at random by id prefix (ids are hashes) when there are more, as Elasticsearch's
   ``sampler`` keeps the work bounded.
2. Candidate terms come from the foreground sample (stop words of each mention's language,
   brand names and rule terms left out), counted in both samples.
3. When the background was sampled, the best candidates by estimated score get exact
   background counts from the index; when the foreground was, the themes shown get exact counts.
4. Themes are ranked by JLH (earful.themes.significance) from those counts on every backend.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from earful.models import Mention
from earful.query.ast import And, Node, Or, Phrase, Term
from earful.themes import TermCounts, TermExtractor, ThemeCounts, jlh, ranked
from search.base import IndexBackend, SearchFilters, SearchRequest

Background = Literal["previous", "all"]
SAMPLE_SIZE = 500  # the most a backend returns in one page
CANDIDATES = 50
ID_BUCKETS = 256  # two hex digits of the id


@dataclass
class Theme:
    term: str
    count: int  # foreground mentions holding it
    background: int  # background mentions holding it (the background includes the foreground)
    score: float
    labels: Counter[str] = field(default_factory=Counter)  # sentiment labels in the foreground sample
    example: Mention | None = None

    @property
    def net_sentiment(self) -> float | None:
        scored = self.labels["positive"] + self.labels["neutral"] + self.labels["negative"]
        return round((self.labels["positive"] - self.labels["negative"]) / scored, 4) if scored else None


@dataclass
class ThemeReport:
    foreground: int
    background: int
    sampled: int
    themes: list[Theme]


@dataclass
class _Sample:
    total: int
    mentions: list[Mention]
    grams: list[set[str]]

    @property
    def complete(self) -> bool:
        return len(self.mentions) >= self.total

    def counts(self, terms: Iterable[str]) -> Counter[str]:
        wanted = set(terms)
        return Counter(t for grams in self.grams for t in grams & wanted)


def term_node(term: str) -> Node:
    """The query that finds mentions holding a theme term: a word, or two words as a phrase."""
    words = term.split(" ")
    return Term(words[0]) if len(words) == 1 else Phrase(tuple(words))


def with_query(query: Node | None, node: Node) -> Node:
    return node if query is None else And((query, node))


def term_counts(index: IndexBackend, query: Node | None, filters: SearchFilters,
                terms: Sequence[str]) -> dict[str, int]:
    """Mentions matching ``query`` and ``filters`` that hold each term."""
    return {term: index.count(with_query(query, term_node(term)), filters) for term in terms}


def background_filters(filters: SearchFilters, since: datetime, until: datetime,
                       compare_to: Background) -> SearchFilters:
    """The previous period of the same length and this one, or all time."""
    if compare_to == "previous":
        return replace(filters, since=since - (until - since), until=until)
    return replace(filters, since=None, until=None)


def _id_sample(total: int, size: int) -> Node | None:
    """Mentions whose id starts with one of enough two-hex-digit prefixes for about ``size``."""
    buckets = math.ceil(ID_BUCKETS * size * 1.25 / total)
    if buckets >= ID_BUCKETS:
        return None
    return Or(tuple(Term(f"{i:02x}", field="id", prefix=True) for i in range(buckets)))


def sample(index: IndexBackend, query: Node | None, filters: SearchFilters, size: int,
           extractor: TermExtractor) -> _Sample:
    total = index.count(query, filters)
    if total == 0:
        return _Sample(0, [], [])
    limit = min(size, total)
    request = SearchRequest(query=query, filters=filters, sort="newest", limit=limit, highlight=False)
    if (subset := _id_sample(total, size)) is not None:
        hits = index.search(replace(request, query=with_query(query, subset))).hits
        if len(hits) < limit // 2:  # ids that are not hashes: the newest instead
            hits = index.search(request).hits
    else:
        hits = index.search(request).hits
    mentions = [hit.mention for hit in hits]
    return _Sample(total, mentions, [extractor.grams((m.title, m.text)) for m in mentions])


def _candidates(fg: _Sample, extractor: TermExtractor, min_count: int) -> Counter[str]:
    found: Counter[str] = Counter()
    for mention in fg.mentions:
        found.update(extractor.terms((mention.title, mention.text), mention.lang))
    keep = [t for t, n in found.items() if n >= min_count]
    return fg.counts(keep)


def _shortlist(fg_counts: Counter[str], fg: _Sample, bg: _Sample, limit: int) -> list[str]:
    """Candidates worth an exact background count, by the score their sampled counts suggest."""
    estimated = bg.counts(fg_counts)
    n_fg, n_bg = len(fg.mentions), len(bg.mentions)
    score = {t: jlh(n, n_fg, estimated[t] + 1, n_bg + 1) for t, n in fg_counts.items()}
    return sorted(score, key=lambda t: (-score[t], -fg_counts[t], t))[:limit]


@dataclass
class ThemeQuery:
    query: Node | None
    filters: SearchFilters
    since: datetime
    until: datetime
    compare_to: Background = "previous"
    size: int = 10
    min_count: int | None = None  # default: 3 (Elasticsearch's), 2 for a foreground under 50


def themes(index: IndexBackend, request: ThemeQuery, extractor: TermExtractor, *,
           sample_size: int = SAMPLE_SIZE, candidates: int = CANDIDATES) -> ThemeReport:
    fg_filters = replace(request.filters, since=request.since, until=request.until)
    bg_filters = background_filters(request.filters, request.since, request.until, request.compare_to)
    fg = sample(index, request.query, fg_filters, sample_size, extractor)
    bg = sample(index, request.query, bg_filters, sample_size, extractor)
    min_count = request.min_count or (3 if fg.total >= 50 else 2)
    fg_counts = _candidates(fg, extractor, min_count)
    if bg.complete:
        bg_counts: dict[str, int] = bg.counts(fg_counts)
    else:
        shortlist = _shortlist(fg_counts, fg, bg, candidates)
        bg_counts = term_counts(index, request.query, bg_filters, shortlist)
    counts = ThemeCounts(fg_size=len(fg.mentions), fg_total=fg.total, bg_size=bg.total,
                         terms=[TermCounts(t, fg_counts[t], n) for t, n in bg_counts.items()])
    best = ranked(counts, size=request.size, min_count=min_count)
    exact = ({} if fg.complete else
             term_counts(index, request.query, fg_filters, [t.term for t, _ in best]))
    return ThemeReport(foreground=fg.total, background=bg.total, sampled=len(fg.mentions),
                       themes=[_theme(t, score, fg, exact.get(t.term, t.fg)) for t, score in best])


def _theme(counts: TermCounts, score: float, fg: _Sample, count: int) -> Theme:
    theme = Theme(term=counts.term, count=count, background=counts.bg, score=score)
    for mention, grams in zip(fg.mentions, fg.grams):
        if counts.term in grams:
            theme.labels[mention.sentiment.label] += 1
            theme.example = theme.example or mention
    return theme
