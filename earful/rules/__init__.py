"""Brand rules: a brand's query tree compiled into a predicate over one mention's fields."""

from earful.rules.matcher import BrandMatcher, MatchDoc, Rule, compile_rule, normalize_for_match, tokenize

__all__ = ["BrandMatcher", "MatchDoc", "Rule", "compile_rule", "normalize_for_match", "tokenize"]
