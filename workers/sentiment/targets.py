"""Where a target occurs in a text: a brand's rule words, or a labelled row's target as written.

Occurrences are character spans of the text as written, found the way brand rules match
(:mod:`earful.text`): any case, the letter forms the folding unifies, Arabic and Hebrew marks
anywhere, whole words, a rule word with ``*`` as a word prefix. Brand rules only give the words
to look for: whether a mention belongs to a brand is the rule's business (``workers.rules``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from earful.query.ast import Node, Term, text_leaves
from earful.text import match_tokens, unfolded_pattern

Span = tuple[int, int]
MAX_OCCURRENCES = 64  # enough to choose passages from; a 1 MB text is not searched to its end for more
_CYRILLIC_ENDINGS = "аеиоуыэюяйь"  # dropped from an inflected Russian word to find its other forms


@dataclass(frozen=True)
class Target:
    """A name and the compiled alternatives that find it (``regex`` is None: nothing to look for)."""

    key: str
    regex: re.Pattern[str] | None

    def find(self, text: str, limit: int = MAX_OCCURRENCES) -> list[Span]:
        """Spans of the first ``limit`` occurrences, in order, not overlapping."""
        if self.regex is None:
            return []
        spans: list[Span] = []
        for match in self.regex.finditer(text):
            spans.append(match.span())
            if len(spans) >= limit:
                break
        return spans


def _is_ideograph(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK", "HIRAGANA", "KATAKANA"))


def _word_pattern(tokens: Sequence[str], prefix: bool) -> str:
    """Tokens in order with anything but letters and digits between them, on word boundaries."""
    body = r"[\W_]*".join(unfolded_pattern(token) for token in tokens)
    start = "" if _is_ideograph(tokens[0][0]) else r"(?<![^\W_])"
    if prefix:
        end = r"\w*"
    else:
        end = "" if _is_ideograph(tokens[-1][-1]) else r"(?![^\W_])"
    return start + body + end


def _leaf_words(node: Node) -> Iterator[tuple[tuple[str, ...], bool]]:
    """(words, last word is a prefix) of every rule leaf that must occur in the title or text."""
    for leaf in text_leaves(node):
        if isinstance(leaf, Term):
            yield (leaf.text,), leaf.prefix
        elif leaf.slop:  # words anywhere in a window: each word is an occurrence of its own
            yield from (((word,), False) for word in leaf.words)
        else:
            yield leaf.words, False


def _alternative(words: Sequence[str], prefix: bool, *, every_word: bool = False) -> str | None:
    """One way of writing the target: its words in order; ``prefix``: the last word (or, with
    ``every_word``, each word) may continue."""
    parts = []
    for i, word in enumerate(words):
        tokens = match_tokens(word)
        if tokens:
            parts.append((tokens, prefix and (every_word or i == len(words) - 1)))
    if not parts:
        return None
    if not every_word:
        return _word_pattern([t for tokens, _ in parts for t in tokens], prefix)
    return r"[\W_]+".join(_word_pattern(tokens, word_prefix) for tokens, word_prefix in parts)


def _compile(patterns: Sequence[str | None]) -> re.Pattern[str] | None:
    found = [p for p in dict.fromkeys(patterns) if p]
    if not found:
        return None
    # Longest first, so "Acme Bank" wins over "Acme" where both start.
    return re.compile("|".join(f"(?:{p})" for p in sorted(found, key=len, reverse=True)), re.IGNORECASE)


def from_rule(key: str, rule: Node, name: str | None = None) -> Target:
    """A brand's target: the words of its rule that must occur in a text, and its display name."""
    alternatives = [_alternative(words, prefix) for words, prefix in _leaf_words(rule)]
    if name:
        alternatives.append(_alternative(name.split(), False))
    return Target(key, _compile(alternatives))


def _stem(word: str) -> str:
    """An inflected Russian word without its ending (``Путина`` → ``Путин``), else the word."""
    stem = word
    while len(stem) > 4 and stem[-1].lower() in _CYRILLIC_ENDINGS and len(word) - len(stem) < 2:
        stem = stem[:-1]
    return stem


def from_text(target: str) -> Target:
    """A target as written in a labelled row, matched as a brand rule would match it with ``*``
    after every word (``Путина`` also finds ``Путину``); a name of several words (``Donald Trump``)
    also by its last word alone, the way articles repeat a name after its first mention."""
    words = [_stem(word) for word in target.split()]
    alternatives = [_alternative(words, True, every_word=True)] if words else []
    last = target.split()[-1] if words else ""
    if len(words) > 1 and last[:1].isupper() and len(last) >= 3:
        alternatives.append(_alternative([_stem(last)], True))
    return Target(target, _compile(alternatives))
