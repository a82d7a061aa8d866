"""Brand rules -> Reddit search queries (AND/OR/NOT, quoted phrases, title:/selftext:/author:/subreddit:).

Reddit's search cannot express everything a rule can, so the translation only ever
*broadens*: a part Reddit cannot express is left out where leaving it out widens the
query (a NEAR becomes both sides, a sloppy phrase its words, ``lang:`` is dropped), and the
processing stage's rule matcher remains the precise filter. A part that can never match
a Reddit item (``site:example.com``; Reddit mentions have ``site`` ``r/<name>``) is
removed from an OR, and makes an AND unsearchable. Words are searched as Reddit's search
understands them: ``refund*`` searches ``refund`` (Reddit has no wildcard, but stems
words), ``author:x`` is Reddit's exact user name. Queries longer than Reddit's limit are
split at a top-level OR (one query per group) or broadened by dropping AND parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term

MAX_QUERY_CHARS = 512
_FIELDS = {"title": "title", "text": "selftext", "author": "author"}
_KEYWORDS = frozenset({"AND", "OR", "NOT"})


@dataclass(frozen=True)
class RQ:
    """A Reddit query tree: ``op`` is "leaf" (``text`` rendered), "and", "or" or "not"."""

    op: str
    text: str = ""
    children: tuple[RQ, ...] = ()

    def render(self, nested: bool = False) -> str:
        if self.op == "leaf":
            return self.text
        if self.op == "not":
            return f"NOT {self.children[0].render(True)}"
        # Positives first: Reddit needs something to search before a NOT.
        parts = sorted(self.children, key=lambda c: c.op == "not")
        text = (" OR " if self.op == "or" else " ").join(c.render(True) for c in parts)
        return f"({text})" if nested and len(parts) > 1 else text


ANY = "any"  # no constraint Reddit can express: leave it out (broadens)
NONE = "none"  # never matches a Reddit item
Translated = RQ | str  # an RQ, ANY or NONE


@dataclass(frozen=True)
class _Result:
    query: Translated
    exact: bool  # False when the query is broader than the rule


def reddit_queries(rule: Node, limit: int = MAX_QUERY_CHARS) -> list[str]:
    """Search strings that together find (at least) what ``rule`` matches; [] when none can."""
    result = _translate(rule)
    if not isinstance(result.query, RQ) or not _has_positive(result.query):
        return []
    if result.query.op == "or":
        return _split_or(result.query, limit)
    fitted = _fit(result.query, limit)
    return [fitted.render()] if fitted is not None else []


def _translate(node: Node) -> _Result:
    if isinstance(node, (Term, Phrase)):
        return _leaf(node)
    if isinstance(node, Near):
        both = _translate(And((node.left, node.right)))
        return _Result(both.query, False)
    if isinstance(node, Not):
        inner = _translate(node.child)
        if inner.query == NONE:
            return _Result(ANY, True)  # NOT (never) is everything
        if not inner.exact or not isinstance(inner.query, RQ):
            return _Result(ANY, False)  # NOT of a broadened query would narrow
        return _Result(RQ("not", children=(inner.query,)), True)
    if isinstance(node, And):
        return _and([_translate(c) for c in node.children])
    if isinstance(node, Or):
        return _or([_translate(c) for c in node.children])
    raise TypeError(f"not a query node: {node!r}")


def _and(parts: list[_Result]) -> _Result:
    if any(p.query == NONE for p in parts):
        return _Result(NONE, True)
    kept = tuple(p.query for p in parts if isinstance(p.query, RQ))
    exact = all(p.exact for p in parts)
    if not kept:
        return _Result(ANY, exact)
    flat = tuple(c for q in kept for c in (q.children if q.op == "and" else (q,)))
    return _Result(flat[0] if len(flat) == 1 else RQ("and", children=flat), exact)


def _or(parts: list[_Result]) -> _Result:
    live = [p for p in parts if p.query != NONE]
    if not live:
        return _Result(NONE, True)
    if any(p.query == ANY for p in live):
        return _Result(ANY, all(p.exact for p in live))
    kept = tuple(p.query for p in live if isinstance(p.query, RQ))
    flat = tuple(c for q in kept for c in (q.children if q.op == "or" else (q,)))
    return _Result(flat[0] if len(flat) == 1 else RQ("or", children=flat), all(p.exact for p in live))


def _leaf(node: Term | Phrase) -> _Result:
    field = node.field
    if field == "lang":
        return _Result(ANY, False)
    if field == "site":
        value = node.text if isinstance(node, Term) else "/".join(node.words)
        name = value.strip().lower().removeprefix("/").removeprefix("r/")
        if value.strip().lower().lstrip("/").startswith("r/") and _is_plain(name.replace("_", "")):
            return _Result(RQ("leaf", f"subreddit:{name}"), True)
        return _Result(NONE, True)
    prefix = f"{_FIELDS[field]}:" if field in _FIELDS else ""
    if isinstance(node, Term):
        word = _word(node.text)
        if not word:
            return _Result(ANY, False)
        return _Result(RQ("leaf", prefix + word), not node.prefix)
    words = [w for w in (_clean(w) for w in node.words) if w]
    if not words:
        return _Result(ANY, False)
    if node.slop and len(words) > 1:  # any order within a window: Reddit has no proximity
        return _and([_Result(RQ("leaf", prefix + _word(w)), False) for w in words])
    return _Result(RQ("leaf", f'{prefix}"{" ".join(words)}"'), True)


def _clean(word: str) -> str:
    return "".join(" " if c in '"\\' else c for c in word).strip()


def _is_plain(word: str) -> bool:
    return bool(word) and all(c.isalnum() for c in word)


def _word(text: str) -> str:
    word = _clean(text)
    if _is_plain(word) and word not in _KEYWORDS:
        return word
    return f'"{word}"' if word else ""


def _has_positive(query: RQ) -> bool:
    if query.op == "leaf":
        return True
    if query.op == "not":
        return False
    if query.op == "and":
        return any(_has_positive(c) for c in query.children)
    return all(_has_positive(c) for c in query.children)


def _split_or(query: RQ, limit: int) -> list[str]:
    """Groups of the OR's alternatives, each query within ``limit``: their union is the OR."""
    out: list[str] = []
    group: list[RQ] = []
    for child in query.children:
        fitted = _fit(child, limit)
        if fitted is None:
            continue  # a single alternative longer than the limit that cannot be broadened
        candidate = RQ("or", children=(*group, fitted))
        if group and len(candidate.render()) > limit:
            out.append(RQ("or", children=tuple(group)).render() if len(group) > 1 else group[0].render())
            group = [fitted]
        else:
            group.append(fitted)
    if group:
        out.append(RQ("or", children=tuple(group)).render() if len(group) > 1 else group[0].render())
    return out


def _fit(query: RQ, limit: int) -> RQ | None:
    """``query`` within ``limit`` characters, broadened by dropping AND parts (NOTs first)."""
    while len(query.render()) > limit:
        if query.op != "and" or len(query.children) < 2:
            return None
        children = list(query.children)
        nots = [c for c in children if c.op == "not"]
        victim = max(nots or children, key=lambda c: len(c.render()))
        children.remove(victim)
        if not any(_has_positive(c) for c in children):
            return None
        query = children[0] if len(children) == 1 else RQ("and", children=tuple(children))
    return query
