"""The YAML config: brands (with their rules) and sources. Validated in full at load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, PrivateAttr, ValidationError, field_validator

from earful.errors import ConfigError, QuerySyntaxError
from earful.query import Node, parse

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
RULE_FIELDS = frozenset({"title", "text", "site", "author", "lang"})
SOURCE_TYPES = ("feed",)
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def parse_duration(value: object) -> int:
    """``90``, ``"30s"``, ``"15m"``, ``"2h"``, ``"1d"`` → seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like 900, '15m', '1h' or '1d'")
    if isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a duration; write e.g. 900, '15m', '1h' or '1d'")
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds < 10:
        raise ValueError("must be at least 10 seconds, to stay polite to the source")
    return seconds


class BrandConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    query: str = Field(min_length=1, max_length=10_000)
    competitors: list[str] = Field(default_factory=list)
    _rule: Node | None = PrivateAttr(default=None)

    @property
    def rule(self) -> Node:
        if self._rule is None:
            self._rule = parse(self.query, fields=RULE_FIELDS)
        return self._rule


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=SLUG)
    type: Literal["feed"]
    url: HttpUrl
    interval: int = 900  # seconds between collections
    brand: str | None = None  # items belong to this brand without rule matching
    lang: str | None = None  # language hint when the source does not declare one
    enabled: bool = True

    @field_validator("interval", mode="before")
    @classmethod
    def _duration(cls, value: object) -> int:
        return parse_duration(value)


class AppConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brands: list[BrandConfig] = Field(default_factory=list)
    sources: list[SourceConfig] = Field(default_factory=list)

    def brand(self, brand_id: str) -> BrandConfig | None:
        return next((b for b in self.brands if b.id == brand_id), None)


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
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


def parse_config(data: Any, file: str = "<config>") -> AppConfig:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the top level must be a mapping with 'brands' and 'sources'", file=file)
    try:
        config = AppConfig.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_loc(err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError("\n  ".join(["invalid config:", *problems]), file=file) from None
    _check_references(config, file)
    return config


def load_config(path: Path | str) -> AppConfig:
    """Read and validate a YAML config; every error names the file and the key."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the file ({exc.strerror}); check EARFUL_CONFIG", file=file) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=file) from None
    return parse_config(data, file)
