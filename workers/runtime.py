"""Wiring: builds the index, state, queue and processor that settings ask for."""

from __future__ import annotations

from dataclasses import dataclass

from earful.config import AppConfig
from earful.settings import Settings
from earful.state import SQLiteStateStore, StateStore
from search.base import IndexBackend
from search.factory import open_index
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.queue import InlineQueue, MentionQueue
from workers.rules import BrandMatcher
from workers.sentiment import default_router
from workers.spool import Spool


@dataclass
class Runtime:
    settings: Settings
    config: AppConfig
    index: IndexBackend
    state: StateStore
    queue: MentionQueue
    spool: Spool

    def close(self) -> None:
        self.index.close()
        self.state.close()


def build_processor(settings: Settings, config: AppConfig, index: IndexBackend) -> Processor:
    router = default_router(settings.positive_threshold, settings.negative_threshold)
    return Processor(BrandMatcher(config.brands), FastTextDetector(), router, index)


def open_runtime(settings: Settings, config: AppConfig | None = None) -> Runtime:
    """Everything a collecting process needs; the config (default: EARFUL_CONFIG) is validated first."""
    config = config if config is not None else settings.app_config
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    index = open_index(settings, writable=True)
    queue = InlineQueue(build_processor(settings, config, index))
    return Runtime(settings=settings, config=config, index=index,
                   state=SQLiteStateStore(settings.state_path), queue=queue,
                   spool=Spool(settings.data_dir / "spool"))
