"""Stop words per language, read from the data files beside this module (see stopwords/NOTICE)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from earful.text import match_tokens

LANGUAGES = ("ar", "de", "en", "es", "fa", "fr", "he", "ru")
# English function words turn up in posts of every language (quotes, product names, code-switching).
ALWAYS = "en"


@cache
def _load(lang: str) -> frozenset[str]:
    """The folded tokens of one language's list; an unknown language has none."""
    if lang not in LANGUAGES:
        return frozenset()
    text = resources.files("earful.themes").joinpath("stopwords", f"{lang}.txt").read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.update(match_tokens(line))
    return frozenset(words)


@cache
def stop_words(lang: str | None) -> frozenset[str]:
    """Stop words for a mention in ``lang``: its own list and English; every list when unknown."""
    if not lang:
        return frozenset().union(*(_load(code) for code in LANGUAGES))
    return _load(lang.lower().split("-")[0]) | _load(ALWAYS)
