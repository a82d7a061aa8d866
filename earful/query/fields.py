"""The fields a query may name: brand rules see a mention's text fields, searches a few more."""

from __future__ import annotations

RULE_FIELDS = frozenset({"title", "text", "site", "author", "lang"})
QUERY_FIELDS = frozenset({*RULE_FIELDS, "brand", "source", "sentiment"})
