"""The YAML config: brands (with their rules) and sources. Validated in full at load."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Union

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from earful.alerts.rules import AlertRule, RuleBook
from earful.errors import BadRequest, ConfigError, QuerySyntaxError
from earful.params import parse_zone
from earful.query import Node, parse
from earful.query.fields import RULE_FIELDS
from earful.sources import SLUG, SiteProfile, SourceBase, SourceType, canonical_type, registered, source_types

__all__ = ["RULE_FIELDS", "SLUG", "AppConfig", "BrandConfig", "SiteProfile", "SourceConfig", "load_config",
           "parse_config"]

SourceConfig = SourceBase  # any registered source type's config model


class BrandConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    query: str = Field(min_length=1, max_length=10_000)
    competitors: list[str] = Field(default_factory=list)
    tz: str | None = None  # IANA zone of the brand's daily rhythm (alerts); UTC when unset
    _rule: Node | None = PrivateAttr(default=None)

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_zone(value)
            except BadRequest:
                raise ValueError(f"{value!r} is not an IANA time zone name; use e.g. Europe/Berlin") from None
        return value

    @property
    def rule(self) -> Node:
        if self._rule is None:
            self._rule = parse(self.query, fields=RULE_FIELDS)
        return self._rule


class AppConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brands: list[BrandConfig] = Field(default_factory=list)
    sources: list[SourceConfig] = Field(default_factory=list)
    profiles: dict[str, SiteProfile] = Field(default_factory=dict)
    alerts: list[AlertRule] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _canonical_types(cls, data: Any) -> Any:
        """Older spellings of a source type (``type: reviews``) read as today's (``review``)."""
        sources = data.get("sources") if isinstance(data, dict) else None
        if not isinstance(sources, list):
            return data
        fixed = [{**s, "type": canonical_type(s["type"])} if isinstance(s, dict) and isinstance(s.get("type"), str)
                 else s for s in sources]
        return {**data, "sources": fixed}

    def brand(self, brand_id: str) -> BrandConfig | None:
        return next((b for b in self.brands if b.id == brand_id), None)

    def rule_book(self) -> RuleBook:
        """What alert rules (the file's and the API's) are checked against."""
        return RuleBook(tuple(self.alerts), {b.id: b.tz for b in self.brands},
                        frozenset(source_types()) | {s.name for s in self.sources})


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if i == 2 and loc[0] == "sources" and part in source_types():
            continue  # pydantic names the union member ("feed"); the user wrote sources[0].x
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _check_references(config: AppConfig, file: str) -> None:
    ids = [b.id for b in config.brands]
    for i, brand in enumerate(config.brands):
        try:
            _ = brand.rule  # compiling the rule is the syntax check
        except QuerySyntaxError as exc:
            pointer = " " * exc.position + "^"
            raise ConfigError(
                f"{exc.reason} at position {exc.position}\n    {brand.query}\n    {pointer}",
                file=file, key=f"brands[{i}].query") from None
        for j, other in enumerate(brand.competitors):
            if other not in ids:
                raise ConfigError(f"unknown brand id {other!r}; known: {', '.join(ids)}",
                                  file=file, key=f"brands[{i}].competitors[{j}]")
    if len(set(ids)) != len(ids):
        raise ConfigError("brand ids must be unique", file=file, key="brands")
    names = [s.name for s in config.sources]
    if len(set(names)) != len(names):
        raise ConfigError("source names must be unique", file=file, key="sources")
    for i, source in enumerate(config.sources):
        if source.brand is not None and source.brand not in ids:
            raise ConfigError(f"unknown brand id {source.brand!r}", file=file, key=f"sources[{i}].brand")
        problem = source.check(config.profiles)
        if problem is not None:
            raise ConfigError(problem[1], file=file, key=f"sources[{i}].{problem[0]}")
    config.rule_book().check(config.alerts, file)


@lru_cache(maxsize=8)
def _validating_model(types: tuple[SourceType, ...]) -> type[AppConfig]:
    """AppConfig whose sources are the union of the registered source types' models."""
    models = tuple(t.model for t in types)
    member: Any = Annotated[Union[models], Field(discriminator="type")] if len(models) > 1 else models[0]
    return create_model("AppConfig", __base__=AppConfig, sources=(list[member], Field(default_factory=list)))


def config_model() -> type[AppConfig]:
    """The model that validates a config against the source types registered now."""
    types = registered()
    if not types:
        raise ConfigError("no source types are installed: install Earful (scripts/setup.sh) so that its "
                          "source packages register themselves")
    return _validating_model(types)


def parse_config(data: Any, file: str = "<config>") -> AppConfig:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the top level must be a mapping with 'brands', 'sources' and 'alerts'", file=file)
    try:
        config = config_model().model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = err["loc"] + (("type",) if err["type"].startswith("union_tag_") else ())
            problems.append(f"{_loc(loc)}: {err['msg']}")
        raise ConfigError("\n  ".join(["invalid config:", *problems]), file=file) from None
    _check_references(config, file)
    return config


def load_config(path: Path | str) -> AppConfig:
    """Read and validate a YAML config; every error names the file and the key."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the file ({exc.strerror or exc}); check EARFUL_CONFIG", file=file) from None
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} on line {line}); save the file "
                          "as UTF-8", file=file) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=file) from None
    return parse_config(data, file)
