"""Themes: the same top themes on every backend, whether the mentions are counted whole or sampled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from earful.query import parse
from earful.themes import TermExtractor, rule_exclusions
from search.analytics.themes import ThemeQuery, themes
from search.base import IndexBackend, SearchFilters
from search.fields import tokenize

from .analytics_corpus import START, corpus

DOCS = corpus()
OUTAGE_WEEK = (START + timedelta(days=14), START + timedelta(days=21))


@pytest.fixture
def index(empty_index: IndexBackend) -> IndexBackend:
    empty_index.upsert(DOCS)
    return empty_index


def extractor() -> TermExtractor:
    return TermExtractor(rule_exclusions([parse("acme OR globex OR initech")], ["Acme Mobile"]), tokenize=tokenize)


def holding(term: str, since: object = None, until: object = None) -> int:
    words = term.split()
    return sum(1 for m in DOCS if "acme" in m.brands and (since is None or since <= m.published_at < until)  # type: ignore[operator]
               and any(" ".join(tokenize(m.text)[i:i + len(words)]) == term for i in range(len(tokenize(m.text)))))


@pytest.mark.parametrize("compare_to", ["previous", "all"])
def test_the_outage_week_is_about_the_outage(index: IndexBackend, compare_to: str) -> None:
    request = ThemeQuery(None, SearchFilters(brands=["acme"]), *OUTAGE_WEEK, compare_to=compare_to, size=5)  # type: ignore[arg-type]
    report = themes(index, request, extractor())
    terms = [t.term for t in report.themes]
    assert terms[:3] == ["hours", "network", "network outage"]
    assert {"outage", "signal"} <= set(terms)
    assert not any("acme" in t for t in terms)
    outage = next(t for t in report.themes if t.term == "outage")
    assert outage.count == holding("outage", *OUTAGE_WEEK) == 12
    assert outage.background == 12  # the word is new this week
    assert outage.tally.net_sentiment == round((0 - 10) / 12, 4)
    assert outage.example is not None and "outage" in outage.example.text


def test_sampled_counts_are_made_exact(index: IndexBackend) -> None:
    request = ThemeQuery(None, SearchFilters(brands=["acme"]), *OUTAGE_WEEK, compare_to="all", size=3)
    whole = themes(index, request, extractor())
    sampled = themes(index, request, extractor(), sample_size=12, candidates=10)
    assert sampled.sampled <= 12 < sampled.foreground == whole.foreground
    assert sampled.background == whole.background == sum(1 for m in DOCS if "acme" in m.brands)
    for theme in sampled.themes:  # whatever the sample held, the counts shown are the index's
        assert theme.count == holding(theme.term, *OUTAGE_WEEK)
        assert theme.background == holding(theme.term)
    assert {t.term for t in sampled.themes} & {"outage", "network outage", "signal", "hours", "network"}


def test_no_mentions_no_themes(index: IndexBackend) -> None:
    request = ThemeQuery(None, SearchFilters(brands=["nobody"]), *OUTAGE_WEEK)
    assert themes(index, request, extractor()).themes == []


def test_a_server_without_significant_text_falls_back_to_sampling(es_url: str, es_prefix: str) -> None:
    from .conftest import open_es

    es = open_es(es_url, es_prefix)
    try:
        es.upsert(DOCS)
        found = es.significant_terms(None, SearchFilters(brands=["acme"]), SearchFilters(), exclude=["the"],
                                     size=10, sample_size=100, min_count=2)
        assert found == [] and not es._significant_text  # asked once, then remembered
        request = ThemeQuery(None, SearchFilters(brands=["acme"]), *OUTAGE_WEEK, compare_to="all", size=3)
        assert themes(es, request, extractor(), sample_size=12).themes
    finally:
        es.close()
