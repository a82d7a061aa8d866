"""Opens the state store the settings ask for."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from earful.state.base import StateStore
from earful.state.sqlite import SQLiteStateStore


class StateSettings(Protocol):
    """What the factory reads of the settings (a protocol: the state layer imports nothing of the settings',
    whose config imports the alert rules, whose stores import the state)."""

    @property
    def redis_url(self) -> str | None: ...

    @property
    def state_path(self) -> Path: ...


def open_state(settings: StateSettings) -> StateStore:
    """Redis when EARFUL_REDIS_URL is set (shared by every process), else SQLite under EARFUL_DATA_DIR."""
    if settings.redis_url:
        from earful.state.redis_store import RedisStateStore

        return RedisStateStore.from_url(settings.redis_url)
    return SQLiteStateStore(settings.state_path)
