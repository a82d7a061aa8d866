"""Lucene-style query strings -> syntax trees (:mod:`earful.query.ast`).

Syntax, loosest binding first::

    a OR b      a || b                  either
    a AND b     a && b     a b          both: words side by side mean AND (the product's choice)
    NOT a       !a         -a           not; a query may be only ``NOT spam`` ("all but spam")
    +a                                  required: the same as plain ``a``
    a NEAR/3 b                          at most 3 other words between a and b, either order
    "a b"       "a b"~2                 phrase; ``~N`` lets the words be N extra positions apart
    refund*                             prefix: at least 2 characters, only at the end of a word
    title:a     title:"a b"    title:(a OR b)    field restrictions, pushed onto the leaves
    ( ... )                             grouping
    \\:  \\"  \\(  \\*  ...                escape any special character

``AND``, ``OR``, ``NOT`` and ``NEAR/N`` are operators only in upper case; quote them to
search for the word. ``-`` and ``+`` are operators only at the start of a word
(``e-mail`` is a word). NEAR binds tighter than NOT, so ``NOT a NEAR/2 b`` negates the
whole NEAR; NEAR takes only words and phrases, on one field. A one-word phrase becomes a
Term, nested AND/OR of one kind are flattened and a double NOT cancels out. Limits: 10,000
characters, 50 levels of parentheses, distances up to 100. Every error is a
:class:`QuerySyntaxError` with a 0-based position and a message that says what to fix.
"""

from __future__ import annotations

from earful.errors import QuerySyntaxError
from earful.query.ast import And, Near, Node, Not, Or, Phrase, Term
from earful.query.lexer import BAD_CHAR, Lexer, Token, error

MAX_LENGTH = 10_000
MAX_DEPTH = 50
_OPERAND_KINDS = frozenset({"word", "phrase", "field", "(", "not", "plus"})


def parse(text: str, fields: frozenset[str] | None = None) -> Node:
    """Parse ``text``; ``fields`` limits field names (None: any lowercase identifier)."""
    if not isinstance(text, str):
        raise TypeError("query must be a string")
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError(f"query is too long ({len(text):,} characters; the limit is "
                               f"{MAX_LENGTH:,}); shorten it", query=text, position=MAX_LENGTH)
    bad = BAD_CHAR.search(text)
    if bad:
        raise QuerySyntaxError(f"control or invalid character U+{ord(bad.group()):04X} is not allowed; "
                               "remove it", query=text, position=bad.start())
    if not text.strip():
        raise QuerySyntaxError("empty query; write at least one word", query=text, position=0)
    return _Parser(text, Lexer(text, fields).tokens()).parse()


class _Parser:
    """Recursive descent; depth is bounded by MAX_DEPTH parentheses, so no RecursionError."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.toks = tokens
        self.k = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.k]

    def parse(self) -> Node:
        node = self._or(None, None)
        if self.tok.kind == ")":
            raise error(self.text, self.tok.pos, "unbalanced parenthesis: this ')' has no matching '('")
        return node

    def _or(self, field: str | None, after: Token | None) -> Node:
        children = [self._and(field, after)]
        while self.tok.kind == "or":
            op = self.tok
            self.k += 1
            children.append(self._and(field, op))
        return _combine(Or, children)

    def _and(self, field: str | None, after: Token | None) -> Node:
        children = [self._unary(field, after)]
        while True:
            if self.tok.kind == "and":
                op = self.tok
                self.k += 1
                children.append(self._unary(field, op))
            elif self.tok.kind in _OPERAND_KINDS:
                children.append(self._unary(field, None))
            else:
                return _combine(And, children)

    def _unary(self, field: str | None, after: Token | None) -> Node:
        negate = False
        while self.tok.kind in ("not", "plus"):  # a loop, not recursion: "NOT NOT ..." is unbounded
            after = self.tok
            negate ^= self.tok.kind == "not"
            self.k += 1
        node = self._near(field, after)
        if not negate:
            return node
        return node.child if isinstance(node, Not) else Not(node)

    def _near(self, field: str | None, after: Token | None) -> Node:
        left = self._primary(field, after)
        if self.tok.kind != "near":
            return left
        op = self.tok
        if not isinstance(left, (Term, Phrase)):
            raise error(self.text, op.pos, "NEAR works between two words or phrases; "
                        "combine groups with AND instead")
        self.k += 1
        right_tok = self.tok
        right = self._primary(field, op)
        if not isinstance(right, (Term, Phrase)):
            raise error(self.text, right_tok.pos, "NEAR works between two words or phrases; "
                        "combine groups with AND instead")
        if left.field != right.field:
            raise error(self.text, op.pos, "both sides of NEAR must search the same field, "
                        "as in title:(a NEAR/3 b)")
        if self.tok.kind == "near":
            raise error(self.text, self.tok.pos, "NEAR cannot be chained; write "
                        "(a NEAR/3 b) AND (b NEAR/3 c)")
        return Near(left, right, op.number)

    def _primary(self, field: str | None, after: Token | None) -> Node:
        tok = self.tok
        if tok.kind == "field":
            if field is not None:
                raise error(self.text, tok.pos, f"field {tok.text!r} inside field {field!r}; use only one")
            self.k += 1
            if self.tok.kind not in ("word", "phrase", "("):
                raise error(self.text, tok.pos, f"nothing to search after {tok.raw!r}; write "
                            f'{tok.raw}word, {tok.raw}"a phrase" or {tok.raw}(a OR b)')
            return self._primary(tok.text, tok)
        if tok.kind == "word":
            self.k += 1
            return Term(tok.text, field=field, prefix=tok.prefix)
        if tok.kind == "phrase":
            self.k += 1
            if len(tok.words) == 1:
                return Term(tok.words[0], field=field)
            return Phrase(tok.words, field=field, slop=tok.number)
        if tok.kind == "(":
            return self._group(field)
        raise self._missing(tok, after)

    def _group(self, field: str | None) -> Node:
        open_tok = self.tok
        if self.depth >= MAX_DEPTH:
            raise error(self.text, open_tok.pos, f"too deeply nested: more than {MAX_DEPTH} levels of "
                        "parentheses; simplify the query")
        self.k += 1
        if self.tok.kind == ")":
            raise error(self.text, open_tok.pos, "empty parentheses; put a word inside or remove them")
        self.depth += 1
        node = self._or(field, open_tok)
        self.depth -= 1
        if self.tok.kind != ")":
            raise error(self.text, open_tok.pos,
                        "unbalanced parenthesis: this '(' is never closed; add a ')'")
        self.k += 1
        return node

    def _missing(self, tok: Token, after: Token | None) -> QuerySyntaxError:
        if tok.kind == "eof" and after is not None and after.kind == "(":
            return error(self.text, after.pos, "unbalanced parenthesis: this '(' is never closed; add a ')'")
        if after is None or after.kind == "(":
            if tok.kind == ")":
                return error(self.text, tok.pos, "unbalanced parenthesis: this ')' has no matching '('")
            return error(self.text, tok.pos, f"{tok.raw!r} needs a word or phrase before it")
        if tok.kind == "eof":
            return error(self.text, after.pos, f"{after.raw!r} needs a word or phrase after it; "
                         "add one or remove the operator")
        return error(self.text, tok.pos, f"expected a word or phrase after {after.raw!r}, found {tok.raw!r}")


def _combine(kind: type[And] | type[Or], children: list[Node]) -> Node:
    """One child stays itself; children of the same kind are flattened into the parent."""
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))
