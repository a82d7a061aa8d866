"""Source types: the base of every source's config model, site profiles, and the one registry.

A source type is one package (under ``crawlers/``) holding its config model and its collector,
plus one registration: an entry point in the ``earful.sources`` group of ``pyproject.toml``
that names its :class:`SourceType`. Everything that lists source types reads this registry:
the config's union of source models, ``earful config check``, the API's source filter, the
docs check. ``register`` adds a type at run time (a plugin, or a test).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from earful.params import parse_duration

logger = logging.getLogger(__name__)

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
ENTRY_POINT_GROUP = "earful.sources"


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


class SourceBase(BaseModel):
    """What every source has: a name, a schedule, and an optional brand binding.

    Each source type's model narrows ``type`` to its own name (``Literal["feed"]``).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=SLUG)
    interval: int = 900  # seconds between collections
    brand: str | None = None  # items belong to this brand without rule matching
    lang: str | None = None  # language hint when the source does not declare one
    enabled: bool = True
    type: str

    @field_validator("interval", mode="before")
    @classmethod
    def _duration(cls, value: object) -> int:
        return parse_duration(value)

    @model_validator(mode="before")
    @classmethod
    def _canonical_type(cls, data: Any) -> Any:
        """An older spelling of the type (``reviews``) reads as today's (``review``)."""
        if isinstance(data, dict) and isinstance(data.get("type"), str):
            return {**data, "type": canonical_type(data["type"])}
        return data

    @property
    def target(self) -> str:
        """One line saying where this source collects from (for listings)."""
        return ""

    def check(self, profiles: Mapping[str, SiteProfile]) -> tuple[str, str] | None:
        """(key, problem) for the first thing this source refers to that the config lacks, or None."""
        return None


@dataclass(frozen=True)
class SourceType:
    """One kind of source: its ``type:`` name, config model, collector and documentation."""

    name: str  # what the config's `type:` and each mention's `source` say
    model: type[SourceBase]
    collector: str  # "package.module:Class", imported when first needed (loading a config stays cheap)
    docs: str  # page that documents it, relative to the repository root
    aliases: tuple[str, ...] = ()  # older spellings the config still accepts


_lock = threading.RLock()
_types: dict[str, SourceType] = {}
_aliases: dict[str, str] = {}
_loaded = False


def register(source_type: SourceType) -> None:
    """Add a source type; registering the same type again is harmless, a clash is an error."""
    with _lock:
        for name in (source_type.name, *source_type.aliases):
            owner = _aliases.get(name, name if name in _types else None)
            if owner is not None and _types[owner] != source_type:
                raise ValueError(f"source type {name!r} is registered already ({_types[owner].collector})")
        _types[source_type.name] = source_type
        _aliases.update(dict.fromkeys(source_type.aliases, source_type.name))


def unregister(name: str) -> None:
    """Forget a source type registered at run time."""
    with _lock:
        removed = _types.pop(name, None)
        for alias in removed.aliases if removed else ():
            _aliases.pop(alias, None)


def _load_entry_points() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        _loaded = True
        for point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                register(point.load())
            except Exception:  # one broken plugin must not hide the other source types
                logger.exception("source type %r (%s) could not be loaded; skipped", point.name, point.value)


def registered() -> tuple[SourceType, ...]:
    """Every source type, by name."""
    _load_entry_points()
    with _lock:
        return tuple(_types[name] for name in sorted(_types))


def source_types() -> tuple[str, ...]:
    """The names of every source type, as the config's ``type:`` takes them."""
    return tuple(t.name for t in registered())


def canonical_type(name: str) -> str:
    """The registered name for ``name`` (an older spelling maps to today's); unknown names unchanged."""
    _load_entry_points()
    return _aliases.get(name, name)


def find(name: str) -> SourceType | None:
    """The source type called ``name`` (or an older spelling of it), or None."""
    _load_entry_points()
    return _types.get(canonical_type(name))
