"""The query parser and its canonical rendering."""

from __future__ import annotations

import random
import time

import pytest

from earful.config import RULE_FIELDS
from earful.errors import QuerySyntaxError
from earful.query import And, Near, Node, Not, Or, Phrase, Term, parse
from tests.earful.query.render_oracle import to_query_string

A, B, C, D = Term("a"), Term("b"), Term("c"), Term("d")


@pytest.mark.parametrize(("query", "tree"), [
    ("acme", Term("acme")),
    ("  Acme  ", Term("Acme")),  # words stay as typed
    ("a AND b", And((A, B))),
    ("a && b", And((A, B))),
    ("a b", And((A, B))),  # adjacency means AND
    ("a OR b", Or((A, B))),
    ("a || b", Or((A, B))),
    ("a or b", And((A, Term("or"), B))),  # operators are upper case only
    ("NOT a", Not(A)),
    ("!a", Not(A)),
    ("-a", Not(A)),
    ("+a", A),
    ("a -b", And((A, Not(B)))),
    ("a +b", And((A, B))),
    ("a AND NOT b", And((A, Not(B)))),
    ("a NOT b", And((A, Not(B)))),
    ("a OR NOT b", Or((A, Not(B)))),
    ("NOT NOT a", A),
    ("--a", A),
    ("NOT (NOT a)", A),
    ("a b OR c d", Or((And((A, B)), And((C, D))))),  # AND binds tighter than OR
    ("a OR b AND c", Or((A, And((B, C))))),
    ("NOT a b", And((Not(A), B))),  # NOT binds tighter than AND
    ("(a OR b) c", And((Or((A, B)), C))),
    ("a AND (b AND c) AND d", And((A, B, C, D))),  # flattened
    ("(a OR b) OR (c OR d)", Or((A, B, C, D))),
    ("((((a))))", A),
    ('"acme mobile"', Phrase(("acme", "mobile"))),
    ('"  acme   mobile "', Phrase(("acme", "mobile"))),
    ('"acme"', Term("acme")),  # one-word phrase
    ('"AND"', Term("AND")),
    ('"acme mobile"~3', Phrase(("acme", "mobile"), slop=3)),
    ('"acme"~3', Term("acme")),
    ("refund*", Term("refund", prefix=True)),
    ("re*", Term("re", prefix=True)),
    ("глобекс*", Term("глобекс", prefix=True)),
    ("title:acme", Term("acme", field="title")),
    ('title:"acme mobile"~2', Phrase(("acme", "mobile"), field="title", slop=2)),
    ("title:(a OR b) c", And((Or((Term("a", field="title"), Term("b", field="title"))), C))),
    ("title:(a -bc*)", And((Term("a", field="title"), Not(Term("bc", field="title", prefix=True))))),
    ("title:(ab* NOT (c OR \"d e\"))", And((Term("ab", field="title", prefix=True), Not(Or((
        Term("c", field="title"), Phrase(("d", "e"), field="title"))))))),
    ("site:example.com lang:en-US", And((Term("example.com", field="site"), Term("en-US", field="lang")))),
    ("title: acme", Term("acme", field="title")),
    ("a NEAR/3 b", Near(A, B, 3)),
    ("a NEAR/0 b", Near(A, B, 0)),
    ('a NEAR/5 "b c"', Near(A, Phrase(("b", "c")), 5)),
    ("title:(a NEAR/2 b)", Near(Term("a", field="title"), Term("b", field="title"), 2)),
    ("x a NEAR/2 b", And((Term("x"), Near(A, B, 2)))),
    ("NOT a NEAR/2 b", Not(Near(A, B, 2))),  # NEAR binds tighter than NOT
    ("(a) NEAR/1 bc*", Near(A, Term("bc", prefix=True), 1)),
    ("e-mail", Term("e-mail")),  # - and + inside a word are letters
    ("c++ AT&T Yahoo! 24/7", And((Term("c++"), Term("AT&T"), Term("Yahoo!"), Term("24/7")))),
    ("a&&b", Term("a&&b")),
    ("NEARBY near", And((Term("NEARBY"), Term("near")))),
    (r"a\:b", Term("a:b")),
    (r"\"quoted\"", Term('"quoted"')),
    (r"\(x\) \-y \*", And((Term("(x)"), Term("-y"), Term("*")))),
    (r"\AND \NEAR", And((Term("AND"), Term("NEAR")))),
    (r'"say \"hi\" now"', Phrase(("say", '"hi"', "now"))),
    (r"new\ york", Term("new york")),
    (r"a\*b", Term("a*b")),
    (r"ab\**", Term("ab*", prefix=True)),
    ("أكمي OR اکمی", Or((Term("أكمي"), Term("اکمی")))),
    ("מוּצָר", Term("מוּצָר")),
    ("Яндекс", Term("Яндекс")),
    ('"苹果 手机"', Phrase(("苹果", "手机"))),
    ("می‌خواهم", Term("می\u200cخواهم")),  # ZWNJ is part of a Persian word
    ("NOT spam", Not(Term("spam"))),
    ("a\u3000b\u00a0c", And((A, B, C))),  # Unicode spaces separate words
    ("a\tb\nc", And((A, B, C))),
])
def test_parses(query: str, tree: Node) -> None:
    assert parse(query) == tree


