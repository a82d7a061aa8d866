"""Themes: the words and two-word phrases that set a set of mentions apart from a background."""

from earful.themes.significance import TermCounts, ThemeCounts, jlh, ranked
from earful.themes.stopwords import stop_words
from earful.themes.terms import Exclusions, TermExtractor, rule_exclusions

__all__ = ["Exclusions", "TermCounts", "TermExtractor", "ThemeCounts", "jlh", "ranked", "rule_exclusions", "stop_words"]
