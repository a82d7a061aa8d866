"""Alert rules: a saved search (brand and/or query and filters), a trigger, a sensitivity, channels."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from earful.errors import ConfigError, QuerySyntaxError
from earful.params import parse_duration
from earful.query import Node, parse
from earful.query.fields import QUERY_FIELDS
from earful.sources import SLUG

TRIGGERS = ("volume_spike", "negative_spike", "negative_share", "silence", "new_mentions")
SENSITIVITIES = ("low", "medium", "high")
Trigger = Literal["volume_spike", "negative_spike", "negative_share", "silence", "new_mentions"]
Sensitivity = Literal["low", "medium", "high"]
INTERVALS = (300, 600, 900, 1800, 3600)  # bucket lengths a rule may count in
_FORMATS = {  # field: (pattern, longest, what a value must be)
    "lang": (re.compile(r"^[a-z]{2,3}$"), 3, "a language code; use ISO 639-1 like en or fa"),
    "email": (re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), 254, "an email address"),
    "webhook": (re.compile(r"^https?://[^\s/$.?#][^\s]*$"), 2000, "an http(s) URL"),
}


def _listed(value: Any) -> Any:
    """``source: reddit`` and ``source: [reddit, feed]`` both read as a list."""
    return [value] if isinstance(value, str) else value


class WebhookTarget(BaseModel):
    """A webhook with its own signing secret, read from the environment variable ``secret_env``."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000)
    secret_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]{0,99}$",
                                   description="environment variable holding the secret")


class AlertRule(BaseModel):
    """One rule, as the config or the API writes it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG, description="unique slug")
    brand: str | None = Field(default=None, description="brand id; and/or q")
    q: str | None = Field(default=None, max_length=10_000, description="Lucene-style query; and/or brand")
    source: list[str] = Field(default_factory=list, description="source kinds or names")
    lang: list[str] = Field(default_factory=list, description="ISO 639-1 codes")
    trigger: Trigger
    sensitivity: Sensitivity = "medium"
    threshold: float | None = Field(default=None, ge=1.0, le=50.0, description="score that overrides the preset's")
    min_count: int | None = Field(default=None, ge=1, description="never alert below this many mentions")
    interval: int = Field(default=900, description="bucket length: 5m, 10m, 15m, 30m or 1h")
    tz: str | None = Field(default=None, description="time zone of the rhythm (default: the brand's, else UTC)")
    email: list[str] = Field(default_factory=list)
    webhook: list[str | WebhookTarget] = Field(
        default_factory=list, description="URLs, or {url, secret_env} for a secret of its own")
    enabled: bool = True
    description: str = Field(default="", max_length=500)

    @field_validator("source", "lang", "email", "webhook", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _listed(value)

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: object) -> int:
        seconds = parse_duration(value)
        if seconds not in INTERVALS:
            raise ValueError(f"{value!r} is not a bucket length alerts count in; use 5m, 10m, 15m, 30m or 1h")
        return seconds

    @field_validator("lang", "email", "webhook")
    @classmethod
    def _formats(cls, values: list[Any], info: ValidationInfo) -> list[Any]:
        pattern, limit, what = _FORMATS[str(info.field_name)]
        for given in values:
            value = given.url if isinstance(given, WebhookTarget) else given
            if not pattern.match(value) or len(value) > limit:
                raise ValueError(f"{value!r} is not {what}")
        return values

    @model_validator(mode="after")
    def _scope(self) -> AlertRule:
        if not self.brand and not (self.q and self.q.strip()):
            raise ValueError("a rule watches a brand and/or a query: give brand, q or both")
        return self

    @property
    def query(self) -> Node | None:
        """The parsed ``q`` (QuerySyntaxError when it does not parse)."""
        return parse(self.q, fields=QUERY_FIELDS) if self.q and self.q.strip() else None


@dataclass(frozen=True)
class RuleBook:
    """What rules are checked against: the config's rules, brands (id → time zone) and source names."""

    configured: tuple[AlertRule, ...] = ()
    brands: dict[str, str | None] = field(default_factory=dict)
    sources: frozenset[str] = frozenset()

    def check(self, rules: list[AlertRule], file: str, key: str = "alerts") -> None:
        """Every rule's references hold and ids are unique; a ConfigError names the file and the key."""
        for i, rule in enumerate(rules):
            problem = rule_problem(rule, self.brands, self.sources)
            if problem is not None:
                raise ConfigError(problem[1], file=file, key=f"{key}[{i}].{problem[0]}")
        ids = [r.id for r in rules]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ConfigError(f"alert rule ids must be unique; {duplicated[0]!r} is used twice", file=file, key=key)


def rule_problem(rule: AlertRule, brands: dict[str, str | None], sources: Set[str]) -> tuple[str, str] | None:
    """(key, message) of the first reference that does not hold, or None.

    ``brands``: brand id → its time zone; ``sources``: source types and configured source names.
    """
    if rule.brand is not None and rule.brand not in brands:
        return "brand", f"unknown brand id {rule.brand!r}; known: {', '.join(sorted(brands)) or 'none'}"
    try:
        _ = rule.query
    except QuerySyntaxError as exc:
        return "q", f"{exc.reason} at position {exc.position}\n    {rule.q}\n    {' ' * exc.position}^"
    for j, name in enumerate(rule.source):
        if name not in sources:
            return f"source[{j}]", f"unknown source {name!r}; use a source type or a configured source's name"
    if rule.tz is not None:
        from earful.params import parse_zone

        try:
            parse_zone(rule.tz)
        except Exception:
            return "tz", f"{rule.tz!r} is not an IANA time zone name; use e.g. Europe/Berlin"
    return None
