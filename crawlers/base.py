"""The collector interface, its result, and the registry of collectors by source type."""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from earful.config import AppConfig
from earful.errors import SourceError
from earful.models import RawMention
from earful.settings import Settings
from earful.state import StateStore


@dataclass
class CollectResult:
    """What one collection of one source produced."""

    mentions: list[RawMention] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # items dropped, reason -> count
    errors: list[str] = field(default_factory=list)  # human-readable problems with the content
    not_modified: bool = False  # the source said nothing changed since the last run
    counts: dict[str, int] = field(default_factory=dict)  # items kept but adjusted, reason -> count
    failures: list[SourceError] = field(default_factory=list)  # parts that could not be fetched; the rest is kept

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def note(self, reason: str, n: int = 1) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + n


S = TypeVar("S")


class Collector(ABC, Generic[S]):
    """Collects one kind of source. Built from settings; holds no per-source state itself."""

    source_type: str = ""

    def __init__(self, settings: Settings | None = None, config: AppConfig | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        self._config = config

    @property
    def config(self) -> AppConfig:
        """Brands and profiles (the runtime's config; default: EARFUL_CONFIG)."""
        return self._config if self._config is not None else self.settings.app_config

    @abstractmethod
    def collect(self, source: S, state: StateStore) -> CollectResult:
        """Fetch ``source`` and return its items; raises SourceError when it cannot be fetched."""


CollectorFactory = Callable[[Settings, AppConfig | None], Collector[Any]]

# Lazy "module:attribute" references keep importing crawlers.base cheap and free of cycles.
_REGISTRY: dict[str, str | CollectorFactory] = {
    "feed": "crawlers.feeds:FeedCollector",
    "reviews": "crawlers.scrapy_collector:ReviewsCollector",
    "web": "crawlers.scrapy_collector:WebCollector",
    "reddit": "crawlers.reddit:RedditCollector",
}


def register(source_type: str, factory: str | CollectorFactory) -> None:
    """Make ``collector_for(source_type)`` build collectors with ``factory``."""
    _REGISTRY[source_type] = factory


def collector_for(source_type: str, settings: Settings | None = None,
                  config: AppConfig | None = None) -> Collector[Any]:
    """A collector for ``source_type`` built from ``settings`` (default: from the environment)."""
    try:
        factory = _REGISTRY[source_type]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise SourceError(f"no collector for source type {source_type!r}; known types: {known}",
                          kind="unsupported") from None
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module), attr)
    return factory(settings if settings is not None else Settings(), config)
