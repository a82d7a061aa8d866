"""Which mentions a rule counts: its brand, query and filters as a search, and the time zone of its rhythm."""

from __future__ import annotations

from dataclasses import dataclass

from earful.alerts.rules import AlertRule
from earful.config import AppConfig
from earful.query import Node
from search.base import SearchFilters


@dataclass(frozen=True)
class RuleScope:
    query: Node | None
    filters: SearchFilters
    tz: str


def rule_scope(rule: AlertRule, config: AppConfig) -> RuleScope:
    """Exact copies are counted once (the default of every search); the zone is the rule's, else the brand's."""
    brand = config.brand(rule.brand) if rule.brand else None
    filters = SearchFilters(brands=[rule.brand] if rule.brand else [], sources=list(rule.source),
                            langs=list(rule.lang))
    return RuleScope(rule.query, filters, rule.tz or (brand.tz if brand is not None else None) or "UTC")
