"""Choosing what the embedding model reads: passages around a target's occurrences, in a token budget.

The model's cost grows with what it reads (and faster than linearly: attention within each
512-token window), so no text is read whole. A text with a target gives the sentences of the
target's occurrences, one passage each, in order of appearance, until the budget is spent; a
sentence longer than a passage may be is cut to the words around the occurrence. A text without
one gives its lead. Sentences end at ``. ! ? …`` and their Arabic, Urdu, Devanagari and CJK
equivalents, or at a line break; the scan looks only near each occurrence, so a 1 MB text costs
what a 1 KB one does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Span = tuple[int, int]
TokenCount = Callable[[str], int]

SCAN_CHARS = 600  # how far from an occurrence a sentence's ends are looked for
LEAD_CHARS = 4_000  # the most a lead passage is taken from (before counting tokens)
_END = re.compile(r"[.!?…。！？؟۔।]+[\"'»”’)\]]*(?=\s)|[。！？]|\n")
_WORD = re.compile(r"\S+")
_ABBREVIATION = re.compile(r"(?:\b(?:mr|mrs|ms|dr|st|sen|rep|gov|gen|col|lt|jr|sr|inc|corp|co|ltd|vs|no|"
                           r"jan|feb|aug|sept?|oct|nov|dec|u\.s|e\.g|i\.e)|\b\w)\.$", re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    """What was scored: the text the model read and where it is in the original (``start``, ``end``)."""

    text: str
    start: int
    end: int


def _is_end(text: str, match: re.Match[str]) -> bool:
    """A sentence end, not the dot of ``Mr.`` or ``U.S.``."""
    if match.group() == "\n" or not match.group().startswith("."):
        return True
    return _ABBREVIATION.search(text, max(0, match.start() - 6), match.end()) is None


def sentence_around(text: str, start: int, end: int) -> Span:
    """The sentence holding ``text[start:end]``, looked for within SCAN_CHARS on either side."""
    lo, hi = max(0, start - SCAN_CHARS), min(len(text), end + SCAN_CHARS)
    begin = lo
    for match in _END.finditer(text, lo, start):
        if _is_end(text, match):
            begin = match.end()
    finish = hi
    for match in _END.finditer(text, end, hi):
        if _is_end(text, match):
            finish = match.end()
            break
    return _strip(text, begin, finish)


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _words_around(text: str, span: Span, focus: Span, budget: int, count: TokenCount) -> Span:
    """The longest run of whole words of ``span`` around ``focus`` that fits ``budget`` tokens."""
    words = [m.span() for m in _WORD.finditer(text, *span)]
    first = next((i for i, (_, e) in enumerate(words) if e > focus[0]), 0)
    last = next((i for i, (s, _) in enumerate(words) if s >= focus[1]), len(words)) - 1
    last = max(first, last)
    low, high = 0, len(words)  # words added on each side: binary search on the largest that fits
    while low < high:
        mid = (low + high + 1) // 2
        a, b = max(0, first - mid), min(len(words) - 1, last + mid)
        if count(text[words[a][0]:words[b][1]]) <= budget:
            low = mid
        else:
            high = mid - 1
    a, b = max(0, first - low), min(len(words) - 1, last + low)
    if count(text[words[a][0]:words[b][1]]) > budget:  # even the target's own words are too many
        return _cut_chars(text, (words[first][0], words[last][1]), budget, count)
    return words[a][0], words[b][1]


def _cut_chars(text: str, span: Span, budget: int, count: TokenCount) -> Span:
    """The longest prefix of ``span`` within ``budget`` tokens (for runs without spaces)."""
    low, high = 0, span[1] - span[0]
    while low < high:
        mid = (low + high + 1) // 2
        if count(text[span[0]:span[0] + mid]) <= budget:
            low = mid
        else:
            high = mid - 1
    return span[0], span[0] + max(low, 1)


def fit(text: str, span: Span, focus: Span, budget: int, count: TokenCount) -> Span:
    """``span``, or the part of it around ``focus`` that fits ``budget`` tokens."""
    if count(text[span[0]:span[1]]) <= budget:
        return span
    return _words_around(text, span, focus, budget, count)


def around(text: str, occurrences: Sequence[Span], count: TokenCount, *, budget: int,
           passage_tokens: int, extra: Callable[[Passage], int] | None = None, min_tokens: int = 0
           ) -> list[Passage]:
    """One passage per occurrence's sentence (an occurrence inside a passage already taken adds
    none), each at most ``passage_tokens`` tokens; together, with what ``extra`` says each
    passage costs besides its own tokens, at most ``budget``. A sentence cut below ``min_tokens``
    to fit what is left is not read, unless it is the first passage (a scrap says little)."""
    passages: list[Passage] = []
    left = budget
    for start, end in occurrences:
        if left <= 0 or any(p.start <= start and end <= p.end for p in passages):
            continue
        sentence, size = sentence_around(text, start, end), min(passage_tokens, left)
        while True:  # the passage's other views must fit too: shrink it by what they overran
            span = fit(text, sentence, (start, end), size, count)
            passage = Passage(text[span[0]:span[1]], *span)
            cost = count(passage.text) + (extra(passage) if extra else 0)
            if cost <= left or size <= 4:
                break
            size = min(size, count(passage.text)) - max(2, cost - left)
        scrap = passages and span != sentence and count(passage.text) < min_tokens
        if cost > left or scrap or any(passage.text in p.text for p in passages):  # or a sentence repeated
            continue
        passages.append(passage)
        left -= cost
    return passages


def lead(text: str, count: TokenCount, *, budget: int) -> Passage:
    """The start of the text within ``budget`` tokens, ending at a sentence end when one is near."""
    span = _strip(text, 0, min(len(text), LEAD_CHARS))
    if count(text[span[0]:span[1]]) > budget:
        span = _words_around(text, span, (span[0], span[0]), budget, count)
        ends = [m.end() for m in _END.finditer(text, *span) if _is_end(text, m)]
        if ends and ends[-1] - span[0] > (span[1] - span[0]) // 2:
            span = _strip(text, span[0], ends[-1])
    return Passage(text[span[0]:span[1]], *span)
