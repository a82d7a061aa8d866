"""Brand rule matching in pure Python: parse once, compile once, test every mention.

A :class:`MatchDoc` holds one mention's normalised, tokenised fields; it is built once per
mention and shared by every brand. :func:`compile_rule` turns a rule tree into a plain
predicate over it. Semantics:

* Unqualified leaves search ``title`` and ``text``. A phrase or NEAR must fall inside one
  field; token positions are counted per field.
* Rule words are normalised and tokenised like the text (:mod:`earful.text`), so
  ``e-mail`` and ``don't`` match as phrases of their tokens, and case never matters.
  Inflections do not match (``яндекс`` is not ``яндекса``) unless a wildcard is used. A
  word with no letters or digits at all (``&``, an emoji) matches as a substring.
* ``"a b"~N``: every word inside a window of (number of words + N) positions, any order.
  ``a NEAR/N b``: at most N words between the two sides, either order, no overlap.
* ``site:example.com`` matches that host and its subdomains (a URL stands for its host);
  ``lang:en`` matches ``en``, ``en-US`` and ``en_gb``; ``author:`` matches a token or
  phrase of the author's name, or the whole name. Phrases on site and lang never match.

Brands preset on a mention (``RawMention.brands``) are the caller's business: ``match``
looks at the rules only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter

from earful.config import BrandConfig
from earful.models import RawMention
from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term
from earful.rules.document import FieldIndex, MatchDoc, Pattern, host_of, lang_code, near_spans, whole_name
from earful.text import normalize_for_match, tokenize

__all__ = ["BrandMatcher", "MatchDoc", "Rule", "compile_rule", "normalize_for_match", "tokenize"]

Rule = Callable[[MatchDoc], bool]
FieldTest = Callable[[FieldIndex], bool]
_TOKEN_FIELDS: dict[str | None, tuple[str, ...]] = {
    None: ("title", "text"), "title": ("title",), "text": ("text",), "author": ("author",)}


def compile_rule(node: Node) -> Rule:
    """Compile a rule tree once into a predicate over :class:`MatchDoc`."""
    if isinstance(node, (Term, Phrase)):
        return _leaf(node)
    if isinstance(node, Near):
        return _near(node)
    if isinstance(node, Not):
        child = compile_rule(node.child)
        return lambda doc: not child(doc)
    if isinstance(node, And):
        # Cheap tests first: both operators short-circuit, and order does not change the result.
        return _all([compile_rule(c) for c in sorted(node.children, key=_cost)])
    if isinstance(node, Or):
        tokens = {child: _single_token(child) for child in node.children}
        words = {tok for tok in tokens.values() if tok is not None}
        merge = len(words) > 1  # "a OR b OR c": one set operation instead of one test per word
        rules = [compile_rule(c) for c in sorted(node.children, key=_cost) if not (merge and tokens[c])]
        if merge:
            rules.insert(0, _any_token(words))
        return _any(rules)
    raise TypeError(f"not a query node: {node!r}")


class BrandMatcher:
    """Every brand's rule compiled once; ``match`` builds one MatchDoc per mention."""

    def __init__(self, brands: Sequence[BrandConfig]) -> None:
        self._rules = [(brand.id, compile_rule(brand.rule)) for brand in brands]

    def match(self, raw: RawMention) -> list[str]:
        """Ids of the brands whose rule matches ``raw``, in config order."""
        return self.match_doc(MatchDoc.from_mention(raw))

    def match_doc(self, doc: MatchDoc) -> list[str]:
        return [brand_id for brand_id, rule in self._rules if rule(doc)]


def _cost(node: Node) -> int:
    if isinstance(node, Term):
        return 1 if node.field in (None, "title", "text") and not node.prefix else 2
    if isinstance(node, Phrase):
        return 3
    if isinstance(node, Near):
        return 5
    if isinstance(node, Not):
        return _cost(node.child)
    return sum(_cost(child) for child in node.children)


