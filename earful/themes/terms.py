"""Theme candidates of one mention: its words and two-word phrases, minus stop words and brand terms."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from earful.query.ast import Node, Term, text_leaves
from earful.text import match_tokens, normalize_for_match, tokenize
from earful.themes.stopwords import stop_words

Tokenizer = Callable[[str], list[str]]
MAX_TOKEN_BYTES = 40  # the index drops longer tokens, so they could never be counted there


@dataclass(frozen=True)
class Exclusions:
    """Words (folded tokens) and word prefixes that are never themes: brand names and rule terms."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def excludes(self, token: str) -> bool:
        return token in self.words or token.startswith(self.prefixes)


def rule_exclusions(rules: Iterable[Node], names: Iterable[str] = ()) -> Exclusions:
    """Exclusions for brands with these rules and names (ids and display names)."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for name in names:
        words.update(match_tokens(name))
    for rule in rules:
        for leaf in text_leaves(rule):
            if isinstance(leaf, Term) and leaf.prefix:
                prefixes.update(match_tokens(leaf.text)[-1:])
                words.update(match_tokens(leaf.text)[:-1])
            else:
                words.update(match_tokens(leaf.text if isinstance(leaf, Term) else " ".join(leaf.words)))
    return Exclusions(frozenset(words), tuple(sorted(prefixes)))


def _default_tokenizer(text: str) -> list[str]:
    return tokenize(normalize_for_match(text))


@dataclass
class TermExtractor:
    """Distinct theme terms of a mention: words, and phrases of two adjacent kept words.

    ``tokenize`` folds and splits text; pass the index's analyzer so that every term found here
    can be counted in the index exactly as written.
    """

    exclusions: Exclusions = field(default_factory=Exclusions)
    tokenize: Tokenizer = _default_tokenizer
    phrases: bool = True

    def terms(self, fields: Iterable[str], lang: str | None) -> set[str]:
        """The theme candidates of a mention in ``lang``."""
        return self.scan(fields, lang)[0]

    def grams(self, fields: Iterable[str]) -> set[str]:
        """Every word and pair of adjacent words, unfiltered: what a word or phrase query would match."""
        return self.scan(fields, None, candidates=False)[1]

    def scan(self, fields: Iterable[str], lang: str | None, *,
             candidates: bool = True) -> tuple[set[str], set[str]]:
        """(theme candidates, every word and adjacent pair) of some fields' text."""
        stops = stop_words(lang) if candidates else frozenset()
        kept: set[str] = set()
        grams: set[str] = set()
        for text in fields:
            for run in _runs(self.tokenize(text)):
                grams.update(run)
                grams.update(map(" ".join, zip(run, run[1:])))
                if candidates:
                    flags = [self._keep(token, stops) for token in run]
                    kept.update(t for t, keep in zip(run, flags) if keep)
                    if self.phrases:
                        kept.update(f"{a} {b}" for a, b, x, y in zip(run, run[1:], flags, flags[1:]) if x and y)
        return kept, grams

    def keeps(self, term: str, lang: str | None = None) -> bool:
        """Whether a word or phrase found elsewhere could be a theme here (every word kept)."""
        stops = stop_words(lang)
        words = term.split(" ")
        return len(words) <= 2 and all(self._keep(word, stops) for word in words)

    def excluded_words(self) -> frozenset[str]:
        """Every stop word of every language and every excluded brand word (exact terms)."""
        return stop_words(None) | self.exclusions.words

    def _keep(self, token: str, stops: frozenset[str]) -> bool:
        if len(token) < 2 or token.isdigit():
            return False
        return token not in stops and not self.exclusions.excludes(token)


def _runs(tokens: list[str]) -> list[list[str]]:
    """The tokens split where one is too long for the index (it drops those: no phrase spans them)."""
    if not tokens or max(map(len, tokens)) < MAX_TOKEN_BYTES // 4:
        return [tokens]
    runs: list[list[str]] = [[]]
    for token in tokens:
        if len(token.encode("utf-8")) >= MAX_TOKEN_BYTES:
            runs.append([])
        else:
            runs[-1].append(token)
    return runs
