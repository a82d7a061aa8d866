"""A mention's fields prepared for rule matching, and rule words compiled to token patterns."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from urllib.parse import urlsplit

from earful.models import Mention, RawMention
from earful.query.ast import Phrase, Term
from earful.text import match_tokens, normalize_for_match, tokenize

Span = tuple[int, int]


class FieldIndex:
    """One field's normalised text, its tokens, and (lazily) positions and sorted vocabulary."""

    __slots__ = ("text", "tokens", "vocab", "_positions", "_sorted")

    def __init__(self, raw: str | None) -> None:
        self.text = normalize_for_match(raw) if raw else ""
        self.tokens = tokenize(self.text) if self.text else []
        self.vocab = set(self.tokens)
        self._positions: dict[str, list[int]] | None = None
        self._sorted: list[str] | None = None

    def positions(self, token: str) -> list[int]:
        """Where ``token`` occurs; looked up on demand, since only phrases and NEAR need it."""
        if self._positions is None:
            self._positions = {}
        found = self._positions.get(token)
        if found is None:
            found = []
            if token in self.vocab:
                tokens, i = self.tokens, -1
                try:
                    while True:
                        i = tokens.index(token, i + 1)  # scans in C, unlike a loop over every token
                        found.append(i)
                except ValueError:
                    pass
            self._positions[token] = found
        return found

    def with_prefix(self, prefix: str) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.vocab)
        words, i, out = self._sorted, bisect_left(self._sorted, prefix), []
        while i < len(words) and words[i].startswith(prefix):
            out.append(words[i])
            i += 1
        return out


class MatchDoc:
    """A mention prepared for rule matching."""

    __slots__ = ("title", "text", "author", "author_name", "site", "lang")

    def __init__(self, title: str = "", text: str = "", *, author: str | None = None,
                 site: str | None = None, lang: str | None = None) -> None:
        self.title = FieldIndex(title)
        self.text = FieldIndex(text)
        self.author = FieldIndex(author)
        self.author_name = whole_name(author or "")
        self.site = host_of(site or "")
        self.lang = lang_code(lang or "")

    @classmethod
    def from_mention(cls, raw: RawMention) -> MatchDoc:
        lang = (raw.lang if isinstance(raw, Mention) else None) or raw.lang_hint
        return cls(raw.title, raw.text, author=raw.author, site=raw.site or raw.url, lang=lang)


def host_of(value: str) -> str:
    """``https://WWW.Example.com:8080/x`` → ``www.example.com``; a bare host is cleaned likewise."""
    value = value.strip().lower()
    if "://" in value:
        try:
            value = urlsplit(value).hostname or ""
        except ValueError:
            return ""
    else:
        value = value.split("/", 1)[0].rsplit("@", 1)[-1]
        if value.count(":") == 1:
            value = value.split(":", 1)[0]
    value = value.strip(".")
    if not value.isascii():
        try:
            value = value.encode("idna").decode("ascii")  # compare IDNs in one (punycode) form
        except UnicodeError:
            pass
    return value


def lang_code(value: str) -> str:
    return value.strip().lower().replace("_", "-")


def whole_name(value: str) -> str:
    return " ".join(normalize_for_match(value).split()).lstrip("@")


class Pattern:
    """A Term or Phrase compiled to tokens: ``elems`` are (token, is_prefix) pairs."""

    __slots__ = ("elems", "slop", "substring")

    def __init__(self, elems: tuple[tuple[str, bool], ...], slop: int | None, substring: str = "") -> None:
        self.elems = elems
        self.slop = slop  # None: consecutive; N: window of len(elems) + N positions, any order
        self.substring = substring  # used when the rule word has no tokens at all

    @classmethod
    def of(cls, leaf: Term | Phrase) -> Pattern:
        words = (leaf.text,) if isinstance(leaf, Term) else leaf.words
        tokens = [tok for word in words for tok in match_tokens(word)]
        elems = [(tok, False) for tok in tokens]
        if isinstance(leaf, Term) and leaf.prefix and elems:
            elems[-1] = (elems[-1][0], True)
        slop = leaf.slop if isinstance(leaf, Phrase) and leaf.slop else None
        substring = "" if tokens or (isinstance(leaf, Term) and leaf.prefix) else \
            " ".join(normalize_for_match(" ".join(words)).split())
        return cls(tuple(elems), slop, substring)

    def _present(self, field: FieldIndex) -> bool:
        for tok, prefix in self.elems:
            if not (field.with_prefix(tok) if prefix else tok in field.vocab):
                return False
        return True

    def _positions(self, field: FieldIndex, tok: str, prefix: bool) -> list[int]:
        if not prefix:
            return field.positions(tok)
        return sorted(p for word in field.with_prefix(tok) for p in field.positions(word))

    def matches(self, field: FieldIndex) -> bool:
        if not self.elems:
            return bool(self.substring) and self.substring in field.text
        if not self._present(field):
            return False
        return len(self.elems) == 1 or bool(self.spans(field, first_only=True))

    def spans(self, field: FieldIndex, first_only: bool = False) -> list[Span]:
        """(first, last) token positions of each match, sorted by start and by end."""
        if not self.elems or not self._present(field):
            return []
        lists = [self._positions(field, tok, prefix) for tok, prefix in self.elems]
        if len(lists) == 1:
            return [(p, p) for p in lists[0]]
        if self.slop is None:
            return _consecutive(lists, first_only)
        return _windows(lists, self.elems, len(self.elems) - 1 + self.slop, first_only)


def _consecutive(lists: list[list[int]], first_only: bool) -> list[Span]:
    later = [set(positions) for positions in lists[1:]]
    out: list[Span] = []
    for p in lists[0]:
        if all(p + i in s for i, s in enumerate(later, 1)):
            out.append((p, p + len(later)))
            if first_only:
                break
    return out


def _windows(lists: list[list[int]], elems: tuple[tuple[str, bool], ...], width: int,
             first_only: bool) -> list[Span]:
    """Minimal windows holding every element (repeated words need repeated tokens)."""
    need: dict[tuple[str, bool], int] = {}
    for elem in elems:
        need[elem] = need.get(elem, 0) + 1
    keys = list(need)
    events = sorted({(p, k) for k, key in enumerate(keys) for p in lists[elems.index(key)]})
    have = [0] * len(keys)
    wanted = [need[key] for key in keys]
    missing, left = len(keys), 0
    out: list[Span] = []
    for pos, k in events:
        have[k] += 1
        missing -= have[k] == wanted[k]
        while missing == 0:
            start, j = events[left]
            if pos - start <= width:
                out.append((start, pos))
                if first_only:
                    return out
            have[j] -= 1
            missing += have[j] == wanted[j] - 1
            left += 1
    return out


def near_spans(left: list[Span], right: list[Span], distance: int) -> bool:
    """Some left and right spans apart (no overlap) with at most ``distance`` words between."""
    if not left or not right:
        return False
    starts = [s for s, _ in right]
    ends = [e for _, e in right]
    for a, b in left:
        i = bisect_right(starts, b)  # first right span starting after this one ends
        if i < len(starts) and starts[i] - b - 1 <= distance:
            return True
        j = bisect_left(ends, a) - 1  # last right span ending before this one starts
        if j >= 0 and a - ends[j] - 1 <= distance:
            return True
    return False