def test_rule_fields_are_accepted() -> None:
    query = "title:a text:b site:c.com author:d lang:en"
    assert parse(query, fields=RULE_FIELDS) == And((
        Term("a", field="title"), Term("b", field="text"), Term("c.com", field="site"),
        Term("d", field="author"), Term("en", field="lang")))


@pytest.mark.parametrize(("query", "position", "fragment"), [
    ("", 0, "empty query"),
    ("   \t ", 0, "empty query"),
    ('"acme', 0, "unbalanced quote"),
    ('a "b c', 2, "unbalanced quote"),
    ('a "b\\"', 2, "unbalanced quote"),
    ("(a", 0, "'(' is never closed"),
    ("x (a OR (b)", 2, "'(' is never closed"),
    ("a)", 1, "no matching '('"),
    ("(a))", 3, "no matching '('"),
    (")", 0, "no matching '('"),
    ("()", 0, "empty parentheses"),
    ("a ( )", 2, "empty parentheses"),
    ("x AND (", 6, "'(' is never closed"),
    ("acme AND", 5, "'AND' needs a word or phrase after it"),
    ("acme OR", 5, "'OR' needs a word or phrase after it"),
    ("acme NOT", 5, "'NOT' needs a word or phrase after it"),
    ("acme &&", 5, "'&&' needs a word or phrase after it"),
    ("!", 0, "'!' needs a word or phrase after it"),
    ("AND acme", 0, "'AND' needs a word or phrase before it"),
    ("OR acme", 0, "'OR' needs a word or phrase before it"),
    ("(OR a)", 1, "'OR' needs a word or phrase before it"),
    ("a AND OR b", 6, "expected a word or phrase after 'AND', found 'OR'"),
    ("(a AND)", 6, "expected a word or phrase after 'AND', found ')'"),
    ("a OR OR b", 5, "found 'OR'"),
    ("-", 0, "'-' must be attached"),
    ("a - b", 2, "'-' must be attached"),
    ("a +", 2, "'+' must be attached"),
    ('""', 0, "empty phrase"),
    ('a "  "', 2, "empty phrase"),
    ('"a b"~', 5, "write a number after ~"),
    ('"a b"~x', 5, "write a number after ~"),
    ('"a b"~101', 5, "too large"),
    ('"a b"~99999999999999999999', 5, "too large"),
    ("*", 0, "a lone *"),
    ("a *", 2, "a lone *"),
    ("*acme", 0, "leading wildcards"),
    ("x *acme", 2, "leading wildcards"),
    ("ac*me", 2, "* may only end a word"),
    ("acme**", 4, "* may only end a word"),
    ("a*", 0, "at least 2 characters"),
    ("x b*", 2, "at least 2 characters"),
    ('"refund*"', 7, "wildcards do not work inside quotes"),
    ("foo:acme", 0, "unknown field 'foo'; allowed fields: author, lang, site, text, title"),
    ("a title:(b) nope:c", 12, "unknown field 'nope'"),
    ("https://example.com", 0, "unknown field 'https'"),
    ("Title:acme", 0, "'Title' is not a field name"),
    ("ti*:acme", 0, "'ti*' is not a field name"),
    (":acme", 0, "':' must follow a field name"),
    ("title:", 0, "nothing to search after 'title:'"),
    ("title:)", 0, "nothing to search after 'title:'"),
    ("title:(text:a)", 7, "field 'text' inside field 'title'"),
    ("a NEAR b", 2, "NEAR needs a distance"),
    ("a NEAR/ b", 2, "NEAR needs a distance"),
    ("a NEAR/x b", 2, "NEAR needs a distance"),
    ("a NEAR/101 b", 2, "too large"),
    ("a NEAR/3", 2, "'NEAR/3' needs a word or phrase after it"),
    ("NEAR/3 a", 0, "'NEAR/3' needs a word or phrase before it"),
    ("(a OR b) NEAR/3 c", 9, "NEAR works between two words or phrases"),
    ("a NEAR/3 (b OR c)", 9, "NEAR works between two words or phrases"),
    ("a NEAR/3 NOT b", 9, "expected a word or phrase after 'NEAR/3', found 'NOT'"),
    ("a NEAR/3 b NEAR/3 c", 11, "NEAR cannot be chained"),
    ("title:a NEAR/3 b", 8, "same field"),
    ("a~2", 1, "fuzzy search"),
    ("a^2", 1, "boosts"),
    ("[a TO b]", 0, "ranges"),
    ("x {a", 2, "ranges"),
    ("acme\\", 4, "backslash at the end"),
    ("a\x00b", 1, "U+0000"),
    ("a\x1bb", 1, "U+001B"),
    ("ok \x85", 3, "U+0085"),
    ("bad \ud800", 4, "U+D800"),
])
def test_errors_say_what_and_where(query: str, position: int, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query, fields=RULE_FIELDS)
    error = caught.value
    assert fragment in error.reason
    assert error.position == position
    assert error.query == query
    assert str(error).endswith(f"at position {position}")


