"""Brand rules -> Reddit search syntax: pure values, no server."""

from __future__ import annotations

import pytest

from crawlers.reddit.query import MAX_QUERY_CHARS, reddit_queries
from earful.config import RULE_FIELDS
from earful.query import parse


def queries(rule: str, limit: int = MAX_QUERY_CHARS) -> list[str]:
    return reddit_queries(parse(rule, fields=RULE_FIELDS), limit)


@pytest.mark.parametrize(("rule", "expected"), [
    ("praw oauth search", "praw oauth search"),
    ("acme OR globex", "acme OR globex"),
    ('"acme mobile" OR acmemobile', '"acme mobile" OR acmemobile'),
    ("acme AND NOT refund", "acme NOT refund"),
    ("NOT refund AND acme", "acme NOT refund"),
    ("acme AND (phone OR tablet)", "acme (phone OR tablet)"),
    ("acme AND NOT (refund OR return)", "acme NOT (refund OR return)"),
    ("title:outage AND text:acme", "title:outage selftext:acme"),
    ('title:"acme mobile"', 'title:"acme mobile"'),
    ("author:spez AND acme", "author:spez acme"),
    ("site:r/python AND acme", "subreddit:python acme"),
    ("e-mail", '"e-mail"'),
    ('"AND" OR acme', '"AND" OR acme'),
])
def test_rules_translate_to_reddit_search_syntax(rule: str, expected: str) -> None:
    assert queries(rule) == [expected]


@pytest.mark.parametrize(("rule", "expected"), [
    ("acme NEAR/3 outage", "acme outage"),  # no proximity on Reddit: both words
    ('"acme outage"~4', "acme outage"),  # a sloppy phrase: its words, any order
    ("acme AND lang:de", "acme"),  # language is detected later; dropped
    ("Акме*", "Акме"),  # no wildcard on Reddit: the stem
    ("acme AND NOT (outage NEAR/2 refund)", "acme"),  # NOT of a broadened part would narrow
])
def test_what_reddit_cannot_express_is_broadened_not_narrowed(rule: str, expected: str) -> None:
    assert queries(rule) == [expected]


def test_a_part_that_can_never_match_reddit_is_removed_from_an_or() -> None:
    assert queries("acme OR site:example.com") == ["acme"]
    assert queries("acme AND site:example.com") == []  # nothing on Reddit can match it


@pytest.mark.parametrize("rule", ["NOT acme", "lang:en", "acme OR lang:en", "acme OR NOT globex"])
def test_rules_without_anything_to_search_give_no_query(rule: str) -> None:
    assert queries(rule) == []


def test_a_long_or_is_split_into_queries_within_the_limit() -> None:
    words = [f"brandword{i:03d}" for i in range(120)]
    texts = queries(" OR ".join(words))
    assert len(texts) > 1
    assert all(len(text) <= MAX_QUERY_CHARS for text in texts)
    found = [term for text in texts for term in text.split(" OR ")]
    assert found == words  # every alternative searched exactly once, in order


def test_a_long_and_is_broadened_dropping_negations_first() -> None:
    rule = "acme AND phone AND NOT " + " AND NOT ".join(f"excluded{i}" for i in range(10))
    texts = queries(rule, limit=60)
    assert len(texts) == 1 and len(texts[0]) <= 60
    assert texts[0].startswith("acme phone")  # positives kept, some NOTs dropped
    assert 0 < texts[0].count("NOT") < 10


def test_an_alternative_too_long_to_fit_is_left_out_of_the_split() -> None:
    texts = queries(f'acme OR "{" ".join(["word"] * 200)}"')
    assert texts == ["acme"]