def _all(rules: list[Rule]) -> Rule:
    if len(rules) == 2:
        first, second = rules
        return lambda doc: first(doc) and second(doc)

    def every(doc: MatchDoc) -> bool:
        for rule in rules:  # a plain loop: all() over a generator costs more per mention
            if not rule(doc):
                return False
        return True
    return every


def _any(rules: list[Rule]) -> Rule:
    if len(rules) == 1:
        return rules[0]
    if len(rules) == 2:
        first, second = rules
        return lambda doc: first(doc) or second(doc)

    def some(doc: MatchDoc) -> bool:
        for rule in rules:
            if rule(doc):
                return True
        return False
    return some


def _single_token(node: Node) -> str | None:
    """The token of an unqualified word that is exactly one token, else None."""
    if not isinstance(node, Term) or node.field is not None or node.prefix:
        return None
    pattern = Pattern.of(node)
    return pattern.elems[0][0] if len(pattern.elems) == 1 else None


def _any_token(tokens: set[str]) -> Rule:
    frozen = frozenset(tokens)
    return lambda doc: not frozen.isdisjoint(doc.title.vocab) or not frozen.isdisjoint(doc.text.vocab)


def _never(doc: MatchDoc) -> bool:
    return False


def _fields(field: str | None) -> tuple[str, ...]:
    try:
        return _TOKEN_FIELDS[field]
    except KeyError:
        raise ValueError(f"rules cannot search field {field!r}; "
                         "use title, text, site, author or lang") from None


def _on(names: tuple[str, ...], test: FieldTest) -> Rule:
    if names == ("title", "text"):
        return lambda doc: test(doc.title) or test(doc.text)
    get = attrgetter(names[0])
    return lambda doc: test(get(doc))


def _leaf(leaf: Term | Phrase) -> Rule:
    if leaf.field == "site":
        return _site(leaf)
    if leaf.field == "lang":
        return _lang(leaf)
    names = _fields(leaf.field)
    pattern = Pattern.of(leaf)
    if len(pattern.elems) == 1 and not pattern.elems[0][1]:
        token = pattern.elems[0][0]  # the common case, kept to one set lookup per field
        if leaf.field is None:
            rule: Rule = lambda doc: token in doc.title.vocab or token in doc.text.vocab  # noqa: E731
        else:
            rule = _on(names, lambda index: token in index.vocab)
    else:
        rule = _on(names, pattern.matches)
    if leaf.field != "author":
        return rule
    whole = whole_name(leaf.text if isinstance(leaf, Term) else " ".join(leaf.words))
    if isinstance(leaf, Term) and leaf.prefix:
        return lambda doc: doc.author_name.startswith(whole) or rule(doc)
    return lambda doc: doc.author_name == whole or rule(doc)


def _near(node: Near) -> Rule:
    if node.left.field != node.right.field:
        raise ValueError("both sides of NEAR must search the same field")
    if node.left.field in ("site", "lang"):
        return _never
    left, right, distance = Pattern.of(node.left), Pattern.of(node.right), node.distance
    return _on(_fields(node.left.field),
               lambda index: near_spans(left.spans(index), right.spans(index), distance))


def _site(leaf: Term | Phrase) -> Rule:
    host = host_of(leaf.text) if isinstance(leaf, Term) else ""
    if not host:
        return _never
    if isinstance(leaf, Term) and leaf.prefix:  # a prefix of any label: site:acme* matches shop.acme-uk.com
        return lambda doc: doc.site.startswith(host) or f".{host}" in doc.site
    suffix = f".{host}"
    return lambda doc: doc.site == host or doc.site.endswith(suffix)


def _lang(leaf: Term | Phrase) -> Rule:
    code = lang_code(leaf.text) if isinstance(leaf, Term) else ""
    if not code:
        return _never
    if isinstance(leaf, Term) and leaf.prefix:
        return lambda doc: doc.lang.startswith(code)
    subtag = f"{code}-"
    return lambda doc: doc.lang == code or doc.lang.startswith(subtag)
