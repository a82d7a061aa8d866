"""Syntax trees -> canonical Lucene query strings: the oracle of the parser's round-trip tests.

``parse(to_query_string(node)) == node`` for every tree the parser produces, with one
documented exception: ``Near`` between two single words (same field, no wildcard) renders
as the sloppy phrase ``"a b"~N``, which Elasticsearch understands and which parses back as
``Phrase(("a", "b"), slop=N)``; the rule matcher gives both the same meaning. Pass
``near_as_phrase=False`` to keep ``NEAR/N`` and get an exact round trip. Any other
``Near`` keeps ``NEAR/N``, which is Earful syntax that Elasticsearch does not know.

Nested boolean groups are always parenthesised, because Lucene's classic parser has no
real precedence between AND and OR. A NOT inside an OR is parenthesised as ``(NOT b)``
so that Lucene reads it as "everything but b" rather than as a prohibition on the OR.
Words that are not plain letters and digits are quoted (a quoted single word parses back
as a Term), which also makes Elasticsearch match ``e-mail`` as the phrase "e mail".
"""

from __future__ import annotations

from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term

# Characters Elasticsearch reserves in query_string, plus whitespace, escaped in bare words.
_RESERVED = frozenset('\\+-=&|><!(){}[]^"~*?:/')
_IN_PHRASE = frozenset('\\"*')
_KEYWORDS = frozenset({"AND", "OR", "NOT", "NEAR"})


def to_query_string(node: Node, *, near_as_phrase: bool = True) -> str:
    """Render ``node`` as a query string that ``parse`` reads back (see the module doc)."""
    return _render(node, near_as_phrase, parent=None)


def _render(node: Node, near_as_phrase: bool, parent: type | None) -> str:
    if isinstance(node, (Term, Phrase)):
        return _leaf(node)
    if isinstance(node, Near):
        return _near(node, near_as_phrase)
    if isinstance(node, Not):
        inner = _render(node.child, near_as_phrase, Not)
        text = f"NOT {inner}"
        return f"({text})" if parent is Or else text
    if isinstance(node, (And, Or)):
        op = " AND " if isinstance(node, And) else " OR "
        text = op.join(_render(child, near_as_phrase, type(node)) for child in node.children)
        return f"({text})" if parent is not None else text
    raise TypeError(f"not a query node: {node!r}")


def _near(node: Near, near_as_phrase: bool) -> str:
    left, right = node.left, node.right
    if (near_as_phrase and isinstance(left, Term) and isinstance(right, Term)
            and not left.prefix and not right.prefix and left.field == right.field):
        return _leaf(Phrase((left.text, right.text), field=left.field, slop=node.distance))
    return f"{_leaf(left)} NEAR/{node.distance} {_leaf(right)}"


def _leaf(node: Term | Phrase) -> str:
    prefix = f"{node.field}:" if node.field else ""
    if isinstance(node, Phrase):
        slop = f"~{node.slop}" if node.slop else ""
        return f'{prefix}"{" ".join(_phrase_word(w) for w in node.words)}"{slop}'
    if node.prefix:
        return f"{prefix}{_bare(node.text)}*"
    if _is_plain(node.text):
        return f"{prefix}{node.text}"
    return f'{prefix}"{_phrase_word(node.text)}"'


def _is_plain(word: str) -> bool:
    return bool(word) and word not in _KEYWORDS and all(c.isalnum() for c in word)


def _bare(word: str) -> str:
    out = "".join(f"\\{c}" if c in _RESERVED or c.isspace() else c for c in word)
    # A prefix word can't be quoted; escaping its first letter stops "AND*" etc. reading as operators.
    return f"\\{out}" if word in _KEYWORDS else out


def _phrase_word(word: str) -> str:
    return "".join(f"\\{c}" if c in _IN_PHRASE or c.isspace() else c for c in word)
