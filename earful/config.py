"""The YAML config: brands (with their rules) and sources. Validated in full at load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, PrivateAttr, ValidationError, field_validator

from earful.errors import ConfigError, QuerySyntaxError
from earful.query import Node, parse

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
RULE_FIELDS = frozenset({"title", "text", "site", "author", "lang"})
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


class _SourceBase(BaseModel):
    """What every source has: a name, a schedule, and an optional brand binding."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=SLUG)
    interval: int = 900  # seconds between collections
    brand: str | None = None  # items belong to this brand without rule matching
    lang: str | None = None  # language hint when the source does not declare one
    enabled: bool = True

    @field_validator("interval", mode="before")
    @classmethod
    def _duration(cls, value: object) -> int:
        return parse_duration(value)

    @property
    def target(self) -> str:
        """One line saying where this source collects from (for listings)."""
        return ""


class FeedSource(_SourceBase):
    """An RSS/Atom/RDF/JSON feed."""

    type: Literal["feed"]
    url: HttpUrl

    @property
    def target(self) -> str:
        return str(self.url)


class RedditSource(_SourceBase):
    """Reddit through its API (read-only): search for brand terms and/or watch subreddits."""

    type: Literal["reddit"]
    subreddits: list[str] = Field(default_factory=list)  # empty: search all of Reddit
    search: bool = True  # search for each brand's rule terms, newest first
    watch: bool | None = None  # new submissions of the listed subreddits (default: when any are listed)
    comments_depth: int = Field(default=0, ge=0, le=10)  # comment levels collected under matched posts
    limit: int = Field(default=100, ge=1, le=1000)  # items per query and run

    @field_validator("subreddits")
    @classmethod
    def _subreddit_names(cls, value: list[str]) -> list[str]:
        names = []
        for raw in value:
            name = raw.strip().removeprefix("/").removeprefix("r/")
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_]{1,20}", name):
                raise ValueError(f"{raw!r} is not a subreddit name (letters, digits, _; e.g. 'python')")
            names.append(name)
        return names

    @property
    def watches(self) -> bool:
        return bool(self.subreddits) if self.watch is None else self.watch

    @property
    def target(self) -> str:
        where = ", ".join(f"r/{s}" for s in self.subreddits) or "all of Reddit"
        modes = [m for m, on in (("search", self.search), ("new posts", self.watches)) if on]
        return f"{where} ({' + '.join(modes) or 'nothing enabled'})"


class ReviewsSource(_SourceBase):
    """Review pages of one brand on third-party sites (schema.org markup or a profile's selectors)."""

    type: Literal["reviews"]
    brand: str  # type: ignore[assignment]  # required here: reviews are about this brand
    urls: list[HttpUrl] = Field(default_factory=list)
    profile: str | None = None  # name under `profiles:`; without one, schema.org markup is read
    max_pages: int | None = Field(default=None, ge=1, le=10_000)  # default: the profile's, else 20

    @property
    def target(self) -> str:
        return ", ".join(str(u) for u in self.urls) + (f" (profile {self.profile})" if self.profile else "")


class WebSource(_SourceBase):
    """Web pages and forum threads, listed or from sitemaps, matched against brand rules."""

    type: Literal["web"]
    urls: list[HttpUrl] = Field(default_factory=list)
    sitemaps: list[HttpUrl] = Field(default_factory=list)
    profile: str | None = None
    max_pages: int = Field(default=200, ge=1, le=100_000)

    @property
    def target(self) -> str:
        return ", ".join(str(u) for u in [*self.urls, *self.sitemaps])


SourceConfig = Annotated[FeedSource | RedditSource | ReviewsSource | WebSource, Field(discriminator="type")]
SOURCE_TYPES = ("feed", "reddit", "reviews", "web")


class SiteProfile(BaseModel):
    """Selectors for a site without schema.org markup (CSS, or XPath when starting with / or ( ).

    Selectors are relative to one review (``item``) except ``item``, ``next_page`` and the
    aggregate ones, which apply to the whole page.
    """

    model_config = ConfigDict(extra="forbid")

    start_urls: list[HttpUrl] = Field(default_factory=list)
    item: str | None = None  # one review (or forum post)
    author: str | None = None
    rating: str | None = None
    rating_scale: float | None = Field(default=None, gt=0)  # best value, when the page does not say
    title: str | None = None
    text: str | None = None
    date: str | None = None
    next_page: str | None = None  # link to the next page; rel=next is followed without it
    aggregate_rating: str | None = None
    aggregate_count: str | None = None
    max_pages: int = Field(default=20, ge=1, le=10_000)


class AppConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brands: list[BrandConfig] = Field(default_factory=list)
    sources: list[SourceConfig] = Field(default_factory=list)
    profiles: dict[str, SiteProfile] = Field(default_factory=dict)

    def brand(self, brand_id: str) -> BrandConfig | None:
        return next((b for b in self.brands if b.id == brand_id), None)


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if i == 2 and loc[0] == "sources" and part in SOURCE_TYPES:
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
        profile = getattr(source, "profile", None)
        if profile is not None and profile not in config.profiles:
            known = ", ".join(sorted(config.profiles)) or "none defined"
            raise ConfigError(f"unknown profile {profile!r}; profiles: {known}", file=file,
                              key=f"sources[{i}].profile")
        if isinstance(source, ReviewsSource | WebSource):
            start = config.profiles[profile].start_urls if profile else []
            if not (source.urls or getattr(source, "sitemaps", None) or start):
                raise ConfigError("give at least one URL (urls, sitemaps, or the profile's start_urls)",
                                  file=file, key=f"sources[{i}].urls")


def parse_config(data: Any, file: str = "<config>") -> AppConfig:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the top level must be a mapping with 'brands' and 'sources'", file=file)
    try:
        config = AppConfig.model_validate(data)
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
        raise ConfigError(f"cannot read the file ({exc.strerror}); check EARFUL_CONFIG", file=file) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=file) from None
    return parse_config(data, file)