def test_any_lowercase_field_when_fields_are_open() -> None:
    assert parse("brand:acme sentiment:negative") == And((
        Term("acme", field="brand"), Term("negative", field="sentiment")))


def test_empty_field_set_allows_none() -> None:
    with pytest.raises(QuerySyntaxError, match="allowed fields: none"):
        parse("title:a", fields=frozenset())


def test_length_limit() -> None:
    parse("a" * 10_000)
    with pytest.raises(QuerySyntaxError) as caught:
        parse("a" * 10_001)
    assert caught.value.position == 10_000
    assert "too long" in caught.value.reason


def test_depth_limit() -> None:
    assert parse("(" * 50 + "a" + ")" * 50) == A
    with pytest.raises(QuerySyntaxError) as caught:
        parse("(" * 51 + "a" + ")" * 51)
    assert caught.value.position == 50
    assert "too deeply nested" in caught.value.reason


@pytest.mark.parametrize("query", [
    "x" * 100_000,
    "(" * 10_000,
    "(" * 5_000 + ")" * 5_000,
    ")" * 10_000,
    '"' * 10_000,
    "\\" * 9_999,  # an odd number: the last backslash escapes nothing
    "NOT " * 2_500,
    "- " * 5_000,
    "a AND " * 1_600,
    "a NEAR/1 " * 1_000,
    "title:" * 1_000,
    "*" * 10_000,
    "\x00" * 10_000,
    "".join(chr(c) for c in range(1, 0x3000, 3))[:10_000],
])
def test_hostile_input_fails_fast_with_syntax_error(query: str) -> None:
    started = time.perf_counter()
    with pytest.raises(QuerySyntaxError):
        parse(query)
    assert time.perf_counter() - started < 1.0


def test_long_valid_queries_parse_quickly() -> None:
    started = time.perf_counter()
    assert parse("NOT " * 2_400 + "a") == A  # an even number of NOTs cancels out
    tree = parse(" OR ".join(f"w{i}" for i in range(1_000)))
    assert isinstance(tree, Or) and len(tree.children) == 1_000
    assert time.perf_counter() - started < 1.0


def test_random_garbage_only_raises_syntax_errors() -> None:
    rng = random.Random(20240611)
    alphabet = list('ab Я苹 ()"*:~\\-+!&|/^[]{}') + ["AND ", "OR ", "NOT ", "NEAR/2 ", "title:", "x:"]
    parsed = 0
    for _ in range(3_000):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        try:
            tree = parse(query)
        except QuerySyntaxError as exc:
            assert 0 <= exc.position <= len(query)
            continue
        parsed += 1
        assert parse(to_query_string(tree, near_as_phrase=False)) == tree, query
    assert parsed > 100  # the fuzzing reached valid queries too


# -- rendering ------------------------------------------------------------------------------

