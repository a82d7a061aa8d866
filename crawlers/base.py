"""The collector interface, its result, and the collector for a source type (from the registry)."""

from __future__ import annotations

import importlib
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from earful.config import AppConfig
from earful.errors import SourceError
from earful.models import RawMention
from earful.settings import Settings
from earful.sources import find, source_types
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
    """Collects one kind of source. Built from settings; holds no per-source state itself.

    ``stop`` is set when the process stops: a collector should give up what it is fetching
    (raise ``SourceError(kind="cancelled")``) rather than finish.
    """

    stop: threading.Event | None = None

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


def collector_for(source_type: str, settings: Settings | None = None,
                  config: AppConfig | None = None) -> Collector[Any]:
    """A collector for ``source_type`` built from ``settings`` (default: from the environment)."""
    found = find(source_type)
    if found is None:
        raise SourceError(f"no collector for source type {source_type!r}; known types: {', '.join(source_types())}",
                          kind="unsupported")
    module, _, attr = found.collector.partition(":")
    factory = getattr(importlib.import_module(module), attr)
    return factory(settings if settings is not None else Settings(), config)  # type: ignore[no-any-return]
