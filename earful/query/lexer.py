"""Query strings -> tokens for :mod:`earful.query.parser`; lexical errors carry their position."""

from __future__ import annotations

import re
from dataclasses import dataclass

from earful.errors import QuerySyntaxError

MAX_DISTANCE = 100
MIN_PREFIX = 2

_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
BAD_CHAR = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ENDS_WORD = frozenset('()":')
_UNSUPPORTED = {
    "~": "fuzzy search (~) is not supported; ~N may only follow a quoted phrase",
    "^": "boosts (^) are not supported",
    "[": "ranges ([ ]) are not supported",
    "]": "ranges ([ ]) are not supported",
    "{": "ranges ({ }) are not supported",
    "}": "ranges ({ }) are not supported",
}


@dataclass
class Token:
    kind: str  # word phrase field ( ) and or not plus near eof
    pos: int
    raw: str = ""  # as written, for messages
    text: str = ""
    prefix: bool = False
    words: tuple[str, ...] = ()
    number: int = 0


def error(query: str, position: int, message: str) -> QuerySyntaxError:
    return QuerySyntaxError(message, query=query, position=position)


class Lexer:
    """Splits a query into tokens; keywords, wildcards, fields and escapes are resolved here."""

    def __init__(self, text: str, fields: frozenset[str] | None) -> None:
        self.text = text
        self.fields = fields
        self.i = 0

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        text, n = self.text, len(self.text)
        while True:
            while self.i < n and text[self.i].isspace():
                self.i += 1
            if self.i >= n:
                out.append(Token("eof", n))
                return out
            out.append(self._next())

    def _next(self) -> Token:
        text, i = self.text, self.i
        c = text[i]
        if c in "()":
            self.i += 1
            return Token(c, i, c)
        if c == '"':
            return self._phrase()
        if text.startswith("&&", i) or text.startswith("||", i):
            self.i += 2
            return Token("and" if c == "&" else "or", i, c * 2)
        if c in "!-+":
            after = text[i + 1] if i + 1 < len(text) else ""
            if c != "!" and (not after or after.isspace() or after == ")"):
                raise error(text, i, f"'{c}' must be attached to the word it applies to, as in {c}word")
            self.i += 1
            return Token("plus" if c == "+" else "not", i, c)
        if c == ":":
            raise error(text, i, "':' must follow a field name, as in title:word; escape it as \\:")
        return self._word()

    def _word(self) -> Token:
        text, start, n = self.text, self.i, len(self.text)
        chars: list[str] = []
        stars: list[tuple[int, int]] = []  # (index in the word, position in the query)
        escaped = False
        i = start
        while i < n:
            c = text[i]
            if c.isspace() or c in _ENDS_WORD:
                break
            if c == "\\":
                if i + 1 >= n:
                    raise error(text, i, "a backslash at the end escapes nothing; remove it or write \\\\")
                chars.append(text[i + 1])
                escaped = True
                i += 2
                continue
            if c in _UNSUPPORTED:
                raise error(text, i, f"{_UNSUPPORTED[c]}; escape it as \\{c} to search for it")
            if c == "*":
                stars.append((len(chars), i))
            chars.append(c)
            i += 1
        self.i = i
        raw = text[start:i]
        word = "".join(chars)
        if i < n and text[i] == ":":
            return self._field(word, raw, start, escaped or bool(stars))
        if not escaped and not stars:
            keyword = self._keyword(word, start)
            if keyword is not None:
                return keyword
        return self._wildcard(word, raw, start, stars)

    def _keyword(self, word: str, start: int) -> Token | None:
        if word in ("AND", "OR", "NOT"):
            return Token(word.lower(), start, word)
        if word == "NEAR" or word.startswith("NEAR/"):
            digits = word[5:]
            if not digits.isdigit() or not digits.isascii():
                raise error(self.text, start, "NEAR needs a distance in words, as in a NEAR/5 b; "
                            'write "NEAR" in quotes to search for the word')
            return Token("near", start, word, number=self._distance(digits, start))
        return None

    def _distance(self, digits: str, position: int) -> int:
        value = int(digits) if len(digits) <= 4 else MAX_DISTANCE + 1
        if value > MAX_DISTANCE:
            raise error(self.text, position,
                        f"distance {digits[:8]} is too large; the limit is {MAX_DISTANCE}")
        return value

    def _wildcard(self, word: str, raw: str, start: int, stars: list[tuple[int, int]]) -> Token:
        if not stars:
            return Token("word", start, raw, text=word)
        index, position = stars[0]
        if word == "*":
            raise error(self.text, start, "a lone * would match everything; remove it")
        if index == 0:
            raise error(self.text, position, "leading wildcards are not supported (too slow); "
                        "put * only at the end of a word, as in refund*")
        if len(stars) > 1 or index != len(word) - 1:
            raise error(self.text, position, "* may only end a word, as in refund*; "
                        "escape it as \\* to search for it")
        if len(word) - 1 < MIN_PREFIX:
            raise error(self.text, start, f"a wildcard needs at least {MIN_PREFIX} characters before it, "
                        "as in re*")
        return Token("word", start, raw, text=word[:-1], prefix=True)

    def _field(self, name: str, raw: str, start: int, special: bool) -> Token:
        self.i += 1  # the colon
        if special or not _FIELD_NAME.match(name):
            raise error(self.text, start, f"{raw!r} is not a field name; field names are lowercase words "
                        "like title; to search for a colon, escape it as \\:")
        if self.fields is not None and name not in self.fields:
            allowed = ", ".join(sorted(self.fields)) or "none"
            raise error(self.text, start, f"unknown field {name!r}; allowed fields: {allowed} "
                        "(to search for a colon, escape it as \\:)")
        return Token("field", start, raw + ":", text=name)

    def _phrase(self) -> Token:
        text, start, n = self.text, self.i, len(self.text)
        words: list[str] = []
        cur: list[str] = []
        i = start + 1
        while True:
            if i >= n:
                raise error(text, start, 'unbalanced quote: this phrase is never closed; add a closing "')
            c = text[i]
            if c == '"':
                break
            if c == "\\":
                if i + 1 >= n:
                    raise error(text, start, 'unbalanced quote: this phrase is never closed; add a closing "')
                cur.append(text[i + 1])
                i += 2
                continue
            if c == "*":
                raise error(text, i, "wildcards do not work inside quotes; write refund* without quotes, "
                            "or \\* for a literal star")
            if c.isspace():
                if cur:
                    words.append("".join(cur))
                    cur = []
            else:
                cur.append(c)
            i += 1
        if cur:
            words.append("".join(cur))
        i += 1
        if not words:
            raise error(text, start, "empty phrase; put words between the quotes or remove them")
        slop = 0
        if i < n and text[i] == "~":
            j = i + 1
            while j < n and text[j].isascii() and text[j].isdigit():
                j += 1
            if j == i + 1:
                raise error(text, i, 'write a number after ~, as in "a b"~3')
            slop = self._distance(text[i + 1:j], i)
            i = j
        self.i = i
        return Token("phrase", start, text[start:i], words=tuple(words), number=slop)