@pytest.mark.parametrize(("tree", "text"), [
    (Term("acme"), "acme"),
    (Term("acme", field="title", prefix=True), "title:acme*"),
    (Term("e-mail"), '"e-mail"'),
    (Term("AND"), '"AND"'),
    (Term("a:b", prefix=True), r"a\:b*"),
    (Term("AND", prefix=True), r"\AND*"),
    (Term("new york"), '"new\\ york"'),
    (Phrase(("acme", "mobile"), slop=2), '"acme mobile"~2'),
    (Phrase(("say", '"hi"')), r'"say \"hi\""'),
    (And((A, Not(B))), "a AND NOT b"),
    (Or((A, Not(B))), "a OR (NOT b)"),
    (Or((And((A, B)), C)), "(a AND b) OR c"),
    (And((Or((A, B)), C)), "(a OR b) AND c"),
    (Not(Or((A, B))), "NOT (a OR b)"),
    (Near(A, B, 3), '"a b"~3'),
    (Near(Term("a", field="title"), Term("b", field="title"), 3), 'title:"a b"~3'),
    (Near(A, Phrase(("b", "c")), 3), 'a NEAR/3 "b c"'),
    (Near(Term("ab", prefix=True), B, 1), "ab* NEAR/1 b"),
])
def test_renders_canonical_query_strings(tree: Node, text: str) -> None:
    assert to_query_string(tree) == text


def test_near_keeps_its_syntax_on_request() -> None:
    assert to_query_string(Near(A, B, 3), near_as_phrase=False) == "a NEAR/3 b"
    assert parse(to_query_string(Near(A, B, 3))) == Phrase(("a", "b"), slop=3)


_WORDS = ["acme", "Яндекс", "شركة", "מוצר", "苹果", "e-mail", "AND", "NEAR", "a:b", 'say"hi', "x\\y",
          "new york", "(x)", "24/7", "c++", "-neg", "!bang", "star*", "<lt", "ab", "óo", "i̇"]
_FIELDS = [None, None, "title", "site"]


def _random_leaf(rng: random.Random, field: str | None) -> Term | Phrase:
    if rng.random() < 0.3:
        words = tuple(rng.choice(_WORDS) for _ in range(rng.randint(2, 3)))
        return Phrase(words, field=field, slop=rng.choice([0, 0, 1, 100]))
    word = rng.choice(_WORDS)
    return Term(word, field=field, prefix=len(word) >= 2 and rng.random() < 0.2)


def _random_tree(rng: random.Random, depth: int) -> Node:
    """Trees in the parser's normal form: flat And/Or, no double NOT, NEAR sides on one field."""
    roll = rng.random()
    if depth == 0 or roll < 0.3:
        return _random_leaf(rng, rng.choice(_FIELDS))
    if roll < 0.4:
        field = rng.choice(_FIELDS)
        return Near(_random_leaf(rng, field), _random_leaf(rng, field), rng.randint(0, 100))
    if roll < 0.55:
        child = _random_tree(rng, depth - 1)
        return child.child if isinstance(child, Not) else Not(child)
    kind = And if roll < 0.8 else Or
    children: list[Node] = []
    for _ in range(rng.randint(2, 4)):
        child = _random_tree(rng, depth - 1)
        children.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(children))


def test_round_trip_property() -> None:
    rng = random.Random(7)
    for _ in range(2_000):
        tree = _random_tree(rng, rng.randint(0, 4))
        assert parse(to_query_string(tree, near_as_phrase=False)) == tree, tree
        text = to_query_string(tree)
        assert parse(text) == _near_to_phrase(tree), text


def _near_to_phrase(node: Node) -> Node:
    """The one documented difference of the default rendering."""
    if isinstance(node, Near):
        left, right = node.left, node.right
        if (isinstance(left, Term) and isinstance(right, Term) and not left.prefix and not right.prefix
                and left.field == right.field):
            return Phrase((left.text, right.text), field=left.field, slop=node.distance)
        return node
    if isinstance(node, Not):
        return Not(_near_to_phrase(node.child))
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_near_to_phrase(child) for child in node.children))
    return node


@pytest.mark.parametrize("query", [
    '"acme mobile" OR acmemobile OR (acme NOT ("acme of" OR anvil* OR coyote)) OR أكمي OR اکمی OR אקמי',
    "title:(a OR -b) site:example.com lang:en NOT author:\"John Smith\"",
    r"a\:b AND \AND AND c++ OR (x NEAR/3 \"y z\")",
    '"a b"~4 OR x NEAR/2 "y z" OR -(p q)',
])
def test_round_trip_of_written_queries(query: str) -> None:
    tree = parse(query)
    assert parse(to_query_string(tree, near_as_phrase=False)) == tree
